"""Who is told what about a booking, in which language, and only once (bookings.notices, sent by the
notifications worker after the commit).

The clock is frozen at Tuesday 1 September 2026, 10:00 Beijing time (tests/bookings/conftest.py); the
stay is 8 to 10 September. Every change runs inside ``committed()``, which runs what waits for the commit
(the immediate task backend then sends the e-mails at once)."""

import re
from datetime import date
from io import StringIO

import pytest
from django.conf import settings
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from bookings import usecases
from bookings.activity import Source
from bookings.guests import GuestDetails, resident_id_check_character
from bookings.models import Booking
from bookings.payments.models import Payment, Refund
from bookings.transitions import GUEST, OWNER
from notifications.models import ContactPreference, Notification
from notifications.registry import renderer_for
from tests import factories
from tests.bookings.helpers import ARRIVAL, DEPARTURE
from tests.bookings.payments import conftest as payments
from tests.bookings.payments.conftest import start_online
from tests.bookings.payments.fakes import refund_object, session_object

pytestmark = pytest.mark.django_db
send_event = payments.send_event  # the signed Stripe webhook delivery fixture

AT_HOMESTAY, ONLINE = Booking.Payment.AT_HOMESTAY, Booking.Payment.ONLINE
GUEST_EMAIL, OWNER_EMAIL = "guest@example.com", "owner@example.com"
PHONE = "13912345678"
HOST_PHONE = "0358-8881234"
RESIDENT_ID = "11010119900307123" + resident_id_check_character("11010119900307123")
CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def homestay(owner):
    return factories.homestay(owner=owner, phone=HOST_PHONE)


@pytest.fixture
def room(homestay):
    """Instant book, 2 rooms at ¥200 a night: the stay costs ¥400."""
    return factories.room_type(homestay=homestay, room_count=2)


@pytest.fixture
def request_room(homestay):
    """The same homestay taking requests: the owner approves every booking."""
    homestay.instant_book = False
    homestay.save()
    return factories.room_type(homestay=homestay, room_count=2)


def guest_actor(user) -> usecases.Actor:
    return usecases.Actor(GUEST, Source.WEB, user)


def owner_actor(homestay) -> usecases.Actor:
    return usecases.Actor(OWNER, Source.CONSOLE, homestay.owner)


def place(room_type, user, *, payment=AT_HOMESTAY, language="zh-hans", **stay) -> Booking:
    stay.setdefault("check_in", ARRIVAL)
    stay.setdefault("check_out", DEPARTURE)
    return usecases.booking_place(
        actor=guest_actor(user),
        room_type=room_type,
        guests=2,
        lead_guest_name="张三",
        lead_guest_phone=PHONE,
        payment=payment,
        language=language,
        **stay,
    ).booking


def fresh(booking) -> Booking:
    return Booking.objects.get(pk=booking.pk)


def mails_to(address: str) -> list:
    return [email for email in mail.outbox if email.to == [address]]


def subjects_to(address: str) -> list[str]:
    return [email.subject for email in mails_to(address)]


def run(command: str) -> str:
    out = StringIO()
    call_command(command, stdout=out)
    return out.getvalue()


def events_of(booking) -> list[str]:
    return sorted(
        Notification.objects.filter(subject=f"booking:{booking.reference}").values_list("event", flat=True)
    )


def paid_at_homestay(room, guest, committed) -> Booking:
    """Booked (instant, pay at the homestay) and the money taken by the owner."""
    with committed():
        booking = place(room, guest)
        usecases.booking_paid_at_homestay(booking=booking, actor=owner_actor(room.homestay))
    return fresh(booking)


def paid_online(room, guest, send_event, **fields) -> tuple[Booking, Payment]:
    booking, payment = start_online(room, user=guest, lead_guest_phone=PHONE, **fields)
    payment = Payment.objects.get(pk=payment.pk)
    send_event("checkout.session.completed", session_object(payment))
    return fresh(booking), payment


# Guests


