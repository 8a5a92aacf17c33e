"""The "needs attention" queue (/group/attention/), as the demo staff account sees it: flagged payments and
refunds, cash refunds left pending, calendar conflicts and failed feeds, notifications that could not be
sent; each gone once dealt with, each with the admin page where staff deal with it, and nothing personal
about a guest on the page."""

import smtplib
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.admin.sites import site as admin_site
from django.core.mail.backends.base import BaseEmailBackend
from django.test import RequestFactory
from django.urls import reverse

from bookings.activity import Source
from bookings.ledger import LedgerEntry
from bookings.models import Booking
from bookings.notices import booking_notices_queue
from bookings.payments.models import Payment, Refund, WebhookEvent
from bookings.payments.services import payment_succeeded, refund_record_outside, refund_status_set
from bookings.sync.models import CalendarFeed
from bookings.sync.services import calendar_feed_sync, external_nights_dismiss
from bookings.usecases import (
    Actor,
    booking_cancel,
    booking_paid_at_homestay,
    booking_place,
    cash_refund_handed_back,
)
from notifications.models import Notification
from notifications.services import MAX_ATTEMPTS, notification_deliver
from tests import factories
from tests.bookings.owner.ical import vcalendar, vevent
from tests.bookings.payments.conftest import start_online
from villages.demo.accounts import ACCOUNTS, account_sync
from villages.staff_group import staff_group_sync

pytestmark = pytest.mark.django_db

QUEUE = "/group/attention/"
GUEST_NAME, GUEST_PHONE, GUEST_EMAIL = "赵敏", "13712345678", "zhao.min@guest.example"
SEP_8, SEP_10 = date(2026, 9, 8), date(2026, 9, 10)


class RefusingMailServer(BaseEmailBackend):
    """A mail server that refuses the recipient, as smtplib reports it: the address in the error."""

    def send_messages(self, messages):
        recipients = {address: (550, b"5.1.1 no such user") for m in messages for address in m.to}
        raise smtplib.SMTPRecipientsRefused(recipients)


@pytest.fixture
def demo_staff(db):
    """The demo's staff account, made as ``seed_demo`` makes it."""
    seed = next(seed for seed in ACCOUNTS if seed.username == "staff")
    user, _set = account_sync(seed, password="lishi-demo-2026", reset_password=True, group=staff_group_sync())
    return user


@pytest.fixture
def staff_client(client, demo_staff):
    client.force_login(demo_staff)
    return client


@pytest.fixture
def owner(db):
    return factories.user(username="host")


@pytest.fixture
def room(owner):
    homestay = factories.homestay(owner=owner, name_zh_hans="枣林小院", instant_book=True)
    return factories.room_type(homestay=homestay, room_count=1, base_price=Decimal("200.00"))


@pytest.fixture
def guest(db):
    return factories.user(username="zhaomin", email=GUEST_EMAIL)


def _place(room, guest, payment=Booking.Payment.ONLINE, check_in=SEP_8, check_out=SEP_10) -> Booking:
    return booking_place(
        actor=Actor("guest", Source.WEB, guest),
        room_type=room,
        check_in=check_in,
        check_out=check_out,
        guests=2,
        lead_guest_name=GUEST_NAME,
        lead_guest_phone=GUEST_PHONE,
        payment=payment,
    ).booking


def _flagged_payment(room, guest) -> Payment:
    """Money that arrived for a booking cancelled meanwhile: refunded automatically and flagged."""
    booking, payment = start_online(
        room, user=guest, lead_guest_name=GUEST_NAME, lead_guest_phone=GUEST_PHONE
    )
    booking_cancel(booking=booking, actor=Actor("guest", Source.WEB, guest))
    payment_succeeded(payment=Payment.objects.get(pk=payment.pk))
    return Payment.objects.get(pk=payment.pk)


def _paid_online(room, guest, **stay) -> Payment:
    _booking, payment = start_online(room, user=guest, **stay)
    return payment_succeeded(payment=payment)


def _cash_refund(room, guest, owner) -> Refund:
    """A pay-at-homestay booking paid, then cancelled by the owner: the cash refund waits for the owner."""
    booking = _place(room, guest, payment=Booking.Payment.AT_HOMESTAY)
    booking_paid_at_homestay(booking=booking, actor=Actor("owner", Source.CONSOLE, owner))
    booking_cancel(booking=booking, actor=Actor("owner", Source.CONSOLE, owner), reason="水管坏了")
    return Refund.objects.get(booking=booking)


