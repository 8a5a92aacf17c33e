"""Property test of profit sharing (分账): whatever bookings are made across two villages, paid through
WeChat Pay in service-provider mode (owners with a verified sub-merchant split, the others collected by
the group and owed a payout) or at the homestay, cancelled and refunded before their split or refunded
after it (split returns), with owner payouts and collective payouts recorded:

1. every booking's ledger sums to zero, and each account's balance is what the money flow says;
2. the group dashboard's figures equal sums computed here from the generated inputs (price × nights ×
   rooms, the villages' rates, the cancellation policies), never read back from the ledger;
   A refund WeChat Pay reports failed after its success is reversed in the ledger (``refund_failed``).
3. each village's dividend statement owes the collective its share and counts as paid what was split to
   it, less what refunds took back, plus the collective payout.

Each example runs inside one transaction rolled back at its end (like
``tests/bookings/revenue/test_properties.py``), so the examples share the fake WeChat Pay server and
the database cheaply."""

import csv
import io
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bookings.ledger import Account, LedgerEntry
from bookings.models import Booking
from bookings.payments import wechat_pay
from bookings.payments.models import OwnerPayout, Payment, Refund, SplitAccount
from bookings.payments.services import (
    payment_mark_paid_at_homestay,
    payment_start,
    refund_for_cancellation,
    refund_send,
)
from bookings.payments.splits import owner_payout_record_paid, splits_run
from bookings.revenue.periods import Period
from bookings.revenue.selectors import collective_owed, collective_paid, dashboard, dividend_statement
from bookings.revenue.services import dividend_payout_record
from bookings.services import booking_cancel
from common.money import ZERO, quantize
from tests import factories
from tests.bookings.helpers import hold
from tests.bookings.payments.conftest import CANCEL_URL, SUCCESS_URL
from tests.bookings.payments.splits.helpers import COLLECTIVE_MCH, PLATFORM_MCH
from tests.bookings.revenue.helpers import rule
from villages.roles import GROUP_STAFF
from villages.templatetags.catalogue import cny

pytestmark = pytest.mark.django_db
D = Decimal
TODAY = date(2026, 9, 1)  # the frozen clock's day: bookings are made, and cancelled, on it
SPLIT_DAY = date(2026, 9, 25)  # after every check-out (at most 14 days ahead + 3 nights)
PERIOD = Period(date(2026, 9, 1), date(2026, 12, 31))
RATES = [(D("0.10"), D("0.05")), (D("0.125"), D("0.075"))]  # village -> (commission, collective)
# homestay -> (village, cancellation policy, owner's WeChat Pay sub-merchant: verified, unverified, none)
HOMESTAYS = [
    (0, "strict", "verified"),
    (0, "moderate", None),
    (1, "flexible", "verified"),
    (1, "moderate", "unverified"),
]

booking_plan = st.fixed_dictionaries(
    {
        "homestay": st.integers(min_value=0, max_value=len(HOMESTAYS) - 1),
        "ahead": st.integers(min_value=1, max_value=14),  # days from today to arrival
        "nights": st.integers(min_value=1, max_value=3),
        "rooms": st.integers(min_value=1, max_value=2),
        "at_homestay": st.booleans(),
        # stay; cancelled (and refunded) before the split by the guest or the owner; refunded after it
        "fate": st.sampled_from(["stay", "cancel_guest", "cancel_owner", "refund_after"]),
        "refund_percent": st.integers(min_value=1, max_value=100),  # of the total, refunded after the split
        "payout_recorded": st.booleans(),  # staff paid the owner what the group collected
        "refund_bounces": st.booleans(),  # WeChat Pay answers, after its success, that the refund failed
    }
)
prices = st.lists(
    st.integers(min_value=5_000, max_value=60_000).map(lambda fen: D(fen) / 100),  # with odd fen
    min_size=len(HOMESTAYS),
    max_size=len(HOMESTAYS),
)


# --- the model: what the money flow should be, from the inputs alone --------------------------------


def share_of(amount: Decimal, commission_rate: Decimal, collective_rate: Decimal) -> tuple[Decimal, ...]:
    """The rule as docs/revenue.md states it: each share rounded half up to fen, the owner the rest."""
    commission = quantize(amount * commission_rate)
    collective = min(quantize(amount * collective_rate), amount - commission)
    return commission, collective, amount - commission - collective


