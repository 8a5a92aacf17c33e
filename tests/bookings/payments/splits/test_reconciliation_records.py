"""What daily reconciliation reads of our splits (``RECONCILIATION_SPLIT_RECORDS``): each receiver's
line of a split that finished that day, and lines the bill names from another day."""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings

from bookings.payments.models import Split
from bookings.payments.reconciliation.splits import split_records
from bookings.payments.splits import splits_run
from tests.bookings.helpers import DEPARTURE
from tests.bookings.payments.splits.helpers import COLLECTIVE_MCH, PLATFORM_MCH, paid

DAY_AFTER = DEPARTURE + timedelta(days=1)


def test_the_setting_names_our_splits():
    assert settings.RECONCILIATION_SPLIT_RECORDS == "bookings.payments.splits.reconciliation_records"


def test_a_finished_split_gives_one_line_per_receiver_on_its_day_and_when_named(room_type, partner, accounts):
    booking, payment = paid(room_type, partner)
    splits_run(today=DAY_AFTER)
    split = Split.objects.get(payment=payment)
    assert split.finished_at is not None
    start = split.finished_at - timedelta(hours=1)
    lines = split_records(provider="wechat_pay", start=start, end=start + timedelta(days=1), references=())
    assert [(line.receiver, line.amount, line.succeeded, line.in_day) for line in lines] == [
        (PLATFORM_MCH, Decimal("40.00"), True, True),
        (COLLECTIVE_MCH, Decimal("20.00"), True, True),
    ]
    assert {line.booking_reference for line in lines} == {booking.reference}
    assert {line.provider_reference for line in lines} == {split.provider_order_id}

    other_day = start + timedelta(days=3)
    named = f"{split.out_order_no}/{COLLECTIVE_MCH}"
    [line] = split_records(
        provider="wechat_pay", start=other_day, end=other_day + timedelta(days=1), references=[named]
    )
    assert (line.reference, line.in_day) == (named, False)
    assert split_records(provider="alipay", start=start, end=start + timedelta(days=1), references=()) == []
