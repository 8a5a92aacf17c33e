"""On phones: a tourist registers for 严村's 葫芦文化艺术展 and gets a ticket with a QR code; on the day,
staff at the door open the check-in address the QR code carries (WeChat's scanner opens it), see the
ticket with the name masked and check it in; scanning it again says it was checked in already."""

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management import call_command
from playwright.sync_api import expect

from events import services
from events.models import Ticket

from .conftest import PHONE
from .helpers import assert_fits_phone, sign_in

STAFF = "staff@demo.lishi-tourism.cn"
DEMO_PASSWORD = "lishi-demo-2026"
TOURIST, TOURIST_PASSWORD = "wangfang@example.cn", "gourd-2026-pass"


def test_a_tourist_registers_on_a_phone_and_staff_check_the_ticket_in_at_the_door(
    phone, open_page, shot, monkeypatch
):
    call_command("seed_events", verbosity=0)
    tourist = get_user_model().objects.create_user("wangfang", TOURIST, TOURIST_PASSWORD)
    EmailAddress.objects.create(user=tourist, email=TOURIST, verified=True, primary=True)

    page = phone
    sign_in(page, TOURIST, TOURIST_PASSWORD)
    page.goto("/events/")
    page.get_by_role("link", name="葫芦文化艺术展").first.click()
    expect(page.get_by_role("heading", name="场次与登记")).to_be_visible()
    assert_fits_phone(page)
    shot(page, "event")

    page.locator(".slot-card").first.get_by_role("link", name="登记").click()
    expect(page.get_by_role("heading", name="活动登记")).to_be_visible()
    page.get_by_label("人数").fill("2")
    page.get_by_label("姓名").fill("王芳")
    page.get_by_label("手机号").fill("13912345678")
    assert_fits_phone(page)
    shot(page, "register")
    page.get_by_role("button", name="登记").click()

    expect(page.get_by_text("登记成功")).to_be_visible()
    expect(page.locator(".ticket-qr svg")).to_be_visible()
    ticket = Ticket.objects.get(holder=tourist)
    assert ticket.quantity == 2
    assert_fits_phone(page)
    shot(page, "ticket")

    page.goto("/events/tickets/")
    expect(page.get_by_role("link", name="葫芦文化艺术展")).to_be_visible()

    # The day of the slot, at the door.
    monkeypatch.setattr(services, "local_today", lambda: services.ticket_day(ticket))
    door = open_page(PHONE)
    sign_in(door, STAFF, DEMO_PASSWORD)
    check_in = f"/events/check-in/{ticket.code}/"
    door.goto(check_in)
    expect(door.get_by_text("王*")).to_be_visible()
    expect(door.get_by_text("王芳")).to_have_count(0)
    assert_fits_phone(door)
    shot(door, "door-before")

    door.get_by_role("button", name="核验入场").click()
    expect(door.get_by_text("核验成功")).to_be_visible()
    assert Ticket.objects.get(pk=ticket.pk).status == Ticket.Status.CHECKED_IN
    shot(door, "door-checked-in")

    door.goto(check_in)  # a second scan
    expect(door.get_by_text("已核验入场").first).to_be_visible()
    expect(door.get_by_role("button", name="核验入场")).to_have_count(0)
    shot(door, "door-second-scan")
    assert page.js_errors == [] and door.js_errors == []


def test_the_events_pages_pass_axe_and_have_big_enough_tap_targets_on_a_phone(phone, open_page, monkeypatch):
    from events.models import TicketSlot

    from .test_accessibility import blocking_violations, small_targets

    call_command("seed_events", verbosity=0)
    tourist = get_user_model().objects.create_user("lifang", "lifang@example.cn", TOURIST_PASSWORD)
    EmailAddress.objects.create(user=tourist, email="lifang@example.cn", verified=True, primary=True)
    slot = TicketSlot.objects.filter(price__gt=0).order_by("starts_at").first()
    assert slot is not None
    ticket = services.ticket_register(
        slot=slot, holder=tourist, holder_name="李芳", holder_phone="13912345678", quantity=1
    ).ticket
    monkeypatch.setattr(services, "local_today", lambda: services.ticket_day(ticket))

    sign_in(phone, "lifang@example.cn", TOURIST_PASSWORD)
    door = open_page(PHONE)
    sign_in(door, STAFF, DEMO_PASSWORD)
    problems = []
    for page, path in [
        (phone, "/events/"),
        (phone, slot.event.get_absolute_url()),
        (phone, ticket.get_absolute_url()),
        (phone, "/events/tickets/"),
        (phone, f"/events/tickets/{ticket.code}/cancel/"),
        (door, f"/events/check-in/{ticket.code}/"),
        (door, f"/events/staff/slots/{slot.pk}/"),
    ]:
        page.goto(path)
        problems += blocking_violations(page) + small_targets(page)
        assert_fits_phone(page)
    assert not problems, "\n".join(problems)