def _failed_notification(booking, clock, settings, django_capture_on_commit_callbacks) -> Notification:
    """The guest's notice, refused by the mail server on every try until it gives up."""
    settings.EMAIL_BACKEND = f"{__name__}.RefusingMailServer"
    with django_capture_on_commit_callbacks(execute=True):
        booking_notices_queue(booking, actor_role="guest")
    notification = Notification.objects.get(subject=f"booking:{booking.reference}", role="guest")
    for _attempt in range(MAX_ATTEMPTS):
        clock.advance(hours=3)
        notification_deliver(notification_id=notification.pk)
    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED
    return notification


def _queue(client):
    response = client.get(QUEUE)
    assert response.status_code == 200
    return response, response.context["queue"]


def _kinds(queue) -> list[tuple[str, str]]:
    return [(item.kind, item.reference) for item in queue.items]


def test_the_queue_lists_everything_that_needs_staff_newest_first(
    staff_client, room, guest, owner, clock, settings, django_capture_on_commit_callbacks, feed_server
):
    payment = _flagged_payment(room, guest)
    clock.advance(minutes=5)
    other_room = factories.room_type(homestay=room.homestay, room_count=1)
    refund = refund_record_outside(
        payment=_paid_online(other_room, guest), amount=Decimal("50.00"), provider_reference="re_outside_1"
    )
    clock.advance(minutes=5)
    booked_here = _place(factories.room_type(homestay=room.homestay, room_count=1), guest)
    feed = CalendarFeed.objects.create(
        room_type=booked_here.room_type,
        name="Airbnb",
        url=feed_server.serve("/a.ics", vcalendar(vevent("x", SEP_8, SEP_10))),
    )
    calendar_feed_sync(feed=feed)
    notification = _failed_notification(booked_here, clock, settings, django_capture_on_commit_callbacks)

    response, queue = _queue(staff_client)

    assert _kinds(queue) == [
        ("notification", booked_here.reference),
        ("calendar_conflict", booked_here.reference),
        ("refund", refund.for_booking.reference),
        ("payment", payment.for_booking.reference),
    ]
    assert {count.kind: count.count for count in queue.counts} == {
        "payment": 1,
        "refund": 1,
        "refund_overdue": 0,
        "calendar_conflict": 1,
        "calendar_failed": 0,
        "notification": 1,
        "reconciliation_mismatch": 0,
        "reconciliation_failed": 0,
        "split": 0,
        "owner_payout": 0,
    }
    page = response.text
    assert "付款需人工处理" in page and "¥400.00" in page and payment.attention_note in page
    assert "退款需人工处理" in page and "¥50.00" in page
    assert "日历冲突" in page and "Airbnb 已订出 2 晚,本平台无空房,最早 2026-09-08" in page
    assert "通知发送失败" in page and f"尝试 {MAX_ATTEMPTS} 次" in page
    assert "枣林小院" in page
    assert reverse("admin:bookings_payment_change", args=[payment.pk]) in page
    assert reverse("admin:bookings_refund_change", args=[refund.pk]) in page
    assert f"/admin/notifications/notification/?id__exact={notification.pk}" in page
    assert reverse("admin:villages_homestay_change", args=[room.homestay.pk]) in page
    assert staff_client.get("/group/").context["attention"] == 4


def test_the_page_shows_nothing_personal_about_the_guest(
    staff_client, room, guest, clock, settings, django_capture_on_commit_callbacks
):
    _flagged_payment(room, guest)
    booking = _place(factories.room_type(homestay=room.homestay, room_count=1), guest)
    notification = _failed_notification(booking, clock, settings, django_capture_on_commit_callbacks)
    assert GUEST_EMAIL in notification.last_error  # the mail server's error names the address

    response, queue = _queue(staff_client)

    assert len(queue.items) == 2
    for private in (GUEST_NAME, GUEST_PHONE, GUEST_EMAIL, "zhao.min"):
        assert private not in response.text
    assert "SMTPRecipientsRefused" in response.text


def test_a_cleared_payment_leaves_the_queue(staff_client, room, guest):
    payment = _flagged_payment(room, guest)
    change = reverse("admin:bookings_payment_change", args=[payment.pk])

    assert staff_client.get(change).status_code == 200
    response = staff_client.post(change, {"needs_attention": ""})

    assert response.status_code == 302
    payment.refresh_from_db()
    assert not payment.needs_attention
    assert payment.status == Payment.Status.SUCCEEDED and payment.amount == Decimal("400.00")
    assert _kinds(_queue(staff_client)[1]) == []


