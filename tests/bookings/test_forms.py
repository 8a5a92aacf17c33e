"""Forms of the booking pages: defaults, parsing, and the core's rules put on the right field."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.http import QueryDict

from bookings.forms import CancelForm, GuestForm, SearchForm, StayForm, query_with_defaults
from bookings.payments.at_homestay import AtHomestay
from bookings.payments.stripe_checkout import StripeCheckout
from tests import factories

TODAY = date(2026, 9, 1)
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+")


def stay_form(**data) -> StayForm:
    query = QueryDict(mutable=True)
    query.update(data)
    return StayForm(query_with_defaults(query, today=TODAY), today=TODAY)


def test_blank_query_means_tomorrow_for_one_night_for_two():
    data = query_with_defaults(QueryDict(), today=TODAY)

    assert data.dict() == {"check_in": "2026-09-02", "check_out": "2026-09-03", "guests": "2", "rooms": "1"}


def test_blank_check_out_is_the_day_after_the_check_in_given():
    data = query_with_defaults(QueryDict("check_in=2026-10-01&check_out="), today=TODAY)

    assert data["check_out"] == "2026-10-02"


def test_unreadable_check_in_is_kept_for_the_form_to_refuse():
    data = query_with_defaults(QueryDict("check_in=2026-02-30"), today=TODAY)

    assert data["check_in"] == "2026-02-30"
    assert data["check_out"] == "2026-09-03"


def test_default_party_size_can_be_smaller():
    assert query_with_defaults(QueryDict(), today=TODAY, guests=1)["guests"] == "1"


def test_stay_form_reads_the_stay():
    form = stay_form(check_in="2026-09-08", check_out="2026-09-10", guests="3", rooms="2")

    assert form.is_valid()
    assert form.stay() == {
        "check_in": date(2026, 9, 8),
        "check_out": date(2026, 9, 10),
        "guests": 3,
        "rooms": 2,
    }
    assert form.stay_query() == "check_in=2026-09-08&check_out=2026-09-10&guests=3&rooms=2"


def test_stay_form_date_inputs_are_native_date_pickers_from_today():
    html = str(stay_form()["check_in"])

    assert 'type="date"' in html
    assert 'min="2026-09-01"' in html
    assert 'value="2026-09-02"' in html


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"check_in": "2026/09/08"}, "check_in"),
        ({"check_out": "tomorrow"}, "check_out"),
        ({"check_in": "2028-09-08", "check_out": "2028-09-09"}, "check_in"),
        ({"guests": "two"}, "guests"),
        ({"guests": "201"}, "guests"),
        ({"rooms": "51"}, "rooms"),
    ],
)
def test_stay_form_refuses_what_it_cannot_read(data, field):
    form = stay_form(**data)

    assert not form.is_valid()
    assert list(form.errors) == [field]


def test_stay_form_accepts_the_last_day_within_two_years():
    assert stay_form(check_in="2028-08-31", check_out="2028-09-01").is_valid()


@pytest.mark.parametrize(
    ("code", "field"),
    [
        ("dates_order", "check_out"),
        ("past", "check_in"),
        ("booking_window", "check_in"),
        ("min_nights", "check_out"),
        ("capacity", "guests"),
        ("rooms", "rooms"),
        ("inactive", "__all__"),
    ],
)
def test_core_errors_go_to_the_field_they_are_about(code, field):
    form = stay_form()
    assert form.is_valid()

    form.add_core_error(ValidationError("说明 Explanation", code=code))

    assert form.errors == {field: ["说明 Explanation"]}


@pytest.mark.django_db
def test_search_form_offers_published_villages_and_themes():
    village, theme = factories.village(), factories.theme()
    query = query_with_defaults(QueryDict(f"village={village.slug}&theme={theme.slug}"), today=TODAY)

    form = SearchForm(query, today=TODAY, villages=[village], themes=[theme])

    assert form.is_valid()
    assert form.search_arguments() == {
        "check_in": date(2026, 9, 2),
        "check_out": date(2026, 9, 3),
        "guests": 2,
        "rooms": 1,
        "village": village.slug,
        "theme": theme.slug,
        "max_price": None,
        "sort": "recommended",
    }


def test_search_form_reads_price_cap_and_sort():
    query = query_with_defaults(QueryDict("max_price=250.5&sort=-price&village="), today=TODAY)

    form = SearchForm(query, today=TODAY, villages=[], themes=[])

    assert form.is_valid()
    arguments = form.search_arguments()
    assert (arguments["max_price"], arguments["sort"], arguments["village"]) == (
        Decimal("250.5"),
        "-price",
        None,
    )


@pytest.mark.parametrize(
    "query", ["village=nowhere", "theme=nothing", "sort=random", "max_price=0", "max_price=123456789"]
)
def test_search_form_refuses_unknown_choices_and_odd_prices(query):
    form = SearchForm(query_with_defaults(QueryDict(query), today=TODAY), today=TODAY, villages=[], themes=[])

    assert not form.is_valid()


AT_HOMESTAY_ONLY = {"at_homestay": AtHomestay()}
BOTH = {"at_homestay": AtHomestay(), "online": StripeCheckout()}


def guest_form(payments=AT_HOMESTAY_ONLY, **data) -> GuestForm:
    return GuestForm(
        {"lead_guest_name": "李四", "lead_guest_phone": "13900139000", "payment": "at_homestay", **data},
        payments=payments,
    )


def test_guest_form_tidies_name_and_phone_as_the_booking_stores_them():
    form = guest_form(lead_guest_name="  李  四 ", lead_guest_phone="+86 139-0013-9000")

    assert form.is_valid()
    assert (form.cleaned_data["lead_guest_name"], form.cleaned_data["lead_guest_phone"]) == (
        "李 四",
        "13900139000",
    )


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"lead_guest_name": ""}, "lead_guest_name", "请填写姓名 Enter the name"),
        ({"lead_guest_name": "名" * 61}, "lead_guest_name", "姓名最多60个字"),
        ({"lead_guest_phone": "110"}, "lead_guest_phone", "请填写正确的手机号码"),
        ({"lead_guest_phone": ""}, "lead_guest_phone", "请填写正确的手机号码"),
        ({"payment": "online"}, "payment", "这家民宿现在不接受这种付款方式"),
    ],
)
def test_guest_form_refuses_bad_contact_details_with_the_cores_message(data, field, message):
    form = guest_form(**data)

    assert not form.is_valid()
    assert message in form.errors[field][0]


def test_guest_form_explains_each_payment_method():
    [(radio, note)] = guest_form().payment_options()

    assert radio.data["value"] == "at_homestay"
    assert "向民宿付款" in note


def test_guest_form_offers_the_ways_of_paying_given_named_by_their_providers():
    options = guest_form(BOTH).payment_options()

    assert [(radio.data["value"], str(radio.choice_label)) for radio, _note in options] == [
        ("at_homestay", "到店付款 Pay at the homestay"),
        ("online", "在线支付 Pay online"),
    ]
    assert "在线付款" in options[1][1]


def test_guest_form_takes_online_payment_when_it_is_offered():
    form = guest_form(BOTH, payment="online")

    assert form.is_valid()
    assert form.cleaned_data["payment"] == "online"


def test_guest_form_labels_have_no_trailing_colon():
    assert "联系人姓名</label>" in guest_form()["lead_guest_name"].label_tag()


def test_cancel_reason_is_optional_but_short():
    assert CancelForm({"reason": ""}).is_valid()
    assert not CancelForm({"reason": "x" * 201}).is_valid()


# Every message a form can give is bilingual, "中文 English": Django's own ones are replaced too.
BOOKING_FORMS = {
    "stay": lambda: stay_form(),
    "search": lambda: SearchForm(
        query_with_defaults(QueryDict(), today=TODAY), today=TODAY, villages=[], themes=[]
    ),
    "guest": lambda: guest_form(BOTH),
    "cancel": lambda: CancelForm(),
}


def _codes(field) -> set[str]:
    """The error codes a field can raise: its own and its validators'."""
    codes = set(field.error_messages)
    for validator in field.validators:
        codes |= set(getattr(validator, "messages", {})) | {getattr(validator, "code", "invalid")}
    return codes


