from datetime import date
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from bookings.guests import GuestDetails
from bookings.ledger import Kind, LedgerEntry
from bookings.models import Booking, Guest
from bookings.payments.models import Payment, Refund
from bookings.payments.services import payment_succeeded
from bookings.services import booking_check_in, booking_confirm, guests_register
from tests.bookings.helpers import hold
from tests.bookings.payments.conftest import start_online

pytestmark = pytest.mark.django_db
Status = Booking.Status

SPECIMEN_ID = "11010519491231002X"
MASKED_ID = "1101**********002X"
TODAY = date(2026, 9, 1)
SEP_8, SEP_10 = date(2026, 9, 8), date(2026, 9, 10)


@pytest.fixture
def on_request(homestay):
    homestay.instant_book = False
    homestay.save()
    return homestay


def book(room, check_in=SEP_8, check_out=SEP_10, **fields) -> Booking:
    fields.setdefault("payment", Booking.Payment.AT_HOMESTAY)
    return hold(room, check_in=check_in, check_out=check_out, **fields)


def act(client, booking, action, **data):
    url = reverse("owner:booking_action", kwargs={"reference": booking.reference, "action": action})
    return client.post(url, data, follow=True)


def fresh(booking) -> Booking:
    return Booking.objects.get(pk=booking.pk)


def listed(client, show) -> str:
    return client.get(reverse("owner:booking_list"), {"show": show}).content.decode()


def test_list_tabs_show_the_right_bookings(owner_client, room, on_request, clock):
    request = book(room, lead_guest_name="请求客")
    on_request.instant_book = True
    on_request.save()
    book(room, date(2026, 9, 12), date(2026, 9, 13), lead_guest_name="将来客")
    in_house = book(room, TODAY, date(2026, 9, 3), lead_guest_name="在住客")
    booking_check_in(booking=in_house)
    assert "请求客" in listed(owner_client, "requests") and "将来客" not in listed(owner_client, "requests")
    assert "将来客" in listed(owner_client, "upcoming") and "请求客" not in listed(owner_client, "upcoming")
    assert "在住客" in listed(owner_client, "in_house") and "将来客" not in listed(owner_client, "in_house")
    clock.set("2026-09-20 10:00")
    owner_client.force_login(room.homestay.owner)
    past = listed(owner_client, "past")
    assert "将来客" in past and request.reference in listed(owner_client, "all")


def test_unknown_tab_shows_upcoming(owner_client, room):
    book(room, lead_guest_name="将来客")
    assert "将来客" in listed(owner_client, "nonsense")


def test_request_paid_online_waits_for_payment_before_it_is_listed(owner_client, room, on_request):
    book(room, payment=Booking.Payment.ONLINE, lead_guest_name="未付款")
    assert "未付款" not in listed(owner_client, "requests")


def test_approving_a_request_confirms_it_and_tells_the_guest(
    owner_client, room, on_request, tourist, django_capture_on_commit_callbacks
):
    booking = book(room, user=tourist, language="en")
    with django_capture_on_commit_callbacks(execute=True):
        response = act(owner_client, booking, "approve")
    assert fresh(booking).status == Status.CONFIRMED
    assert "已同意预订" in response.content.decode()
    (email,) = mail.outbox
    assert email.to == [tourist.email]
    assert f"/en/bookings/{booking.reference}/" in email.body


def test_approving_twice_confirms_once_and_emails_once(
    owner_client, room, on_request, tourist, django_capture_on_commit_callbacks
):
    booking = book(room, user=tourist)
    with django_capture_on_commit_callbacks(execute=True):
        act(owner_client, booking, "approve")
    with django_capture_on_commit_callbacks(execute=True):
        act(owner_client, booking, "approve")
    assert fresh(booking).status == Status.CONFIRMED
    assert len(mail.outbox) == 1


def test_declining_a_request_frees_the_rooms_and_tells_the_guest(
    owner_client, room, on_request, tourist, django_capture_on_commit_callbacks
):
    booking = book(room, user=tourist)
    with django_capture_on_commit_callbacks(execute=True):
        act(owner_client, booking, "decline", reason="家里有事")
    booking = fresh(booking)
    assert (booking.status, booking.cancelled_by, booking.cancel_reason) == (
        Status.CANCELLED,
        "owner",
        "家里有事",
    )
    assert len(mail.outbox) == 1