def test_staff_change_the_flag_of_a_payment_and_nothing_else(staff_client, room, guest):
    payment = _flagged_payment(room, guest)
    change = reverse("admin:bookings_payment_change", args=[payment.pk])

    staff_client.post(
        change, {"needs_attention": "", "amount": "1.00", "status": "failed", "attention_note": "done"}
    )

    payment.refresh_from_db()
    assert (payment.amount, payment.status, payment.needs_attention) == (
        Decimal("400.00"),
        "succeeded",
        False,
    )
    assert payment.attention_note != "done"
    assert staff_client.get(reverse("admin:bookings_payment_add")).status_code == 403
    assert staff_client.post(reverse("admin:bookings_payment_delete", args=[payment.pk])).status_code == 403


def test_clearing_a_flag_never_puts_back_a_status_that_moved_on_meanwhile(demo_staff, room, guest):
    refund = refund_record_outside(
        payment=_paid_online(room, guest), amount=Decimal("50.00"), provider_reference="re_outside_2"
    )
    opened = Refund.objects.get(pk=refund.pk)  # the change page as staff opened it
    refund_status_set(refund=refund, status=Refund.Status.SUCCEEDED)  # the provider's event meanwhile
    opened.needs_attention = False
    request = RequestFactory().post("/")
    request.user = demo_staff

    admin_site._registry[Refund].save_model(request, opened, form=None, change=True)

    refund.refresh_from_db()
    assert (refund.status, refund.needs_attention) == (Refund.Status.SUCCEEDED, False)


def test_a_refund_flag_is_cleared_the_same_way(staff_client, room, guest):
    refund = refund_record_outside(
        payment=_paid_online(room, guest), amount=Decimal("50.00"), provider_reference="re_outside_3"
    )
    assert _kinds(_queue(staff_client)[1]) == [("refund", refund.for_booking.reference)]

    staff_client.post(reverse("admin:bookings_refund_change", args=[refund.pk]), {"needs_attention": ""})

    assert _kinds(_queue(staff_client)[1]) == []


def test_an_old_flagged_refund_is_listed_once_and_as_overdue_once_cleared(staff_client, room, guest, clock):
    refund = refund_record_outside(
        payment=_paid_online(room, guest), amount=Decimal("50.00"), provider_reference="re_outside_4"
    )
    clock.advance(days=4)
    assert _kinds(_queue(staff_client)[1]) == [("refund", refund.for_booking.reference)]

    staff_client.post(reverse("admin:bookings_refund_change", args=[refund.pk]), {"needs_attention": ""})

    # Still pending at the provider after four days: it stays in the queue, now for that reason.
    response, queue = _queue(staff_client)
    assert _kinds(queue) == [("refund_overdue", refund.for_booking.reference)]
    assert "收款渠道尚未确认退款" in response.text


def test_a_cash_refund_is_listed_once_pending_for_more_than_three_days(
    staff_client, room, guest, owner, clock
):
    refund = _cash_refund(room, guest, owner)
    assert refund.status == Refund.Status.PENDING
    clock.advance(days=3, minutes=-1)
    assert _kinds(_queue(staff_client)[1]) == []

    clock.advance(minutes=2)
    response, queue = _queue(staff_client)

    assert _kinds(queue) == [("refund_overdue", refund.for_booking.reference)]
    assert "现金退款:经营户尚未登记已退还客人" in response.text and "¥400.00" in response.text

    cash_refund_handed_back(booking=refund.for_booking, actor=Actor("owner", Source.CONSOLE, owner))
    assert _kinds(_queue(staff_client)[1]) == []


def test_a_failed_notification_sent_again_from_the_admin_leaves_the_queue(
    staff_client, room, guest, clock, settings, django_capture_on_commit_callbacks
):
    notification = _failed_notification(
        _place(room, guest), clock, settings, django_capture_on_commit_callbacks
    )
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    changelist = reverse("admin:notifications_notification_changelist")

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            changelist, {"action": "retry", "_selected_action": [notification.pk], "index": 0}
        )

    assert response.status_code == 302
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert _kinds(_queue(staff_client)[1]) == []


def test_the_notification_admin_masks_the_address_and_the_error(
    staff_client, room, guest, clock, settings, django_capture_on_commit_callbacks
):
    notification = _failed_notification(
        _place(room, guest), clock, settings, django_capture_on_commit_callbacks
    )

    page = staff_client.get(reverse("admin:notifications_notification_change", args=[notification.pk]))

    assert page.status_code == 200
    assert GUEST_EMAIL not in page.text
    assert "z***@guest.example" in page.text and "SMTPRecipientsRefused" in page.text