def _bilingual(message) -> bool:
    text = str(message)
    return bool(CJK.search(text)) and bool(re.search(r"[A-Za-z]{3,}", CJK.sub("", text)))


@pytest.mark.parametrize("name", BOOKING_FORMS)
def test_every_message_of_the_booking_forms_is_in_chinese_and_english(name):
    form = BOOKING_FORMS[name]()

    not_bilingual = {
        (field_name, code)
        for field_name, field in form.fields.items()
        for code in _codes(field)
        if not _bilingual(field.error_messages.get(code, ""))
    }

    assert not_bilingual == set()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"check_in": "8/9/2026"},
            "check_in",
            "请按“年-月-日”填写日期,例如 2026-09-08 Enter the date as year-month-day, e.g. 2026-09-08",
        ),
        ({"guests": "2.5"}, "guests", "请填写整数 Enter a whole number"),
        ({"guests": "201"}, "guests", "不能超过 200 Enter 200 or less"),
        ({"rooms": "51"}, "rooms", "不能超过 50 Enter 50 or less"),
    ],
)
def test_stay_form_says_what_it_cannot_read_in_chinese_and_english(data, field, message):
    form = stay_form(**data)

    assert not form.is_valid()
    assert form.errors[field] == [message]


def test_guest_form_reports_every_mistake_at_once_in_chinese_and_english():
    form = guest_form(lead_guest_name="名" * 121, lead_guest_phone="1\x002", payment="")

    assert not form.is_valid()
    assert form.errors == {
        "lead_guest_name": ["最多120个字,现在是121个 At most 120 characters; this has 121"],
        "lead_guest_phone": ["含有无效字符 This contains invalid characters"],
        "payment": ["请选择付款方式 Choose how to pay"],
    }
