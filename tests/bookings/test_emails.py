"""Booking emails: which one a booking's state calls for, its language, and what it never contains."""

import pytest
from django.core.mail import EmailMultiAlternatives
from django.utils import translation

from bookings.emails import booking_email
from bookings.guests import GuestDetails, resident_id_check_character
from bookings.models import Booking
from bookings.services import booking_cancel, booking_confirm, booking_expire, guests_register
from tests import factories
from tests.bookings.helpers import hold

pytestmark = pytest.mark.django_db

AT_HOMESTAY = Booking.Payment.AT_HOMESTAY
RESIDENT_ID = "11010119900307123" + resident_id_check_character("11010119900307123")


@pytest.fixture
def guest():
    return factories.user(email="guest@example.com")


def email_of(booking: Booking, **kwargs) -> EmailMultiAlternatives:
    message = booking_email(booking, **kwargs)
    assert message is not None
    return message


def html_of(message: EmailMultiAlternatives) -> str:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert isinstance(html, str)
    return html


def test_confirmed_booking_email_in_chinese_reads_chinese_first(room_type, guest):
    booking = hold(room_type, user=guest, payment=AT_HOMESTAY)

    message = email_of(booking)

    assert message.to == ["guest@example.com"]
    assert message.subject.startswith("[离石乡村旅游] 预订已确认")
    assert booking.reference in message.subject
    assert room_type.homestay.name_zh_hans in message.body
    assert room_type.name_zh_hans in message.body
    assert "2026年9月8日" in message.body
    assert "¥400.00" in message.body
    assert "已确认 Confirmed" in message.body
    assert message.body.index("您的预订已确认") < message.body.index("Your booking is confirmed")


def test_confirmed_booking_email_in_english_uses_english_names_and_dates(room_type, guest):
    booking = hold(room_type, user=guest, payment=AT_HOMESTAY, language="en")

    message = email_of(booking)

    assert message.subject.startswith("[Lishi Rural Tourism]")
    assert "Booking confirmed" in message.subject
    assert room_type.homestay.name_en in message.body
    assert room_type.homestay.name_zh_hans not in message.body
    assert "Sept. 8, 2026" in message.body
    assert "2026年9月8日" not in message.body
    assert "Status: Confirmed" in message.body
    assert "已确认 Confirmed" not in message.body
    assert room_type.homestay.name_en in html_of(message)
    assert '<html lang="en">' in html_of(message)


def test_email_language_does_not_follow_the_language_active_when_sending(room_type, guest):
    booking = hold(room_type, user=guest, payment=AT_HOMESTAY, language="zh-hans")

    with translation.override("en"):
        message = email_of(booking)
        language_after = translation.get_language()

    assert "2026年9月8日" in message.body
    assert language_after == "en"


def test_request_email_says_it_was_received_and_until_when_it_is_held(on_request_room_type, guest):
    booking = hold(on_request_room_type, user=guest, payment=AT_HOMESTAY)

    message = email_of(booking)

    assert "预订申请已收到" in message.subject
    assert "Booking request received" in message.subject
    assert "2026-09-02 10:00" in message.body  # 24 hours, Beijing time
    assert "北京时间" in message.body


def test_unpaid_online_booking_email_asks_for_payment(room_type, guest):
    message = email_of(hold(room_type, user=guest))

    assert "房间已为您保留" in message.subject
    assert "2026-09-01 10:15" in message.body


def test_confirmed_email_gives_the_free_cancellation_deadline(room_type, guest):
    message = email_of(hold(room_type, user=guest, payment=AT_HOMESTAY))

    assert "2026年9月3日(含)之前取消可全额退款" in message.body


def test_cancelled_email_gives_the_refund_due(room_type, guest):
    paid = booking_confirm(booking=hold(room_type, user=guest))
    cancelled = booking_cancel(booking=paid, by=Booking.Party.GUEST)

    message = email_of(cancelled)

    assert "预订已取消" in message.subject
    assert "Booking cancelled" in message.subject
    assert "应退款 Refund due: ¥400.00" in message.body
    assert "¥400.00" in html_of(message)


def test_expired_hold_email_says_it_lapsed(on_request_room_type, guest, clock):
    booking = hold(on_request_room_type, user=guest, payment=AT_HOMESTAY)
    clock.advance(hours=25)

    message = email_of(booking_expire(booking=booking))

    assert "预订已过期" in message.subject


def test_email_links_to_the_booking_when_given_its_address(room_type, guest):
    message = email_of(
        hold(room_type, user=guest, payment=AT_HOMESTAY), url="https://example.com/bookings/X/"
    )

    assert "https://example.com/bookings/X/" in message.body
    assert 'href="https://example.com/bookings/X/"' in html_of(message)


def test_emails_never_contain_guest_documents_or_the_guests_phone(room_type, guest):
    booking = hold(room_type, user=guest, payment=AT_HOMESTAY)
    guests_register(booking=booking, guests=[GuestDetails("张三", "resident_id", RESIDENT_ID)])

    for sent in (email_of(booking), email_of(booking_cancel(booking=booking, by="guest"))):
        for text in (sent.subject, sent.body, html_of(sent)):
            assert RESIDENT_ID not in text
            assert RESIDENT_ID[-4:] not in text
            assert booking.lead_guest_phone not in text


def test_html_email_escapes_names(guest):
    homestay = factories.homestay(name_zh_hans="<b>小院</b>")
    booking = hold(factories.room_type(homestay=homestay), user=guest, payment=AT_HOMESTAY)

    message = email_of(booking)

    assert "&lt;b&gt;小院&lt;/b&gt;" in html_of(message)
    assert "<b>小院</b>" in message.body


def test_no_email_without_an_address(room_type):
    assert booking_email(hold(room_type, payment=AT_HOMESTAY)) is None
    assert (
        booking_email(hold(factories.room_type(), user=factories.user(email=""), payment=AT_HOMESTAY)) is None
    )


def test_no_email_for_a_checked_in_booking(room_type, guest):
    booking = hold(room_type, user=guest, payment=AT_HOMESTAY)
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.CHECKED_IN)
    booking.refresh_from_db()

    assert booking_email(booking) is None