def test_the_guest_is_told_the_rooms_are_held_for_payment_and_the_owner_nothing_yet(room, guest, committed):
    with committed():
        booking = place(room, guest, payment=ONLINE)

    [email] = mails_to(GUEST_EMAIL)
    assert "房间已为您保留 Rooms held for you" in email.subject and booking.reference in email.subject
    assert "2026-09-01 10:15" in email.body
    assert f"{settings.SITE_URL}/bookings/{booking.reference}/" in email.body
    assert mails_to(OWNER_EMAIL) == []


def test_a_request_tells_the_guest_it_was_received_and_the_owner_until_when_to_answer(
    request_room, guest, committed
):
    with committed():
        booking = place(request_room, guest)

    [to_guest] = mails_to(GUEST_EMAIL)
    assert "预订申请已收到" in to_guest.subject
    [to_owner] = mails_to(OWNER_EMAIL)
    assert "有新的预订申请待您确认" in to_owner.subject and booking.reference in to_owner.subject
    assert "请在 2026-09-02 10:00(北京时间)前同意或拒绝" in to_owner.body
    assert f"{settings.SITE_URL}/owner/bookings/{booking.reference}/" in to_owner.body
    assert "张三" in to_owner.body


def test_an_instant_booking_tells_the_guest_it_is_confirmed_and_the_owner_it_is_new(room, guest, committed):
    with committed():
        booking = place(room, guest)

    assert ["预订已确认" in subject for subject in subjects_to(GUEST_EMAIL)] == [True]
    [to_owner] = mails_to(OWNER_EMAIL)
    assert to_owner.subject == f"[离石乡村旅游] 新预订 New booking · {booking.reference}"
    assert "您的民宿有一个新预订。" in to_owner.body


def test_approving_tells_the_guest_but_not_the_owner_who_approved(request_room, guest, committed):
    with committed():
        booking = place(request_room, guest)
    mail.outbox.clear()

    with committed():
        usecases.booking_approve(booking=booking, actor=owner_actor(request_room.homestay))

    assert ["预订已确认" in subject for subject in subjects_to(GUEST_EMAIL)] == [True]
    assert mails_to(OWNER_EMAIL) == []
    assert "booking.owner_new" not in events_of(booking)


def test_declining_tells_the_guest_but_not_the_owner_who_declined(request_room, guest, committed):
    with committed():
        booking = place(request_room, guest)
    mail.outbox.clear()

    with committed():
        usecases.booking_decline(booking=booking, actor=owner_actor(request_room.homestay), reason="客满")

    assert ["预订已取消" in subject for subject in subjects_to(GUEST_EMAIL)] == [True]
    assert mails_to(OWNER_EMAIL) == []


def test_a_guest_cancelling_tells_the_guest_and_the_owner(room, guest, committed):
    with committed():
        booking = place(room, guest)
    mail.outbox.clear()

    with committed():
        usecases.booking_cancel(booking=booking, actor=guest_actor(guest), reason="行程有变")

    assert ["预订已取消" in subject for subject in subjects_to(GUEST_EMAIL)] == [True]
    [to_owner] = mails_to(OWNER_EMAIL)
    assert "预订已取消 Booking cancelled" in to_owner.subject
    assert "这个预订已取消,房间已重新开放。" in to_owner.body


def test_an_owner_cancelling_tells_the_guest_but_not_the_owner(room, guest, committed):
    with committed():
        booking = place(room, guest)
    mail.outbox.clear()

    with committed():
        usecases.booking_cancel(booking=booking, actor=owner_actor(room.homestay), reason="房屋漏水")

    assert ["预订已取消" in subject for subject in subjects_to(GUEST_EMAIL)] == [True]
    assert mails_to(OWNER_EMAIL) == []


def test_the_expire_holds_job_tells_the_guest_once(room, guest, clock, committed):
    with committed():
        booking = place(room, guest, payment=ONLINE)
    mail.outbox.clear()
    clock.advance(minutes=16)

    with committed():
        run("expire_holds")
    with committed():
        run("expire_holds")

    [email] = mails_to(GUEST_EMAIL)
    assert "预订已过期 Booking expired" in email.subject and booking.reference in email.subject
    assert mails_to(OWNER_EMAIL) == []
    assert events_of(booking) == ["booking.expired", "booking.held"]


