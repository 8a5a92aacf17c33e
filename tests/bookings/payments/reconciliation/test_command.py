"""``manage.py reconcile``: yesterday in Beijing time by default, every enabled provider with bills."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from bookings.payments.reconciliation.models import ReconciliationRun

pytestmark = pytest.mark.django_db


def reconcile(*args) -> str:
    out = StringIO()
    call_command("reconcile", *args, stdout=out)
    return out.getvalue()


def test_by_default_it_reconciles_yesterday_in_beijing_for_every_enabled_provider(wechat_api, clock):
    clock.set("2026-09-02 00:30")  # still 1 September in UTC: Beijing's yesterday is 1 September
    output = reconcile()
    runs = list(ReconciliationRun.objects.values_list("provider", "day"))
    assert sorted(provider for provider, _day in runs) == ["stripe_checkout", "wechat_pay"]
    assert {day.isoformat() for _provider, day in runs} == {"2026-09-01"}
    assert "wechat_pay 2026-09-01" in output
    [(_method, path, _body)] = wechat_api.calls("/v3/bill/tradebill")
    assert "bill_date=2026-09-01" in path


def test_a_date_and_a_provider_can_be_given(wechat_api):
    reconcile("--date", "2026-08-15", "--provider", "wechat_pay")
    assert list(ReconciliationRun.objects.values_list("provider", "day__day")) == [("wechat_pay", 15)]


def test_a_failed_download_ends_with_an_error_after_the_other_providers_ran(wechat_api):
    wechat_api.bill_error = (400, "STATEMENT_CREATING")
    with pytest.raises(CommandError, match="wechat_pay"):
        reconcile("--date", "2026-08-31")
    states = dict(ReconciliationRun.objects.values_list("provider", "state"))
    assert states == {"wechat_pay": "failed", "stripe_checkout": "matched"}


@pytest.mark.parametrize("day", ["2026-13-01", "yesterday", "2026-09-01", "2026-09-05"])
def test_a_bad_date_or_a_day_not_over_is_refused_and_records_nothing(wechat_api, day):
    with pytest.raises(CommandError):
        reconcile("--date", day)
    assert not ReconciliationRun.objects.exists()


def test_a_provider_without_keys_is_refused(wechat_api):
    with pytest.raises(CommandError, match="alipay"):
        reconcile("--date", "2026-08-31", "--provider", "alipay")
