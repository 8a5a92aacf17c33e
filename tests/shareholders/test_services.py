"""Declaring and paying dividends through the services: the split, the ledger, the rules, repeats."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum

from bookings.ledger import Kind, LedgerEntry
from bookings.revenue.periods import Period
from notifications.models import Notification
from shareholders.models import Allocation, DividendDeclaration, Holding, HouseholdPayout, Shareholder
from shareholders.services import (
    declaration_declare,
    declaration_discard,
    declaration_draft,
    holding_add,
    holding_end,
    household_payout_record,
    shareholder_add,
)
from tests.shareholders.conftest import SEPTEMBER

pytestmark = pytest.mark.django_db
D = Decimal


def draft(village, collective="20.00", group="10.00", period=SEPTEMBER):
    return declaration_draft(
        village=village, period=period, collective_amount=D(collective), group_amount=D(group)
    )


def parts(declaration):
    return {
        a.shareholder.name: (a.share_days, a.amount, a.collective_part) for a in declaration.allocations.all()
    }


def test_declaring_splits_by_share_days_exactly(register, staff):
    declaration = draft(register["collective"].village)
    outcome = declaration_declare(declaration=declaration, by=staff)
    assert outcome.changed
    declaration.refresh_from_db()
    assert declaration.status == "declared"
    assert declaration.declared_by == staff
    assert declaration.declared_on == date(2026, 9, 9)
    # 8 days: collective 10×8 = 80, 张 6×8 = 48, 李 4×4 = 16 (from the 5th); 144 share-days for ¥30.
    assert parts(declaration) == {
        "彩家庄村股份经济合作社": (80, D("16.67"), D("11.11")),
        "张大山": (48, D("10.00"), D("6.67")),
        "李小河": (16, D("3.33"), D("2.22")),
    }
    assert sum(a.amount for a in declaration.allocations.all()) == D("30.00")
    assert sum(a.collective_part for a in declaration.allocations.all()) == D("20.00")


def test_declaring_posts_what_each_household_is_owed(register):
    declaration = draft(register["collective"].village)
    declaration_declare(declaration=declaration)
    zhang = Allocation.objects.get(shareholder=register["zhang"])
    entries = LedgerEntry.objects.filter(source=f"household_dividend:{zhang.pk}")
    assert {(e.kind, e.account, e.amount) for e in entries} == {
        (Kind.HOUSEHOLD_DIVIDEND, "village_collective", D("6.67")),
        (Kind.HOUSEHOLD_DIVIDEND, "platform_commission", D("3.33")),
        (Kind.HOUSEHOLD_DIVIDEND, "household_payable", D("-10.00")),
    }
    assert {(e.sector, e.village_id, e.occurred_on, e.party) for e in entries} == {
        ("dividends", declaration.village_id, SEPTEMBER.end, f"household:{register['zhang'].pk}")
    }
    # The collective's own part stays in its account: only what the group adds to it is posted.
    collective = Allocation.objects.get(shareholder=register["collective"])
    assert {
        (e.account, e.amount)
        for e in LedgerEntry.objects.filter(source=f"household_dividend:{collective.pk}")
    } == {
        ("platform_commission", D("5.56")),
        ("village_collective", D("-5.56")),
    }
    assert LedgerEntry.objects.filter(sector="dividends").aggregate(total=Sum("amount"))["total"] == 0


def test_declaring_twice_changes_nothing_and_says_so(register):
    declaration = draft(register["collective"].village)
    declaration_declare(declaration=declaration)
    entries, notices = LedgerEntry.objects.count(), Notification.objects.count()
    again = declaration_declare(declaration=declaration)
    assert not again.changed
    assert Allocation.objects.count() == 3
    assert (LedgerEntry.objects.count(), Notification.objects.count()) == (entries, notices)


def test_the_collective_part_may_not_exceed_what_the_collective_earned(register):
    village = register["collective"].village
    with pytest.raises(ValidationError) as refused:
        draft(village, collective="20.01", group="0")
    assert refused.value.code == "collective_amount"
    assert "20.00" in refused.value.messages[0]
    draft(village, collective="20.00", group="500.00")  # the group may add what it likes


def test_a_period_is_declared_once_it_is_over_and_only_once(register):
    village = register["collective"].village
    with pytest.raises(ValidationError) as refused:
        draft(village, period=Period(date(2026, 9, 1), date(2026, 9, 9)))
    assert refused.value.code == "period_open"
    first, second = draft(village), draft(village, collective="0", group="5.00")
    declaration_declare(declaration=first)
    with pytest.raises(ValidationError) as refused:
        declaration_declare(declaration=second)
    assert refused.value.code == "overlap"
    with pytest.raises(ValidationError):
        draft(village, period=Period(date(2026, 9, 8), date(2026, 9, 8)))
    second.refresh_from_db()
    assert second.status == "draft"


@pytest.mark.parametrize(
    ("collective", "group"), [("0", "0"), ("-1.00", "5.00"), ("1.005", "0"), ("abc", "1")]
)
def test_bad_amounts_are_refused(register, collective, group):
    with pytest.raises(ValidationError):
        declaration_draft(
            village=register["collective"].village,
            period=SEPTEMBER,
            collective_amount=collective,
            group_amount=group,
        )
    assert DividendDeclaration.objects.count() == 0


def test_a_period_nobody_held_shares_in_cannot_be_declared(earned):
    declaration = draft(earned, collective="0", group="5.00")
    with pytest.raises(ValidationError) as refused:
        declaration_declare(declaration=declaration)
    assert refused.value.code == "no_shareholders"
    declaration.refresh_from_db()
    assert declaration.status == "draft"
    assert not LedgerEntry.objects.filter(sector="dividends").exists()


def test_a_payout_posts_once_and_the_declaration_is_paid_with_the_last(register, staff):
    declaration = draft(register["collective"].village)
    declaration_declare(declaration=declaration)
    zhang = Allocation.objects.get(shareholder=register["zhang"])
    li = Allocation.objects.get(shareholder=register["li"])
    paid = household_payout_record(allocation=zhang, paid_on=date(2026, 9, 9), reference="BANK-1", by=staff)
    assert paid.changed
    entries = LedgerEntry.objects.filter(source=f"household_payout:{paid.value.pk}")
    assert {(e.kind, e.account, e.amount, e.provider, e.party) for e in entries} == {
        (
            Kind.HOUSEHOLD_PAYOUT,
            "household_payable",
            D("10.00"),
            "bank_transfer",
            f"household:{register['zhang'].pk}",
        ),
        (
            Kind.HOUSEHOLD_PAYOUT,
            "cash_provider",
            D("-10.00"),
            "bank_transfer",
            f"household:{register['zhang'].pk}",
        ),
    }
    again = household_payout_record(allocation=zhang, paid_on=date(2026, 9, 9), reference="BANK-2")
    assert not again.changed
    assert again.value == paid.value
    assert HouseholdPayout.objects.count() == 1
    declaration.refresh_from_db()
    assert declaration.status == "declared"
    household_payout_record(allocation=li, paid_on=date(2026, 9, 9))
    declaration.refresh_from_db()
    assert declaration.status == "paid"
    payable = LedgerEntry.objects.filter(account="household_payable").aggregate(total=Sum("amount"))["total"]
    assert payable == 0


def test_the_collective_part_is_not_paid_as_a_household(register):
    declaration_declare(declaration=draft(register["collective"].village))
    collective = Allocation.objects.get(shareholder=register["collective"])
    with pytest.raises(ValidationError) as refused:
        household_payout_record(allocation=collective, paid_on=date(2026, 9, 9))
    assert refused.value.code == "not_payable"


@pytest.mark.parametrize("paid_on", [date(2026, 9, 10), date(2026, 9, 8)])
def test_a_payout_day_is_between_the_declaration_and_today(register, paid_on):
    declaration_declare(declaration=draft(register["collective"].village))
    zhang = Allocation.objects.get(shareholder=register["zhang"])
    with pytest.raises(ValidationError) as refused:
        household_payout_record(allocation=zhang, paid_on=paid_on)
    assert refused.value.code == "paid_on"
    assert not HouseholdPayout.objects.exists()


def test_the_linked_member_is_told_when_declared_and_when_paid(
    register, member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        declaration_declare(declaration=draft(register["collective"].village))
        zhang = Allocation.objects.get(shareholder=register["zhang"])
        household_payout_record(allocation=zhang, paid_on=date(2026, 9, 9))
    told = Notification.objects.filter(recipient=member).order_by("event")
    assert [(n.event, n.subject) for n in told] == [
        ("dividend.declared", f"allocation:{zhang.pk}"),
        ("dividend.paid", f"allocation:{zhang.pk}"),
    ]
    # Nobody else is linked: the unlinked household and the collective get nothing.
    assert Notification.objects.count() == 2


def test_the_notice_names_the_amount_and_no_private_number(register, member):
    from shareholders.notices import render

    declaration_declare(declaration=draft(register["collective"].village))
    notice = Notification.objects.get(recipient=member, event="dividend.declared")
    message = render(notice)
    assert message is not None
    assert "¥10.00" in message.text and "分红已宣告" in message.subject
    assert "/me/dividends/" in message.text
    for private in ("11010519491231002X", "6222020200112233445", "13912345678"):
        assert private not in message.text + message.subject + message.short


def test_a_draft_can_be_discarded_a_declared_one_cannot(register):
    village = register["collective"].village
    assert declaration_discard(declaration=draft(village))
    declared = draft(village)
    declaration_declare(declaration=declared)
    with pytest.raises(ValidationError):
        declaration_discard(declaration=declared)


# --- the register ----------------------------------------------------------------------------------


def test_a_village_has_one_collective(register):
    with pytest.raises(ValidationError) as refused:
        shareholder_add(village=register["collective"].village, kind="collective", name="另一个")
    assert refused.value.code == "collective_exists"
    with pytest.raises(IntegrityError), transaction.atomic():
        Shareholder.objects.create(village=register["collective"].village, kind="collective", name="又一个")


def test_holdings_of_one_shareholder_never_overlap(register):
    zhang = register["zhang"]
    with pytest.raises(ValidationError) as refused:
        holding_add(shareholder=zhang, shares=2, entered_on=date(2026, 10, 1))
    assert refused.value.code == "overlap"
    holding_end(holding=zhang.holdings.get(), exited_on=date(2026, 10, 1))
    holding_add(shareholder=zhang, shares=8, entered_on=date(2026, 10, 1))
    with pytest.raises(ValidationError) as refused:
        holding_add(
            shareholder=register["li"], shares=1, entered_on=date(2026, 8, 1), exited_on=date(2026, 9, 6)
        )
    assert refused.value.code == "overlap"


def test_the_database_refuses_an_exit_before_the_entry_and_no_shares(register):
    with pytest.raises(IntegrityError), transaction.atomic():
        Holding.objects.create(
            shareholder=register["li"], shares=1, entered_on=date(2026, 9, 5), exited_on=date(2026, 9, 5)
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Holding.objects.create(
            shareholder=register["zhang"], shares=0, entered_on=date(2020, 1, 1), exited_on=date(2020, 2, 1)
        )
    with pytest.raises(ValidationError):
        holding_add(shareholder=register["li"], shares=0, entered_on=date(2026, 12, 1))


def test_ending_a_holding_twice_changes_nothing(register):
    holding = register["li"].holdings.get()
    assert holding_end(holding=holding, exited_on=date(2026, 10, 1)).changed
    assert not holding_end(holding=holding, exited_on=date(2026, 10, 1)).changed
    with pytest.raises(ValidationError) as refused:
        holding_end(holding=holding, exited_on=date(2026, 11, 1))
    assert refused.value.code == "ended"


def test_the_register_is_closed_on_a_declared_period(register):
    declaration_declare(declaration=draft(register["collective"].village))
    with pytest.raises(ValidationError) as refused:
        holding_end(holding=register["li"].holdings.get(), exited_on=date(2026, 9, 8))
    assert refused.value.code == "declared"
    with pytest.raises(ValidationError) as refused:
        holding_add(
            shareholder=shareholder_add(village=register["li"].village, kind="household", name="王"),
            shares=1,
            entered_on=date(2026, 9, 2),
        )
    assert refused.value.code == "declared"
    assert holding_end(holding=register["li"].holdings.get(), exited_on=date(2026, 9, 9)).changed


def test_private_numbers_are_masked_and_not_in_the_name(register):
    zhang = register["zhang"]
    assert zhang.masked_id_number == "1101**********002X"
    assert zhang.masked_bank_account.startswith("6222") and "0200112233" not in zhang.masked_bank_account
    assert "1234" not in zhang.masked_phone[3:7]
    assert str(zhang) == "张大山 (入股农户 Member household)"


def test_money_declared_to_households_is_not_paid_to_the_collective_as_well(register):
    from bookings.revenue.services import dividend_payout_record

    village = register["collective"].village
    declaration = declaration_declare(declaration=draft(village, collective="20.00", group="0")).value
    households = sum(a.collective_part for a in declaration.allocations.all() if a.payable)
    assert D("0") < households < D("20.00")
    with pytest.raises(ValidationError) as refused:
        dividend_payout_record(village=village, period=SEPTEMBER, amount=D("20.00"), paid_on=date(2026, 9, 9))
    assert refused.value.code == "overpaid"
    # The collective's own part is still paid to it.
    dividend_payout_record(
        village=village, period=SEPTEMBER, amount=D("20.00") - households, paid_on=date(2026, 9, 9)
    )


def test_what_was_paid_to_the_collective_cannot_be_declared_to_households_again(register):
    from bookings.revenue.services import dividend_payout_record

    village = register["collective"].village
    dividend_payout_record(village=village, period=SEPTEMBER, amount=D("15.00"), paid_on=date(2026, 9, 9))
    with pytest.raises(ValidationError) as refused:
        draft(village, collective="5.01", group="0")
    assert refused.value.code == "collective_amount"
    draft(village, collective="5.00", group="0")


def test_a_payout_for_an_overlapping_period_cannot_pay_what_households_were_given(register):
    from bookings.revenue.services import dividend_payout_record

    village = register["collective"].village
    declaration_declare(declaration=draft(village, collective="20.00", group="0"))
    first_week = Period(date(2026, 9, 1), date(2026, 9, 8))
    whole_month_so_far = Period(date(2026, 8, 1), date(2026, 9, 8))
    for period in (first_week, whole_month_so_far):
        with pytest.raises(ValidationError):
            dividend_payout_record(
                village=village, period=period, amount=D("20.00"), paid_on=date(2026, 9, 9)
            )