def test_a_hold_expired_because_another_guest_booked_the_nights_tells_its_guest(
    room_type, guest, clock, committed
):
    """One room: the first guest's unpaid hold is over, nobody ran the job, the second guest books."""
    with committed():
        first = place(room_type, guest, payment=ONLINE)
    mail.outbox.clear()
    clock.advance(minutes=16)
    second_guest = factories.user(email="second@example.com")

    with committed():
        second = place(room_type, second_guest)

    assert fresh(first).status == Booking.Status.EXPIRED
    assert ["预订已过期" in subject for subject in subjects_to(GUEST_EMAIL)] == [True]
    assert ["预订已确认" in subject for subject in subjects_to("second@example.com")] == [True]
    assert second.status == Booking.Status.CONFIRMED


def test_a_stripe_refund_is_told_when_it_is_sent_and_when_it_is_completed(
    room, guest, stripe_api, send_event, committed
):
    booking, _payment = paid_online(room, guest, send_event)
    mail.outbox.clear()

    with committed():
        usecases.booking_cancel(booking=booking, actor=guest_actor(guest))
    [refund] = Refund.objects.all()

    sent = [email for email in mails_to(GUEST_EMAIL) if "退款已发出" in email.subject]
    assert len(sent) == 1 and booking.reference in sent[0].subject
    assert "400.00 元退款已发出,将按原付款方式退回。" in sent[0].body
    mail.outbox.clear()

    stripe_refund = refund_object(refund.provider_reference, status="succeeded", amount_fen=40000)
    send_event("refund.updated", stripe_refund)
    send_event("refund.updated", stripe_refund)  # Stripe delivers again, under another event id

    [done] = mails_to(GUEST_EMAIL)
    assert "退款已完成 Refund completed" in done.subject
    assert "400.00 元已退还给您。" in done.body
    assert mails_to(OWNER_EMAIL) == []


def test_a_cash_refund_asks_the_owner_to_hand_it_back_then_tells_the_guest(
    room, guest, owner, client, committed
):
    booking = paid_at_homestay(room, guest, committed)
    mail.outbox.clear()

    with committed():
        usecases.booking_cancel(booking=booking, actor=owner_actor(room.homestay), reason="房屋漏水")

    assert sorted(subjects_to(GUEST_EMAIL)) == sorted(
        [
            f"[离石乡村旅游] 预订已取消 Booking cancelled · {booking.reference}",
            f"[离石乡村旅游] 退款已发出 Refund on its way · {booking.reference}",
        ]
    )
    [to_owner] = mails_to(OWNER_EMAIL)
    assert "请将现金退还客人" in to_owner.subject
    assert "请将 400.00 元现金退还客人" in to_owner.body
    [on_its_way] = [email for email in mails_to(GUEST_EMAIL) if "退款已发出" in email.subject]
    assert "民宿经营户会把 400.00 元现金退还给您" in on_its_way.body
    assert "原付款方式" not in on_its_way.body
    mail.outbox.clear()

    client.force_login(owner)
    url = reverse("owner:booking_action", kwargs={"reference": booking.reference, "action": "cash_refunded"})
    with committed():
        client.post(url)
    with committed():
        client.post(url)  # a double click

    [done] = mails_to(GUEST_EMAIL)
    assert "退款已完成" in done.subject and "400.00 元已退还给您。" in done.body
    assert mails_to(OWNER_EMAIL) == []
    assert Refund.objects.get().status == Refund.Status.SUCCEEDED


# The day before arrival