def test_guest_without_an_email_is_to_be_phoned(owner_client, room, on_request):
    booking = book(room, lead_guest_phone="13800138000")
    response = act(owner_client, booking, "decline", reason="客满")
    assert "请打电话告诉客人" in response.content.decode()
    assert "13800138000" in response.content.decode()


def test_cancelling_needs_a_reason(owner_client, room):
    booking = book(room)
    response = act(owner_client, booking, "cancel", reason="")
    assert "请填写原因" in response.content.decode()
    assert fresh(booking).status == Status.CONFIRMED


def test_owner_cancelling_refunds_an_online_payment_in_full(
    owner_client, room, tourist, stripe_api, django_capture_on_commit_callbacks
):
    room.homestay.cancellation_policy = "strict"
    room.homestay.save()
    booking, payment = start_online(room, check_in=SEP_8, check_out=SEP_10, user=tourist)
    payment_succeeded(payment=Payment.objects.get(pk=payment.pk), provider_payment_reference="pi_1")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        act(owner_client, booking, "cancel", reason="房屋漏水")
    booking = fresh(booking)
    assert (booking.status, booking.refund_due) == (Status.CANCELLED, booking.total)
    (refund,) = Refund.objects.all()
    assert refund.amount == booking.total
    assert stripe_api.calls("/v1/refunds")[0].params["amount"] == str(int(booking.total * 100))
    subjects = sorted(email.subject for email in mail.outbox)
    assert [("预订已取消" in subject, "退款已发出" in subject) for subject in subjects] == [
        (False, True),
        (True, False),
    ]
    assert all(booking.reference in subject for subject in subjects)


def test_cancelling_an_unpaid_booking_says_nothing_is_refunded(owner_client, room):
    booking = book(room)
    response = act(owner_client, booking, "cancel", reason="停业")
    assert "无需退款" in response.content.decode()
    assert fresh(booking).refund_due == Decimal("0.00")
    assert not Refund.objects.exists()


def test_check_in_before_the_arrival_day_is_refused_with_the_reason(owner_client, room):
    booking = book(room)
    response = act(owner_client, booking, "check_in")
    assert "还没到入住日期" in response.content.decode()
    assert fresh(booking).status == Status.CONFIRMED


def test_check_in_and_check_out(owner_client, room):
    booking = book(room, TODAY, date(2026, 9, 3))
    act(owner_client, booking, "check_in")
    assert fresh(booking).status == Status.CHECKED_IN
    act(owner_client, booking, "check_out")
    assert fresh(booking).status == Status.COMPLETED


def test_no_show_from_the_day_after_arrival(owner_client, room, clock):
    booking = book(room, TODAY, date(2026, 9, 3))
    act(owner_client, booking, "no_show")
    assert fresh(booking).status == Status.CONFIRMED
    clock.set("2026-09-02 09:00")
    owner_client.force_login(room.homestay.owner)
    act(owner_client, booking, "no_show")
    assert fresh(booking).status == Status.NO_SHOW


def test_marking_paid_at_the_homestay_records_the_money_once(owner_client, room, owner):
    booking = book(room)
    act(owner_client, booking, "paid")
    act(owner_client, booking, "paid")
    assert fresh(booking).is_paid
    (payment,) = Payment.objects.filter(booking=booking)
    assert (payment.amount, payment.recorded_by) == (booking.total, owner)
    assert LedgerEntry.objects.filter(booking=booking, kind=Kind.PAYMENT_RECEIVED).count() == 2


def test_online_booking_cannot_be_marked_paid_at_the_homestay(owner_client, room):
    booking = booking_confirm(booking=book(room, payment=Booking.Payment.ONLINE))
    response = act(owner_client, booking, "paid")
    assert "在线支付" in response.content.decode()
    assert not Payment.objects.exists()


def test_unknown_action_is_not_found(owner_client, room):
    booking = book(room)
    url = reverse("owner:booking_action", kwargs={"reference": booking.reference, "action": "delete"})
    assert owner_client.post(url).status_code == 404