def cancellation_refund(policy: str, by_owner: bool, total: Decimal, days_before: int) -> Decimal:
    """bookings/policies.py's table, restated."""
    if by_owner:
        return total
    if policy == "strict":
        return quantize(total / 2) if days_before >= 14 else ZERO
    if policy == "moderate":
        return total if days_before >= 5 else quantize(total / 2)
    return total  # flexible, cancelled a day or more ahead


@dataclass
class Expected:
    village: int
    total: Decimal
    nights: int
    rooms: int
    cancelled: bool = False
    refunds: Decimal = ZERO  # what went back to the guest, before and after the split
    earned: tuple[Decimal, ...] = (ZERO, ZERO, ZERO)  # commission, collective, owner
    balances: dict[str, Decimal] = field(default_factory=dict)
    collective_split: Decimal = ZERO  # paid to the collective by profit sharing, less returns

    def move(self, debit: str, credit: str, amount: Decimal) -> None:
        self.balances[debit] = self.balances.get(debit, ZERO) + amount
        self.balances[credit] = self.balances.get(credit, ZERO) - amount


def _world(base_prices: list[Decimal]):
    villages = [factories.village(), factories.village()]
    for village, (commission, collective) in zip(villages, RATES, strict=True):
        rule(village, str(commission), str(collective))
    SplitAccount.objects.create(
        party="platform", name="吕梁市离石区文旅集团", wechat_mchid=PLATFORM_MCH, verified=True
    )
    for number, village in enumerate(villages):
        SplitAccount.objects.create(
            party="collective",
            village=village,
            name=f"测试村{number}股份经济合作社",
            wechat_mchid=f"{COLLECTIVE_MCH}{number}",
            verified=True,
        )
    room_types = []
    for number, ((place, policy, account), price) in enumerate(zip(HOMESTAYS, base_prices, strict=True)):
        homestay = factories.homestay(village=villages[place], cancellation_policy=policy)
        room_types.append(factories.room_type(homestay=homestay, room_count=20, capacity=2, base_price=price))
        if account:
            SplitAccount.objects.create(
                party="owner",
                homestay=homestay,
                name=f"民宿{number}",
                wechat_mchid=f"19000003{number:02d}",
                verified=account == "verified",
            )
    return villages, room_types


def _book(plan: dict, room_type, fake) -> Booking:
    check_in = TODAY + timedelta(days=plan["ahead"])
    booking = hold(
        room_type,
        check_in=check_in,
        check_out=check_in + timedelta(days=plan["nights"]),
        rooms=plan["rooms"],
        payment=Booking.Payment.AT_HOMESTAY if plan["at_homestay"] else Booking.Payment.ONLINE,
    )
    if plan["at_homestay"]:
        if plan["fate"] not in ("cancel_guest", "cancel_owner"):  # a cancelled one was never paid
            payment_mark_paid_at_homestay(booking=booking)
    else:
        payment = payment_start(booking=booking, success_url=SUCCESS_URL, cancel_url=CANCEL_URL)
        wechat_pay.transaction_apply(fake.pay(payment.idempotency_key))
    return Booking.objects.get(pk=booking.pk)


def _expect(plan: dict, base_price: Decimal) -> Expected:
    """Money flow of one booking up to its split (payment, cancellation and its refund, earnings)."""
    village, policy, _account = HOMESTAYS[plan["homestay"]]
    total = base_price * plan["nights"] * plan["rooms"]
    expected = Expected(village, total, plan["nights"], plan["rooms"])
    cancel = plan["fate"] in ("cancel_guest", "cancel_owner")
    expected.cancelled = cancel
    if plan["at_homestay"] and cancel:
        return expected  # never paid: no money moved
    expected.move(Account.CASH_PROVIDER, Account.GUEST, total)
    kept = total
    if cancel:
        expected.refunds = cancellation_refund(policy, plan["fate"] == "cancel_owner", total, plan["ahead"])
        expected.move(Account.GUEST, Account.CASH_PROVIDER, expected.refunds)
        kept = total - expected.refunds
    expected.earned = share_of(kept, *RATES[village])
    for account_name, part in zip(
        (Account.PLATFORM_COMMISSION, Account.VILLAGE_COLLECTIVE, Account.OWNER_PAYABLE),
        expected.earned,
        strict=True,
    ):
        expected.move(Account.GUEST, account_name, part)
    return expected


def _split_mode(plan: dict) -> str | None:
    """How the booking is settled after the stay: split by WeChat Pay, collected by the group, or not
    at all (paid at the homestay)."""
    if plan["at_homestay"]:
        return None
    return "split" if HOMESTAYS[plan["homestay"]][2] == "verified" else "group"


