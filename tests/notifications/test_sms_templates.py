"""SMS templates: Aliyun's ``${name}`` text and Tencent's ``{n}`` form of the same, the text a phone
shows (signature first), parameters cut to the provider's limit, and the command that lists them."""

from io import StringIO

import pytest
from django.core.management import call_command

from notifications.sms.templates import PARAM_LIMIT, SmsTemplate, sms_param, sms_templates

TEMPLATE = SmsTemplate("test", "您在${homestay}的预订${ref}已确认，${ref}请保存。")


def test_the_tencent_form_numbers_the_parameters_in_their_order():
    assert TEMPLATE.params == ("homestay", "ref")
    assert TEMPLATE.tencent_text == "您在{1}的预订{2}已确认，{2}请保存。"


def test_the_rendered_text_starts_with_the_signature(settings):
    settings.SMS_SIGN_NAME = "离石乡村旅游"

    assert TEMPLATE.render({"homestay": "黄土窑洞院", "ref": "ABCD2345"}) == (
        "【离石乡村旅游】您在黄土窑洞院的预订ABCD2345已确认，ABCD2345请保存。"
    )


@pytest.mark.parametrize(
    ("value", "limit", "expected"),
    [
        ("黄土窑洞院", 12, "黄土窑洞院"),
        ("离石区枣林乡彩家庄村明清古院落", 12, "离石区枣林乡彩家庄村明…"),
        ("a  line\nbroken", PARAM_LIMIT, "a line broken"),
        ("x" * 40, PARAM_LIMIT, "x" * 34 + "…"),
    ],
)
def test_a_parameter_is_one_line_within_its_limit(value, limit, expected):
    assert sms_param(value, limit=limit) == expected
    assert len(sms_param(value, limit=limit)) <= limit


def test_the_verification_code_template_is_registered_with_the_code_and_minutes():
    assert sms_templates()["verification_code"].params == ("code", "minutes")


@pytest.mark.django_db
def test_the_command_lists_every_template_for_both_providers_with_its_setting():
    out = StringIO()

    call_command("sms_templates", stdout=out)

    text = out.getvalue()
    assert "SMS_TEMPLATES['booking_confirmed'] = 'SMS_BOOKING_CONFIRMED'" in text
    assert "您在${homestay}的预订${ref}已确认" in text and "您在{1}的预订{2}已确认" in text


def test_every_registered_template_has_a_code_setting(settings):
    """A template an app sends but ``SMS_TEMPLATE_NAMES`` lacks has no provider code: with a real
    provider its messages would fail."""
    missing = sorted(set(sms_templates()) - set(settings.SMS_TEMPLATES))

    assert missing == []
    assert {"shop_returned", "shop_producer_paid", "ticket_reminder", "dividend_paid"} <= set(sms_templates())


# The longest value each parameter of the shop's, events' and dividends' templates can carry, as their
# renderers cut them (names to 10 or 12 characters with an ellipsis, amounts to five digits of yuan).
LONGEST = {
    "ref": "ABCD2345",
    "tracking": "SF" + "1" * 32 + "…",
    "place": "离石区枣林乡彩家庄村明…",
    "amount": "99999.99",
    "producer": "离石区枣林乡彩家庄村明…",
    "day": "12月31日",
    "event": "离石区信义镇严村第一届…",
    "when": "12月31日23:30",
    "time": "23:30",
    "people": "10",
    "village": "离石区枣林乡彩家庄村明…",
    "period": "2026.01–2026.12",
}
OTHER_APPS = [
    "shop_producer_new",
    "shop_shipped",
    "shop_ready",
    "shop_returned",
    "shop_producer_returned",
    "shop_producer_paid",
    "ticket_registered",
    "ticket_reminder",
    "dividend_declared",
    "dividend_paid",
]


@pytest.mark.parametrize("name", OTHER_APPS)
def test_the_shop_event_and_dividend_texts_fit_one_sms_with_the_longest_values(name, settings):
    template = sms_templates()[name]

    text = template.render({param: LONGEST[param] for param in template.params})

    assert len(text) <= 70, (len(text), text)
    assert all(len(LONGEST[param]) <= PARAM_LIMIT for param in template.params)
    assert "http" not in template.text  # no links in a template: the providers review them apart