def test_the_day_before_arrival_in_beijing_the_guest_gets_the_address_the_hosts_phone_and_a_map(
    room, guest, clock, committed
):
    with committed():
        tomorrow = place(room, guest)
        today = place(room, factories.user(email="today@example.com"), check_in=date(2026, 9, 7))
    mail.outbox.clear()
    clock.set("2026-09-07 06:00")  # still 6 September in UTC: "tomorrow" there is the 7th

    with committed():
        output = run("booking_reminders")

    assert "Queued 1 arrival reminders" in output
    [reminder] = mail.outbox
    assert reminder.to == [GUEST_EMAIL]
    assert reminder.subject == f"[离石乡村旅游] 明天入住提醒 Your stay starts tomorrow · {tomorrow.reference}"
    village, homestay = room.homestay.village, room.homestay
    assert f"{village.township} {village.name} {homestay.name}" in reminder.body
    assert f"民宿电话 Homestay phone: {HOST_PHONE}" in reminder.body
    assert "https://uri.amap.com/marker?position=111.132000,37.522000&coordinate=wgs84" in reminder.body
    assert PHONE not in reminder.body
    assert "booking.reminder" not in events_of(today)


def test_the_reminder_is_sent_once_however_often_the_job_runs(room, guest, clock, committed):
    with committed():
        place(room, guest)
    mail.outbox.clear()
    clock.set("2026-09-07 09:00")

    for _ in range(3):
        with committed():
            run("booking_reminders")

    assert ["明天入住提醒" in subject for subject in subjects_to(GUEST_EMAIL)] == [True]
    assert Notification.objects.filter(event="booking.reminder").count() == 1


def test_no_reminder_for_a_stay_cancelled_before_it_was_sent(
    room, guest, clock, committed, django_capture_on_commit_callbacks
):
    with committed():
        booking = place(room, guest)
    mail.outbox.clear()
    clock.set("2026-09-07 09:00")
    with django_capture_on_commit_callbacks() as waiting:  # the worker is busy: nothing sent yet
        run("booking_reminders")
    with committed():
        usecases.booking_cancel(booking=booking, actor=guest_actor(guest))

    for callback in waiting:  # the worker gets to the reminder
        callback()

    assert ["预订已取消" in subject for subject in subjects_to(GUEST_EMAIL)] == [True]
    reminder = Notification.objects.get(event="booking.reminder")
    assert reminder.status == Notification.Status.SKIPPED


def test_no_reminder_for_a_request_nobody_answered(request_room, guest, clock, committed):
    with committed():
        place(request_room, guest, check_in=date(2026, 9, 2), check_out=date(2026, 9, 3))
    mail.outbox.clear()

    with committed():
        assert "Queued 0 arrival reminders" in run("booking_reminders")

    assert mail.outbox == []


# Owners


def test_an_online_payment_tells_the_owner_how_much_arrived(room, guest, stripe_api, send_event):
    booking, _payment = paid_online(room, guest, send_event)

    subjects = sorted(subjects_to(OWNER_EMAIL))
    assert subjects == sorted(
        [
            f"[离石乡村旅游] 新预订 New booking · {booking.reference}",
            f"[离石乡村旅游] 收到在线付款 Online payment received · {booking.reference}",
        ]
    )
    [paid] = [email for email in mails_to(OWNER_EMAIL) if "收到在线付款" in email.subject]
    assert "客人已在线支付 400.00 元。" in paid.body


def test_a_paid_request_tells_the_owner_of_the_money_and_the_new_deadline(
    request_room, guest, clock, stripe_api, send_event
):
    booking, payment = start_online(request_room, user=guest)
    clock.advance(minutes=10)

    send_event("checkout.session.completed", session_object(Payment.objects.get(pk=payment.pk)))

    assert ["预订申请已收到" in subject for subject in subjects_to(GUEST_EMAIL)] == [True]
    [waiting] = [email for email in mails_to(OWNER_EMAIL) if "有新的预订申请待您确认" in email.subject]
    assert "请在 2026-09-02 10:10(北京时间)前同意或拒绝" in waiting.body
    assert any("收到在线付款" in subject for subject in subjects_to(OWNER_EMAIL))
    assert fresh(booking).status == Booking.Status.HELD


