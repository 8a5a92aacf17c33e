# ruff: noqa: E501 (the expected messages are whole lines of Chinese text, easier to read unbroken)
"""The reminder the day before a ticket's slot (``ticket_reminders``): tomorrow is Beijing's tomorrow,
whatever the UTC date; once per ticket however often the job runs; never for a cancelled ticket; and
its text message within one SMS. The clock of conftest.py: 1 September 2026, 10:00 Beijing time."""

from datetime import date, datetime, timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from events import notices, services
from events.models import TicketSlot
from notifications.models import Notification
from notifications.sms.templates import PARAM_LIMIT, SMS_SINGLE_LIMIT, sms_templates
from tests.events.helpers import SHANGHAI, event, register, slot

pytestmark = pytest.mark.django_db


def run() -> str:
    out = StringIO()
    call_command("ticket_reminders", stdout=out)
    return out.getvalue()


def reminded() -> set[int]:
    return {int(n.subject.partition(":")[2]) for n in Notification.objects.filter(event=notices.REMINDER)}


def slot_at(when: str) -> TicketSlot:
    """A slot starting at ``when``, Beijing time ("2026-09-02 00:30")."""
    start = datetime.fromisoformat(when).replace(tzinfo=SHANGHAI)
    return TicketSlot.objects.create(
        event=event(), starts_at=start, ends_at=start + timedelta(hours=2), capacity=10
    )


def test_tickets_for_slots_starting_tomorrow_in_beijing_are_reminded_whatever_the_utc_date():
    just_after_midnight = register(slot_at("2026-09-02 00:30"))  # UTC: 1 September 16:30
    late_evening = register(slot_at("2026-09-02 23:30"))  # UTC: 2 September 15:30
    today = register(slot_at("2026-09-01 18:00"))
    day_after = register(slot_at("2026-09-03 07:00"))  # UTC: 2 September 23:00

    assert "Queued 2 event reminders" in run()

    assert reminded() == {just_after_midnight.pk, late_evening.pk}
    assert today.pk not in reminded() and day_after.pk not in reminded()


def test_after_midnight_in_beijing_tomorrow_is_the_next_day_though_utc_is_still_on_the_first(clock):
    on_the_2nd = register(slot_at("2026-09-02 15:00"))
    on_the_3rd = register(slot_at("2026-09-03 09:00"))
    clock.set("2026-09-02 00:30")  # UTC: 1 September 16:30

    run()

    assert reminded() == {on_the_3rd.pk}
    assert on_the_2nd.pk not in reminded()


def test_each_ticket_is_reminded_once_however_often_the_job_runs():
    ticket = register(slot_at("2026-09-02 09:00"))

    run()
    run()

    assert Notification.objects.filter(event=notices.REMINDER, subject=f"ticket:{ticket.pk}").count() == 1


def test_a_cancelled_ticket_is_not_reminded_and_one_cancelled_after_queueing_sends_nothing():
    cancelled = register(slot_at("2026-09-02 09:00"))
    services.ticket_cancel(ticket=cancelled)
    later = register(slot_at("2026-09-02 10:00"))

    run()
    services.ticket_cancel(ticket=later)

    assert reminded() == {later.pk}
    assert notices.render(Notification.objects.get(event=notices.REMINDER)) is None


def test_the_reminder_says_tomorrow_when_and_where_and_fits_one_sms():
    long_event = event(
        title_zh_hans="离石区信义镇严村第一届葫芦文化艺术展暨中国葫芦名人堂开馆仪式",
        place_zh_hans="严村葫芦文化园东侧广场主舞台前",
    )
    ticket = register(slot(event_=long_event, day=date(2026, 9, 2), hour=9), quantity=5)
    run()

    message = notices.render(Notification.objects.get(event=notices.REMINDER, subject=f"ticket:{ticket.pk}"))

    assert message is not None and message.sms is not None
    text = sms_templates()[message.sms.template].render(message.sms.params)
    assert (
        text
        == "【离石乡村旅游】您登记的离石区信义镇严村第一届…明天09:00开始，地点：严村葫芦文化园东侧…，入场请出示门票二维码。"
    )
    assert len(text) <= SMS_SINGLE_LIMIT
    assert "2026-09-02 09:00" in message.text


def test_the_registration_text_fits_one_sms_with_the_longest_values(free_slot):
    free_slot.event.title_zh_hans = "离石区信义镇严村第一届葫芦文化艺术展暨中国葫芦名人堂开馆仪式"
    free_slot.event.save()
    ticket = register(free_slot, quantity=10)

    message = notices.render(Notification.objects.get(key=f"ticket.registered:{ticket.pk}"))

    assert message is not None and message.sms is not None
    text = sms_templates()[message.sms.template].render(message.sms.params)
    assert len(text) <= SMS_SINGLE_LIMIT, text
    assert text.startswith(f"【{settings.SMS_SIGN_NAME}】") and "9月1日14:00" in text
    assert all(0 < len(value) <= PARAM_LIMIT for value in message.sms.params.values())
