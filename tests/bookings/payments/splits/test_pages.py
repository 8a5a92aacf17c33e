"""What was split, as owners and staff see it: the owner's earnings page (accounts masked), the staff's
admin pages and attention queue, and the reports, which count a split as money paid, never as less
money earned."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

import bookings.payments.splits_admin  # noqa: F401  registered by bookings/admin.py in the running site
from bookings.ledger import Kind, LedgerEntry
from bookings.owner.earnings import owner_earnings
from bookings.payments.models import OwnerPayout, Split, SplitAccount
from bookings.payments.splits import splits_run
from bookings.revenue.periods import month_period
from bookings.revenue.selectors import dashboard, dividend_statement
from tests import factories
from tests.bookings.payments.splits.helpers import DAY_AFTER, OWNER_SUB, paid
from tourism.group.attention import OWNER_PAYOUT, SPLIT, attention_queue

pytestmark = pytest.mark.django_db
SEPTEMBER = month_period(date(2026, 9, 1))


@pytest.fixture
def host(room_type):
    user = factories.user(username="host-split")
    room_type.homestay.owner = user
    room_type.homestay.save(update_fields=["owner"])
    return user


def test_the_owner_sees_the_split_and_a_masked_sub_merchant_number(
    client, host, room_type, partner, accounts
):
    booking, _payment = paid(room_type, partner)
    splits_run(today=DAY_AFTER)
    client.force_login(host)
    page = client.get(reverse("owner:earnings"))
    assert page.status_code == 200
    text = page.text
    assert "****0301" in text and OWNER_SUB not in text
    assert booking.reference in text and "¥340.00" in text and "¥40.00" in text


def test_the_owner_without_an_account_is_told_the_group_collects_and_what_it_owes(
    client, host, room_type, partner, accounts
):
    accounts["owner"].delete()
    booking, _payment = paid(room_type, partner)
    splits_run(today=DAY_AFTER)
    client.force_login(host)
    text = client.get(reverse("owner:earnings")).text
    assert "您还没有分账账户" in text and "集团待转给您" in text and booking.reference in text


def test_another_owner_sees_none_of_it(client, host, room_type, partner, accounts):
    booking, _payment = paid(room_type, partner)
    splits_run(today=DAY_AFTER)
    client.force_login(factories.user(username="other-owner"))
    factories.homestay(owner=factories.user(username="unused"))
    page = client.get(reverse("owner:earnings"))
    assert booking.reference not in page.text and "****0301" not in page.text


def test_staff_record_a_payout_paid_on_its_admin_page_once(admin_client, room_type, partner, accounts):
    accounts["owner"].delete()
    booking, _payment = paid(room_type, partner)
    splits_run(today=DAY_AFTER)
    payout = OwnerPayout.objects.get()
    url = reverse("admin:bookings_ownerpayout_change", args=[payout.pk])
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(url, {"paid_on": "2026-09-15", "reference": "BANK-778"})
    assert response.status_code == 302
    payout.refresh_from_db()
    assert payout.status == "paid" and payout.paid_on == date(2026, 9, 15) and payout.reference == "BANK-778"
    admin_client.post(url, {"paid_on": "2026-09-16", "reference": "again"})
    assert LedgerEntry.objects.filter(booking=booking, kind=Kind.OWNER_PAYOUT).count() == 2  # one posting


def test_staff_keep_receiver_accounts_and_retry_a_failed_split_from_the_admin(
    admin_client, room_type, partner, accounts
):
    paid(room_type, partner)
    accounts["collective"].delete()
    splits_run(today=DAY_AFTER)
    split = Split.objects.get()
    assert split.status == "failed"
    response = admin_client.post(
        reverse("admin:bookings_splitaccount_add"),
        {
            "party": "collective",
            "village": room_type.homestay.village.pk,
            "name": "彩家庄村股份经济合作社",
            "wechat_mchid": "1900000402",
            "verified": "on",
            "active": "on",
        },
    )
    assert response.status_code == 302
    assert SplitAccount.objects.get(party="collective").updated_by is not None
    admin_client.post(
        reverse("admin:bookings_split_changelist"), {"action": "retry_splits", "_selected_action": [split.pk]}
    )
    assert splits_run(today=DAY_AFTER)["succeeded"] == 1


def test_a_receiver_account_must_name_its_holder(admin_client):
    response = admin_client.post(
        reverse("admin:bookings_splitaccount_add"), {"party": "owner", "name": "无民宿", "wechat_mchid": "1"}
    )
    assert response.status_code == 200 and not SplitAccount.objects.exists()


def test_the_attention_queue_lists_flagged_splits_and_owed_payouts(room_type, partner, accounts):
    paid(room_type, partner)
    other = factories.room_type(homestay=factories.homestay(village=room_type.homestay.village))
    paid(other, partner)  # no owner account: the group collects
    accounts["platform"].delete()
    splits_run(today=DAY_AFTER)
    kinds = {item.kind: item for item in attention_queue().items}
    assert "/admin/bookings/split/" in kinds[SPLIT].admin_url and kinds[SPLIT].amount == Decimal("60.00")
    assert kinds[OWNER_PAYOUT].amount == Decimal("340.00")


def test_reports_count_a_split_as_paid_not_as_less_earned(room_type, partner, accounts):
    village = room_type.homestay.village
    paid(room_type, partner)
    before = dashboard(period=SEPTEMBER).total
    splits_run(today=DAY_AFTER)
    after = dashboard(period=SEPTEMBER).total
    assert (after.commission, after.collective, after.owner) == (
        before.commission,
        before.collective,
        before.owner,
    )
    assert (after.commission, after.collective, after.owner) == (
        Decimal("40.00"),
        Decimal("20.00"),
        Decimal("340.00"),
    )
    statement = dividend_statement(village=village, period=SEPTEMBER)
    assert (
        statement.owed == Decimal("20.00")
        and statement.paid == Decimal("20.00")
        and statement.outstanding == 0
    )
    owner = factories.user(username="earner")
    room_type.homestay.owner = owner
    room_type.homestay.save(update_fields=["owner"])
    [month] = owner_earnings(owner=owner).months
    assert (month.commission, month.collective, month.payout) == (
        Decimal("40.00"),
        Decimal("20.00"),
        Decimal("340.00"),
    )