def test_the_owner_is_written_to_in_the_language_of_their_preference_the_guest_in_the_bookings(
    room, guest, owner, committed
):
    ContactPreference.objects.create(user=owner, language="en")
    ContactPreference.objects.create(user=guest, language="en")

    with committed():
        booking = place(room, guest, language="zh-hans")

    languages = dict(
        Notification.objects.filter(subject=f"booking:{booking.reference}").values_list("role", "language")
    )
    assert languages == {"owner": "en", "guest": "zh-hans"}
    [to_guest] = mails_to(GUEST_EMAIL)
    assert "您的预订已确认" in to_guest.body


def test_an_owner_who_prefers_english_reads_english_only(room, guest, owner, committed):
    ContactPreference.objects.create(user=owner, language="en")

    with committed():
        place(room, guest)

    [to_owner] = mails_to(OWNER_EMAIL)
    assert "New booking" in to_owner.subject
    assert CHINESE.findall(to_owner.subject + to_owner.body) == ["张", "三"]  # the guest's name only


def test_an_owner_who_prefers_english_gets_the_cancellation_subject_in_english(room, guest, owner, committed):
    ContactPreference.objects.create(user=owner, language="en")
    with committed():
        booking = place(room, guest)
    mail.outbox.clear()

    with committed():
        usecases.booking_cancel(booking=booking, actor=guest_actor(guest))

    [to_owner] = mails_to(OWNER_EMAIL)
    assert to_owner.subject.split(" · ")[0] == "[Lishi Rural Tourism] Booking cancelled"


def test_an_owner_without_a_preference_reads_chinese_first(room, guest, committed):
    with committed():
        place(room, guest)

    [to_owner] = mails_to(OWNER_EMAIL)
    assert to_owner.body.index("您的民宿有一个新预订") < to_owner.body.index(
        "Your homestay has a new booking"
    )


# Idempotence


def test_a_payment_webhook_delivered_twice_tells_everyone_once(room, guest, stripe_api, send_event):
    booking, payment = start_online(room, user=guest)
    event = session_object(Payment.objects.get(pk=payment.pk))

    send_event("checkout.session.completed", event, event_id="evt_1")
    send_event("checkout.session.completed", event, event_id="evt_1")  # the same delivery again
    send_event("checkout.session.completed", event, event_id="evt_2")  # the same news, another id
    send_event("checkout.session.async_payment_succeeded", event)

    assert events_of(booking) == ["booking.confirmed", "booking.owner_new", "booking.owner_paid"]
    assert [email.subject.split(" · ")[0] for email in mail.outbox if "已确认" in email.subject] == [
        "[离石乡村旅游] 预订已确认 Booking confirmed"
    ]
    assert len(mails_to(OWNER_EMAIL)) == 2
    assert len(mail.outbox) == 3


def test_a_double_click_on_book_tells_the_guest_once(client, room, guest, committed):
    client.force_login(guest)
    url = reverse("bookings:book", kwargs={"room_type_id": room.pk})
    form = {
        "check_in": ARRIVAL.isoformat(),
        "check_out": DEPARTURE.isoformat(),
        "guests": 2,
        "rooms": 1,
        "lead_guest_name": "张三",
        "lead_guest_phone": PHONE,
        "payment": AT_HOMESTAY,
    }

    with committed():
        client.post(url, form)
    with committed():
        client.post(url, form)

    assert Booking.objects.count() == 1
    assert len(mails_to(GUEST_EMAIL)) == 1
    assert len(mails_to(OWNER_EMAIL)) == 1
    assert Notification.objects.count() == 2


def test_a_double_click_on_cancel_tells_everyone_once(room, guest, committed):
    with committed():
        booking = place(room, guest)
    mail.outbox.clear()

    for _ in range(2):
        with committed():
            usecases.booking_cancel(booking=booking, actor=guest_actor(guest))

    assert len(mails_to(GUEST_EMAIL)) == 1
    assert len(mails_to(OWNER_EMAIL)) == 1