def test_reference_is_found_whatever_its_case(owner_client, room):
    booking = book(room)
    url = reverse("owner:booking_detail", kwargs={"reference": booking.reference.lower()})
    assert owner_client.get(url).status_code == 200


def guests_url(booking) -> str:
    return reverse("owner:booking_guests", kwargs={"reference": booking.reference})


def guest_rows(*rows) -> dict:
    data = {"form-TOTAL_FORMS": str(len(rows)), "form-INITIAL_FORMS": "0"}
    for n, (name, number) in enumerate(rows):
        data |= {
            f"form-{n}-name": name,
            f"form-{n}-document_type": "resident_id",
            f"form-{n}-document_number": number,
        }
    return data


def test_registering_guests_at_check_in(owner_client, room, owner):
    booking = book(room)
    response = owner_client.post(guests_url(booking), guest_rows(("张三", SPECIMEN_ID), ("", "")))
    assert response.status_code == 302
    (guest,) = Guest.objects.filter(booking=booking)
    assert (guest.name, guest.document_number, guest.is_lead, guest.registered_by) == (
        "张三",
        SPECIMEN_ID,
        True,
        owner,
    )


def test_full_id_number_is_shown_on_the_check_in_page_only(owner_client, room):
    booking = book(room)
    guests_register(booking=booking, guests=[GuestDetails("张三", "resident_id", SPECIMEN_ID)])
    check_in_page = owner_client.get(guests_url(booking))
    assert SPECIMEN_ID in check_in_page.content.decode()
    assert "no-store" in check_in_page["Cache-Control"]
    detail = owner_client.get(reverse("owner:booking_detail", kwargs={"reference": booking.reference}))
    assert SPECIMEN_ID not in detail.content.decode() and MASKED_ID in detail.content.decode()
    for page in ("owner:booking_list", "owner:dashboard"):
        assert SPECIMEN_ID not in owner_client.get(reverse(page), {"show": "all"}).content.decode()


def test_finished_stay_shows_masked_numbers_even_on_the_check_in_page(owner_client, room):
    booking = book(room, TODAY, date(2026, 9, 2))
    guests_register(booking=booking, guests=[GuestDetails("张三", "resident_id", SPECIMEN_ID)])
    act(owner_client, booking, "check_in")
    act(owner_client, booking, "check_out")
    page = owner_client.get(guests_url(booking)).content.decode()
    assert SPECIMEN_ID not in page and MASKED_ID in page


def test_wrong_id_number_is_refused_and_nothing_is_saved(owner_client, room):
    booking = book(room)
    response = owner_client.post(guests_url(booking), guest_rows(("张三", "110105194912310021")))
    assert response.status_code == 400
    assert "第1位入住人" in response.content.decode()
    assert not Guest.objects.exists()


def test_name_without_a_document_is_refused(owner_client, room):
    booking = book(room)
    response = owner_client.post(guests_url(booking), guest_rows(("张三", "")))
    assert response.status_code == 400
    assert not Guest.objects.exists()


def test_guests_cannot_be_registered_on_a_cancelled_booking(owner_client, room):
    booking = book(room)
    act(owner_client, booking, "cancel", reason="停业")
    response = owner_client.post(guests_url(booking), guest_rows(("张三", SPECIMEN_ID)))
    assert response.status_code == 409
    assert not Guest.objects.exists()


@pytest.mark.parametrize("action", ["cancel", "decline"])
def test_turning_down_a_booking_closes_its_open_payment_page(
    owner_client, room, on_request, tourist, stripe_api, django_capture_on_commit_callbacks, action
):
    """The guest must not be able to pay for a stay the owner turned down: the Checkout Session still open
    is expired at Stripe and the payment marked expired."""
    booking, payment = start_online(room, check_in=SEP_8, check_out=SEP_10, user=tourist)
    assert fresh(booking).awaiting_payment

    with django_capture_on_commit_callbacks(execute=True):
        act(owner_client, booking, action, reason="房屋维修")

    assert fresh(booking).status == Status.CANCELLED
    [closed] = stripe_api.calls(f"/v1/checkout/sessions/{payment.provider_reference}/expire")
    assert closed.method == "post"
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.EXPIRED
