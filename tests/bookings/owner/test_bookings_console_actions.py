"""The owner's booking page offers exactly the actions the transition table allows an owner (which are
exactly what the use cases do: tests/bookings/test_transitions.py), and the cash refund button: the owner
records handing back a refund of a booking paid at the homestay."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from bookings import usecases
from bookings.activity import Action, BookingEvent, Source
from bookings.models import Booking
from bookings.owner.selectors import booking_actions
from bookings.payments.models import Refund
from bookings.transitions import OWNER
from tests.bookings.booking_states import MOMENTS, build, state_moments

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _online_payment(stripe_api):
    """Some states are paid online (the fake Stripe API)."""


def page(client, booking) -> str:
    return client.get(reverse("owner:booking_detail", kwargs={"reference": booking.reference})).text


def buttons(html: str, booking) -> set[str]:
    """The actions the page offers: its action forms, and the link to register guests."""
    base = f"/owner/bookings/{booking.reference}/"
    offered = set(re.findall(rf'<form[^>]*action="{re.escape(base)}([a-z_]+)/"', html))
    if f'href="{base}guests/"' in html:
        offered.add("register")
    return offered


def press(client, booking, action, **data):
    url = reverse("owner:booking_action", kwargs={"reference": booking.reference, "action": action})
    return client.post(url, data, follow=True)


@pytest.mark.parametrize(("state", "moment"), state_moments())
def test_the_page_shows_exactly_the_buttons_of_the_allowed_actions(state, moment, owner_client, owner, clock):
    booking = build(state, owner=owner, clock=clock)
    clock.set(MOMENTS[moment])
    owner_client.force_login(owner)  # the session was signed at the earlier clock

    offered = buttons(page(owner_client, booking), booking)

    assert offered == booking_actions(Booking.objects.get(pk=booking.pk))


@pytest.fixture
def cash_owed(owner, clock, django_capture_on_commit_callbacks) -> Booking:
    with django_capture_on_commit_callbacks(execute=True):
        booking = build("cancelled_cash_to_hand_back", owner=owner, clock=clock)
    mail.outbox.clear()
    return booking


def test_the_cash_refund_button_says_how_much_to_hand_back(owner_client, cash_owed):
    html = page(owner_client, cash_owed)

    assert "请把 ¥400.00 现金退还客人,退还后点这里登记。" in html
    assert "现金已退还客人" in html
    assert buttons(html, cash_owed) == {"cash_refunded"}


def test_pressing_it_completes_the_refund_and_tells_the_guest_once(
    owner_client, owner, cash_owed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = press(owner_client, cash_owed, "cash_refunded")
    with django_capture_on_commit_callbacks(execute=True):
        again = press(owner_client, cash_owed, "cash_refunded")  # a double click

    assert "已登记现金退还,客人会收到通知" in response.text
    assert again.status_code == 200
    assert Refund.objects.get(booking=cash_owed).status == Refund.Status.SUCCEEDED
    [event] = BookingEvent.objects.filter(booking=cash_owed, action=Action.REFUND_COMPLETED)
    assert (event.role, event.source, event.actor) == (OWNER, Source.CONSOLE, owner)
    [email] = mail.outbox
    assert email.to == ["guest@example.com"] and "退款已完成" in email.subject
    assert "现金已退还客人" not in page(owner_client, cash_owed)


def test_another_owner_cannot_press_it(client, other_owner, cash_owed):
    client.force_login(other_owner)

    response = press(client, cash_owed, "cash_refunded")

    assert response.status_code == 404
    assert Refund.objects.get(booking=cash_owed).status == Refund.Status.PENDING


def test_the_button_is_not_a_link(owner_client, cash_owed):
    url = reverse(
        "owner:booking_action", kwargs={"reference": cash_owed.reference, "action": "cash_refunded"}
    )

    assert owner_client.get(url).status_code == 405
    assert Refund.objects.get(booking=cash_owed).status == Refund.Status.PENDING


def test_pressing_it_when_no_cash_is_owed_says_so_and_changes_nothing(owner_client, owner, clock):
    booking = build("cancelled_online_refunded", owner=owner, clock=clock)

    response = press(owner_client, booking, "cash_refunded")

    assert "没有待退还的现金" in response.text
    assert Refund.objects.get(booking=booking).status == Refund.Status.PENDING
    assert not BookingEvent.objects.filter(booking=booking, action=Action.REFUND_COMPLETED).exists()


def test_a_guest_without_an_email_is_to_be_phoned_about_the_cash(owner_client, owner, clock):
    booking = build("confirmed_paid_at_homestay", owner=owner, clock=clock)
    assert booking.user is not None
    booking.user.email = ""
    booking.user.save()
    usecases.booking_cancel(
        booking=booking, actor=usecases.Actor(OWNER, Source.CONSOLE, owner), reason="房屋漏水"
    )

    response = press(owner_client, booking, "cash_refunded")

    assert "请打电话告诉客人:13800138000" in response.text


def test_the_page_title_is_the_booking_and_the_events_are_listed_once(owner_client, cash_owed):
    html = page(owner_client, cash_owed)

    title = re.search(r"<title>(.*?)</title>", html, re.S)
    assert title is not None
    assert title.group(1).strip() == f"预订 {cash_owed.reference} · 民宿经营户中心 · 离石乡村旅游"
    assert html.count('id="events-heading"') == 1
