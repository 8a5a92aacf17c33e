from decimal import Decimal

import pytest
from django.utils import translation

from villages.templatetags.catalogue import cny, coordinates, minutes
from villages.templatetags.site_i18n import language_tag


def test_money_shows_yuan_with_two_decimals():
    assert cny(Decimal("268")) == "¥268.00"


def test_money_rounds_half_up_to_the_fen():
    assert cny(Decimal("0.125")) == "¥0.13"


def test_money_groups_thousands():
    assert cny(Decimal("12880.5")) == "¥12,880.50"


def test_money_refuses_a_float():
    with pytest.raises(TypeError):
        cny(19.9)


def test_money_of_nothing_is_empty():
    assert cny(None) == ""


@pytest.mark.parametrize(("total", "text"), [(45, "45 分钟"), (60, "1 小时"), (150, "2 小时 30 分钟")])
def test_durations_read_as_hours_and_minutes(total, text):
    with translation.override("zh-hans"):
        assert minutes(total) == text


def test_coordinates_name_the_hemispheres():
    with translation.override("zh-hans"):
        assert coordinates([37.52, 111.13]) == "北纬 37.52000°，东经 111.13000°"
        assert coordinates({"lat": -33.9, "lng": -70.6}) == "南纬 33.90000°，西经 70.60000°"


@pytest.mark.parametrize(("code", "tag"), [("zh-hans", "zh-Hans"), ("en", "en")])
def test_language_codes_become_html_lang_tags(code, tag):
    assert language_tag(code) == tag
