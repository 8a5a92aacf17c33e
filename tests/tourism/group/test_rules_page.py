"""Staff set each village's revenue-share rule; a new rule starts tomorrow at the earliest."""

from datetime import date
from decimal import Decimal

import pytest

from bookings.revenue.models import RevenueShareRule
from tests import factories
from tests.bookings.revenue.helpers import rule

pytestmark = pytest.mark.django_db


@pytest.fixture
def village(db):
    return factories.village(slug="guihua", name_zh_hans="归化村")


def post_rule(client, village, fields=None):
    data = {
        "village": village.pk,
        "effective_from": "2026-10-01",
        "commission_percent": "8.5",
        "collective_percent": "6",
        "note": "2026年协议",
    }
    return client.post("/group/rules/", data | (fields or {}))


def test_staff_add_a_rule_in_percent(staff_client, staff, village):
    response = post_rule(staff_client, village)
    assert response.status_code == 302
    new = RevenueShareRule.objects.get()
    assert (new.commission_rate, new.collective_rate, new.effective_from) == (
        Decimal("0.0850"),
        Decimal("0.0600"),
        date(2026, 10, 1),
    )
    assert new.created_by == staff


def test_the_rules_page_shows_which_rule_is_in_effect(staff_client, village):
    rule(village, "0.10", "0.05", effective_from=date(2025, 1, 1))
    rule(village, "0.12", "0.05", effective_from=date(2026, 1, 1))
    rule(village, "0.15", "0.05", effective_from=date(2027, 1, 1))
    lines = staff_client.get("/group/rules/").context["rules"]
    assert [(line.rule.effective_from.year, line.state) for line in lines] == [
        (2027, "upcoming"),
        (2026, "current"),
        (2025, "past"),
    ]
    assert (lines[1].commission, lines[1].collective, lines[1].owner) == ("12.00%", "5.00%", "83.00%")


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"effective_from": "2026-09-01"}, "新规则最早从明天起生效"),
        ({"commission_percent": "60", "collective_percent": "41"}, "合计不能超过100%"),
        ({"commission_percent": "-1"}, "确保该值大于或等于0"),
        ({"commission_percent": "8.555"}, "确认小数不超过 2 位"),
        ({"village": "999999"}, "选择一个有效的选项"),
    ],
)
def test_a_bad_rule_is_explained(staff_client, village, fields, message):
    response = post_rule(staff_client, village, fields)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not RevenueShareRule.objects.exists()


def test_two_rules_from_the_same_day_are_refused(staff_client, village):
    post_rule(staff_client, village)
    response = post_rule(staff_client, village, {"commission_percent": "9"})
    assert response.status_code == 400
    assert "这个村庄在这一天已有规则" in response.content.decode()
    assert RevenueShareRule.objects.count() == 1


def test_an_upcoming_rule_can_be_withdrawn(staff_client, village):
    upcoming = rule(village, "0.10", "0.05", effective_from=date(2026, 10, 1))
    response = staff_client.post(f"/group/rules/{upcoming.pk}/delete/")
    assert response.status_code == 302
    assert not RevenueShareRule.objects.exists()


def test_a_rule_in_effect_stays(staff_client, village):
    current = rule(village, "0.10", "0.05")
    response = staff_client.post(f"/group/rules/{current.pk}/delete/", follow=True)
    assert "已生效的规则不能删除" in response.content.decode()
    assert RevenueShareRule.objects.filter(pk=current.pk).exists()


def test_deleting_needs_a_post(staff_client, village):
    upcoming = rule(village, "0.10", "0.05", effective_from=date(2026, 10, 1))
    assert staff_client.get(f"/group/rules/{upcoming.pk}/delete/").status_code == 405