# What e-mails never say


def test_no_email_ever_contains_the_guests_phone_or_id_number(
    room, guest, owner, client, clock, stripe_api, send_event, committed
):
    booking, _payment = paid_online(room, guest, send_event)
    with committed():
        usecases.guests_register(
            booking=booking,
            actor=owner_actor(room.homestay),
            guests=[GuestDetails("张三", "resident_id", RESIDENT_ID)],
        )
    clock.set("2026-09-07 09:00")
    with committed():
        run("booking_reminders")
        usecases.booking_cancel(booking=booking, actor=guest_actor(guest))
    [refund] = Refund.objects.all()
    send_event(
        "refund.updated", refund_object(refund.provider_reference, status="succeeded", amount_fen=20000)
    )

    assert {email.to[0] for email in mail.outbox} == {GUEST_EMAIL, OWNER_EMAIL}
    assert len(mail.outbox) >= 7
    for email in mail.outbox:
        assert isinstance(email, EmailMultiAlternatives)
        parts = [email.subject, email.body, *(str(content) for content, _mimetype in email.alternatives)]
        for text in parts:
            assert PHONE not in text, email.subject
            assert RESIDENT_ID not in text and RESIDENT_ID[-4:] not in text, email.subject


# In the booking's language


def _held(room, guest, clock, committed):
    with committed():
        return place(room, guest, payment=ONLINE, language="en")


def _requested(room, guest, clock, committed):
    room.homestay.instant_book = False
    room.homestay.save()
    with committed():
        return place(room, guest, language="en")


def _confirmed(room, guest, clock, committed):
    with committed():
        return place(room, guest, language="en")


def _cancelled(room, guest, clock, committed):
    booking = _confirmed(room, guest, clock, committed)
    with committed():
        usecases.booking_cancel(booking=booking, actor=guest_actor(guest))
    return booking


def _expired(room, guest, clock, committed):
    booking = _held(room, guest, clock, committed)
    clock.advance(minutes=16)
    with committed():
        run("expire_holds")
    return booking


def _cash_refunded(room, guest, clock, committed):
    with committed():
        booking = place(room, guest, language="en")
        usecases.booking_paid_at_homestay(booking=booking, actor=owner_actor(room.homestay))
    with committed():
        usecases.booking_cancel(booking=booking, actor=owner_actor(room.homestay))
    with committed():
        usecases.cash_refund_handed_back(booking=fresh(booking), actor=owner_actor(room.homestay))
    return booking


def _reminded(room, guest, clock, committed):
    booking = _confirmed(room, guest, clock, committed)
    clock.set("2026-09-07 09:00")
    with committed():
        run("booking_reminders")
    return booking


GUEST_NOTICES = [
    pytest.param("booking.held", _held, id="held"),
    pytest.param("booking.requested", _requested, id="requested"),
    pytest.param("booking.confirmed", _confirmed, id="confirmed"),
    pytest.param("booking.cancelled", _cancelled, id="cancelled"),
    pytest.param("booking.expired", _expired, id="expired"),
    pytest.param("booking.refund_sent", _cash_refunded, id="refund_sent"),
    pytest.param("booking.refund_completed", _cash_refunded, id="refund_completed"),
    pytest.param("booking.reminder", _reminded, id="reminder"),
]


@pytest.mark.parametrize(("event", "scenario"), GUEST_NOTICES)
def test_an_english_booking_is_told_in_english_only(event, scenario, room, guest, clock, committed):
    booking = scenario(room, guest, clock, committed)

    notification = Notification.objects.get(event=event, subject=f"booking:{booking.reference}")
    assert notification.status == Notification.Status.SENT
    with translation.override(notification.language):  # as the worker renders it
        message = renderer_for(notification.event)(notification)
    assert message is not None
    assert notification.language == "en"
    assert booking.reference in message.subject
    assert CHINESE.findall(message.subject) == []
    assert set(CHINESE.findall(message.text)) <= {"张", "三"}  # at most the lead guest's name, as typed