def test_a_conflict_leaves_the_queue_once_the_owner_dismisses_it(staff_client, room, guest, feed_server):
    booking = _place(room, guest)
    feed = CalendarFeed.objects.create(
        room_type=room,
        name="Booking.com",
        url=feed_server.serve("/b.ics", vcalendar(vevent("y", SEP_8, SEP_10))),
    )
    calendar_feed_sync(feed=feed)
    assert _kinds(_queue(staff_client)[1]) == [("calendar_conflict", booking.reference)]

    booking_cancel(booking=booking, actor=Actor("guest", Source.WEB, guest))
    calendar_feed_sync(feed=feed)
    assert _kinds(_queue(staff_client)[1]) == [("calendar_conflict", "")], "a free night is no decision"

    external_nights_dismiss(room_type=room, night_ids=list(feed.nights.values_list("pk", flat=True)))
    assert _kinds(_queue(staff_client)[1]) == []


def test_a_conflict_in_the_past_is_not_listed(staff_client, room, guest, feed_server, clock):
    _place(room, guest)
    feed = CalendarFeed.objects.create(
        room_type=room, name="Airbnb", url=feed_server.serve("/c.ics", vcalendar(vevent("z", SEP_8, SEP_10)))
    )
    calendar_feed_sync(feed=feed)

    clock.advance(days=9)

    assert _kinds(_queue(staff_client)[1]) == []


def test_a_failed_feed_is_listed_until_it_syncs_again(staff_client, room, feed_server):
    url = feed_server.serve("/d.ics", "down for maintenance", status=503)
    feed = CalendarFeed.objects.create(room_type=room, name="Tujia", url=url)
    calendar_feed_sync(feed=feed)

    response, queue = _queue(staff_client)

    assert _kinds(queue) == [("calendar_failed", "")]
    assert "日历同步失败" in response.text and "503" in response.text
    assert url not in response.text  # the owner's feed address stays the owner's
    feed_server.serve("/d.ics", vcalendar())
    calendar_feed_sync(feed=feed)
    assert _kinds(_queue(staff_client)[1]) == []


def test_the_dashboard_counts_the_queue_and_links_to_it(staff_client, room, guest):
    assert "没有待处理事项" in staff_client.get("/group/").text
    _flagged_payment(room, guest)

    response = staff_client.get("/group/")

    assert response.context["attention"] == 1
    assert "待处理 1 项" in response.text and f'href="{QUEUE}"' in response.text


def test_an_empty_queue_says_so(staff_client):
    response, queue = _queue(staff_client)

    assert queue.items == [] and queue.total == 0
    assert "没有需要处理的事项。" in response.text


def test_the_queue_answers_get_only(staff_client):
    assert staff_client.post(QUEUE).status_code == 405


# What staff may do in the admin besides


def test_staff_read_provider_events_and_the_ledger_but_cannot_delete_entries(staff_client, room, guest):
    payment = _paid_online(room, guest)
    WebhookEvent.objects.create(provider="stripe", event_id="evt_1", event_type="checkout.session.completed")
    entry = LedgerEntry.objects.filter(booking=payment.booking).first()
    assert entry is not None

    events = staff_client.get(reverse("admin:bookings_webhookevent_changelist"))
    ledger = staff_client.get(reverse("admin:bookings_ledgerentry_changelist"))
    delete = staff_client.post(reverse("admin:bookings_ledgerentry_delete", args=[entry.pk]), {"post": "yes"})

    assert events.status_code == 200 and "evt_1" in events.text
    assert ledger.status_code == 200 and ledger.context["cl"].result_count > 0
    assert delete.status_code == 403
    assert LedgerEntry.objects.filter(pk=entry.pk).exists()
    assert staff_client.get(reverse("admin:bookings_ledgerentry_change", args=[entry.pk])).status_code == 200


def test_the_english_queue_speaks_english(staff_client, room, guest, owner, clock):
    _cash_refund(room, guest, owner)
    clock.advance(days=4)

    page = staff_client.get("/en" + QUEUE).text

    assert "Refund pending too long" in page
    assert "Cash refund: the owner has not recorded handing it back to the guest" in page
    assert "退款久未完成" not in page
    assert "1 item needs attention" in staff_client.get("/en/group/").text