def _bounce(refund: Refund, plan: dict, expected: Expected) -> None:
    """WeChat Pay tells us a refund it reported done went wrong (ABNORMAL): the ledger takes it back."""
    if not plan["refund_bounces"]:
        return
    answer = {
        "out_refund_no": refund.idempotency_key,
        "refund_id": refund.provider_reference,
        "refund_status": "ABNORMAL",
    }
    bounced = wechat_pay.refund_apply(answer)
    assert bounced is not None and bounced.status == Refund.Status.FAILED
    expected.refunds -= refund.amount
    expected.move(Account.CASH_PROVIDER, Account.GUEST, refund.amount)


def _check_booking(booking: Booking, expected: Expected) -> None:
    entries = LedgerEntry.objects.filter(booking=booking)
    assert sum(entries.values_list("amount", flat=True), ZERO) == 0
    rows = entries.values("account").annotate(total=Sum("amount")).values_list("account", "total")
    balances = {account: quantize(total) for account, total in rows if quantize(total)}  # SQLite: floats
    assert balances == {account: amount for account, amount in expected.balances.items() if amount}


def _check_group_page(client, everything: list[Expected]) -> None:
    """/group/ as staff see it: the net revenue card, and the villages table's total row exported."""
    staff = factories.user(username="staff-sums")
    staff.groups.add(Group.objects.get_or_create(name=GROUP_STAFF)[0])
    client.force_login(staff)
    query = f"preset=custom&start={PERIOD.start}&end={PERIOD.end}"
    net = sum((sum(expected.earned, ZERO) for expected in everything), ZERO)
    page = client.get(f"/group/?{query}")
    assert page.status_code == 200 and cny(net) in page.text
    text = client.get(f"/group/export/villages.csv?{query}").content.decode("utf-8")
    total = list(csv.reader(io.StringIO(text[1:])))[-1]
    sold = [expected for expected in everything if not expected.cancelled]
    assert total[:8] == [
        "合计 Total",
        str(len(sold)),
        str(sum(expected.nights * expected.rooms for expected in sold)),
        str(sum((expected.total for expected in everything), ZERO)),
        str(sum((expected.refunds for expected in everything), ZERO)),
        str(net),
        str(sum((expected.earned[0] for expected in everything), ZERO)),
        str(sum((expected.earned[1] for expected in everything), ZERO)),
    ]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    plans=st.lists(booking_plan, min_size=1, max_size=6),
    base_prices=prices,
    payout_percents=st.tuples(*[st.integers(min_value=0, max_value=100)] * 2),
)
def test_splits_refunds_and_payouts_keep_the_ledger_and_the_reports_right(
    clock, partner, client, plans, base_prices, payout_percents
):
    clock.set("2026-09-01 10:00")
    partner.reset()
    partner.refund_status = "SUCCESS"  # refunds answer at once
    with transaction.atomic():
        villages, room_types = _world(base_prices)
        made: list[tuple[dict, Booking, Expected]] = []
        for plan in plans:
            booking = _book(plan, room_types[plan["homestay"]], partner)
            assert booking.total == base_prices[plan["homestay"]] * plan["nights"] * plan["rooms"]
            assert booking.status == Booking.Status.CONFIRMED
            made.append((plan, booking, _expect(plan, base_prices[plan["homestay"]])))

        # cancelled before the stay (so before the split): the refund is sent and answered at once
        # (some refunds then bounce: the split still goes ahead, on what the booking kept)
        for plan, booking, expected in made:
            if plan["fate"] in ("cancel_guest", "cancel_owner"):
                by = Booking.Party.OWNER if plan["fate"] == "cancel_owner" else Booking.Party.GUEST
                for refund in refund_for_cancellation(booking=booking_cancel(booking=booking, by=by)):
                    refund = refund_send(refund=refund)
                    assert refund.status == Refund.Status.SUCCEEDED
                    _bounce(refund, plan, expected)

        splits_run(today=SPLIT_DAY)
        for plan, booking, expected in made:
            commission, collective, owner = expected.earned
            if _split_mode(plan) == "split":  # the shares go to their receivers, the rest to the owner
                expected.move(Account.CASH_PLATFORM, Account.CASH_PROVIDER, commission)
                expected.move(Account.VILLAGE_COLLECTIVE, Account.CASH_PROVIDER, collective)
                expected.move(Account.OWNER_PAYABLE, Account.CASH_PROVIDER, owner)
                expected.collective_split = collective
            elif _split_mode(plan) == "group":  # the group owes the owner their part
                payout = OwnerPayout.objects.filter(booking=booking).first()
                assert (payout.amount if payout else ZERO) == owner
                if payout and plan["payout_recorded"]:
                    owner_payout_record_paid(payout=payout, paid_on=SPLIT_DAY, reference=f"TR-{booking.pk}")
                    expected.move(Account.OWNER_PAYABLE, Account.CASH_PROVIDER, owner)

        # refunded after the split (staff refund part of the stay): the receivers give back their part
        # in proportion, then the guest is refunded
        for plan, booking, expected in made:
            if plan["fate"] != "refund_after" or plan["at_homestay"]:
                continue
            amount = quantize(expected.total * plan["refund_percent"] / 100)
            payment = Payment.objects.get(booking=booking, applied=True)
            refund = Refund.objects.create(
                payment=payment,
                booking=booking,
                amount=amount,
                reason=Refund.Reason.DUPLICATE,
                idempotency_key=f"rf-after-{booking.pk}",
            )
            refund = refund_send(refund=refund)
            assert refund.status == Refund.Status.SUCCEEDED
            expected.refunds += amount
            expected.move(Account.GUEST, Account.CASH_PROVIDER, amount)
            if _split_mode(plan) == "split":
                kept = sum(expected.earned, ZERO)
                commission, collective, _owner = expected.earned
                returned = [min(part, quantize(part * amount / kept)) for part in (commission, collective)]
                expected.move(Account.CASH_PROVIDER, Account.CASH_PLATFORM, returned[0])
                expected.move(Account.CASH_PROVIDER, Account.VILLAGE_COLLECTIVE, returned[1])
                expected.collective_split -= returned[1]
            _bounce(refund, plan, expected)  # what the receivers gave back stays given back

        for _plan, booking, expected in made:
            _check_booking(booking, expected)

        # the group's dashboard, from the inputs
        report = dashboard(period=PERIOD)
        rows = {row.village: row.figures for row in report.villages}
        for number, village in enumerate(villages):
            mine = [expected for _plan, _booking, expected in made if expected.village == number]
            figures = rows[village] if mine else None
            if figures is None:  # listed only for its rooms available, if at all
                assert village.slug not in {row.key for row in report.villages if row.figures.gross}
                continue
            sold = [expected for expected in mine if not expected.cancelled]
            assert figures.bookings == len(sold)
            assert (figures.confirmed, figures.cancelled) == (len(mine), len(mine) - len(sold))
            assert figures.gross == sum((expected.total for expected in mine), ZERO)
            assert figures.room_nights == sum(expected.nights * expected.rooms for expected in sold)
            assert figures.room_revenue == sum((expected.total for expected in sold), ZERO)
            assert figures.refunds == sum((expected.refunds for expected in mine), ZERO)
            for position, name in enumerate(("commission", "collective", "owner")):
                assert getattr(figures, name) == sum((expected.earned[position] for expected in mine), ZERO)
        everything = [expected for _plan, _booking, expected in made]
        assert report.total.net_revenue == sum((sum(expected.earned, ZERO) for expected in everything), ZERO)
        assert report.total.refunds == sum((expected.refunds for expected in everything), ZERO)
        _check_group_page(client, everything)

        # each collective's statement, and a payout of part of what is still owed once the period is over
        clock.set("2027-01-02 10:00")
        for number, village in enumerate(villages):
            mine = [expected for _plan, _booking, expected in made if expected.village == number]
            owed = sum((expected.earned[1] for expected in mine), ZERO)
            split = sum((expected.collective_split for expected in mine), ZERO)
            statement = dividend_statement(village=village, period=PERIOD)
            assert (statement.owed, statement.paid, statement.outstanding) == (owed, split, owed - split)
            paid_now = quantize((owed - split) * payout_percents[number] / 100)
            if paid_now > ZERO:
                dividend_payout_record(
                    village=village, period=PERIOD, amount=paid_now, paid_on=date(2027, 1, 2)
                )
            else:
                paid_now = ZERO
            statement = dividend_statement(village=village, period=PERIOD)
            assert collective_owed(village=village, period=PERIOD) == statement.owed == owed
            assert collective_paid(village=village, period=PERIOD) == statement.paid == split + paid_now
            assert statement.outstanding == owed - split - paid_now
        transaction.set_rollback(True)
