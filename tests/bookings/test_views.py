"""The tourist's booking pages. The clock is frozen at Tuesday 1 September 2026, 10:00 Beijing time
(tests/bookings/conftest.py); ARRIVAL is Tuesday 8 September."""

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from bookings.guests import GuestDetails, resident_id_check_character
from bookings.models import Booking
from bookings.payments.models import Payment, Refund
from bookings.payments.services import homestay_providers_set, payment_succeeded
from bookings.services import booking_cancel, booking_confirm, guests_register
from bookings.views import mask_phone
from tests import factories
from tests.bookings.helpers import ARRIVAL, DEPARTURE, hold
from tests.bookings.payments.conftest import start_online
from tests.translated import translated
from villages.models import Homestay

pytestmark = pytest.mark.django_db

STAY = {"check_in": "2026-09-08", "check_out": "2026-09-10", "guests": "2", "rooms": "1"}
LEAD = {"lead_guest_name": "李四", "lead_guest_phone": "139 0013 9000", "payment": "at_homestay"}
ONLINE = {**LEAD, "payment": "online"}
RACERS = 4
RESIDENT_ID = "11010119900307123" + resident_id_check_character("11010119900307123")


class Page(HTMLParser):
    """Inputs, radio buttons, forms, inline styles and scripts of a rendered page."""

    def __init__(self, html: str):
        super().__init__()
        self.inputs: dict[str, dict] = {}
        self.radios: dict[str, list[str]] = {}
        self.post_actions: list[str] = []
        self.post_forms = 0
        self.style_attributes = 0
        self.inline_scripts = 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "style" in attributes:
            self.style_attributes += 1
        if tag == "script" and "src" not in attributes and attributes.get("type") != "application/json":
            self.inline_scripts += 1
        if tag == "input" and "name" in attributes:
            self.inputs[attributes["name"]] = attributes
            if attributes.get("type") == "radio":
                self.radios.setdefault(attributes["name"], []).append(attributes["value"])
        if tag == "form" and attributes.get("method") == "post":
            self.post_forms += 1
            self.post_actions.append(attributes.get("action", ""))


def search_url(**query) -> str:
    return reverse("bookings:search") + "?" + "&".join(f"{key}={value}" for key, value in query.items())


def book_url(room_type, **query) -> str:
    params = {**STAY, **query}
    return (
        reverse("bookings:book", args=[room_type.pk]) + "?" + "&".join(f"{k}={v}" for k, v in params.items())
    )


def detail_url(booking) -> str:
    return reverse("bookings:detail", args=[booking.reference])


def cancel_url(booking) -> str:
    return reverse("bookings:cancel", args=[booking.reference])


@pytest.fixture(autouse=True)
def _no_stripe(settings):
    """Online payment is off unless a test turns it on with ``stripe_api``, whatever the environment."""
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_WEBHOOK_SECRET = ""


def paid_online(room_type, user) -> Booking:
    """The user's booking paid online through Stripe Checkout (the payment reported by Stripe)."""
    booking, payment = start_online(room_type, user=user)
    payment_succeeded(payment=payment, provider_payment_reference="pi_test_1")
    return Booking.objects.get(pk=booking.pk)


def refund_shown(html: str) -> str:
    match = re.search(r'<p class="refund">[^<]*<span class="price">([^<]+)</span>', html)
    assert match is not None
    return match.group(1)


@pytest.fixture
def tourist(client):
    user = factories.user()
    client.force_login(user)
    return user


@pytest.fixture
def booking(room_type, tourist):
    """The tourist's confirmed booking (instant book, pay at the homestay) of ARRIVAL to DEPARTURE."""
    return hold(room_type, user=tourist, payment=Booking.Payment.AT_HOMESTAY)


# Search


def test_search_shows_free_room_types_with_the_stay_total_and_the_price_per_night(client, room_type):
    response = client.get(search_url(**STAY))

    assert response.status_code == 200
    assert room_type.homestay.name_zh_hans in response.text
    assert room_type.name_zh_hans in response.text
    assert "¥400.00" in response.text
    assert "¥200.00" in response.text
    assert (
        f"{reverse('bookings:book', args=[room_type.pk])}?check_in=2026-09-08&amp;check_out=2026-09-10"
        in (response.text)
    )


def test_search_shows_the_homestay_photo_with_its_description(client, room_type):
    photo = factories.photo(homestay=room_type.homestay, alt_zh_hans="窑洞小院")

    response = client.get(search_url(**STAY))

    assert re.search(r'<img class="card__photo" src="/media/thumbs/[^"]+\.jpg" srcset="[^"]+"', response.text)
    assert 'alt="窑洞小院"' in response.text
    assert photo.image.url not in response.text


def test_search_without_dates_looks_for_tomorrow_night(client, room_type):
    page = Page(client.get(reverse("bookings:search")).text)

    assert page.inputs["check_in"]["value"] == "2026-09-02"
    assert page.inputs["check_out"]["value"] == "2026-09-03"
    assert page.inputs["guests"]["value"] == "2"


@pytest.mark.parametrize(
    ("beijing_time", "tomorrow"),
    [("2026-09-01 23:30", "2026-09-02"), ("2026-09-02 00:30", "2026-09-03")],
)
def test_tomorrow_is_tomorrow_in_beijing_late_at_night(client, clock, beijing_time, tomorrow):
    clock.set(beijing_time)

    page = Page(client.get(reverse("bookings:search")).text)

    assert page.inputs["check_in"]["value"] == tomorrow


def test_search_with_only_a_check_in_stays_one_night(client, room_type):
    page = Page(client.get(search_url(check_in="2026-09-20")).text)

    assert page.inputs["check_out"]["value"] == "2026-09-21"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"check_in": "2026-09-10", "check_out": "2026-09-08"}, "退房日期必须晚于入住日期"),
        ({"check_in": "2026-08-20", "check_out": "2026-08-22"}, "不能预订已过去的日期"),
        ({"guests": "0"}, "至少需要1位客人"),
        ({"rooms": "0"}, "至少预订1间房"),
        ({"check_in": "2029-09-08", "check_out": "2029-09-10"}, "只能预订两年以内的日期"),
        ({"check_in": "2026-09-08", "check_out": "2028-09-10"}, "一次最多预订366晚"),
        (
            {"check_in": "next-tuesday"},
            "请按“年-月-日”填写日期,例如 2026-09-08 Enter the date as year-month-day",
        ),
        ({"guests": "99999999999999999999"}, "不能超过 200 Enter 200 or less"),
        ({"village": "no-such-village"}, "“no-such-village”不是可选的一项 “no-such-village” is not one of"),
        ({"max_price": "-5"}, "不能低于 1 Enter 1 or more"),
        ({"sort": "cheapest"}, "“cheapest”不是可选的一项 “cheapest” is not one of the choices"),
    ],
)
def test_search_with_bad_input_shows_the_reason(client, room_type, query, message):
    response = client.get(search_url(**{**STAY, **query}))

    assert response.status_code == 400
    assert 'class="errorlist' in response.text
    assert message in response.text
    assert "有空房的民宿" not in response.text


def test_search_errors_are_in_english_on_the_english_page(client, room_type):
    response = client.get("/en" + search_url(check_in="2026-09-10", check_out="2026-09-08"))

    assert response.status_code == 400
    assert "Check-out must be after check-in" in response.text
    assert "退房日期必须晚于入住日期" not in response.text


def test_search_without_results_suggests_what_to_change(client, room_type):
    response = client.get(search_url(**{**STAY, "guests": "3"}))

    assert response.status_code == 200
    assert "这些日期没有符合条件的空房" in response.text
    assert room_type.name_zh_hans not in response.text


def test_search_in_a_village_shows_only_its_homestays(client, room_type):
    other = factories.room_type()

    response = client.get(search_url(**STAY, village=other.homestay.village.slug))

    assert translated(other.homestay, "name", "zh-hans") in response.text
    assert room_type.homestay.name_zh_hans not in response.text


def test_search_of_a_theme_shows_only_its_villages_homestays(client, room_type):
    theme = factories.theme()
    themed = factories.room_type(homestay=factories.homestay(village=factories.village(themes=[theme])))

    response = client.get(search_url(**STAY, theme=theme.slug))

    assert translated(themed.homestay, "name", "zh-hans") in response.text
    assert room_type.homestay.name_zh_hans not in response.text


def test_search_with_a_price_cap_hides_dearer_rooms(client, room_type):
    cheap = factories.room_type(base_price=Decimal("120.00"))

    response = client.get(search_url(**STAY, max_price="150"))

    assert translated(cheap.homestay, "name", "zh-hans") in response.text
    assert room_type.homestay.name_zh_hans not in response.text


def test_search_sorted_by_price_descending_shows_the_dearest_first(client, room_type):
    dear = factories.room_type(base_price=Decimal("500.00"))

    text = client.get(search_url(**STAY, sort="-price")).text

    assert text.index(translated(dear.homestay, "name", "zh-hans")) < text.index(
        translated(room_type.homestay, "name", "zh-hans")
    )


def test_search_pages_through_many_homestays(client, monkeypatch):
    monkeypatch.setattr("bookings.views.PAGE_SIZE", 2)
    for _n in range(3):
        factories.room_type()

    first = client.get(search_url(**STAY))
    second = client.get(search_url(**STAY, page="2"))

    assert first.text.count('<article class="card') == 2
    assert 'rel="next"' in first.text
    assert second.text.count('<article class="card') == 1
    assert 'rel="prev"' in second.text
    assert 'rel="next"' not in second.text


def _homestays(count: int) -> None:
    for _n in range(count):
        homestay = factories.homestay(village=factories.village(themes=[factories.theme()]))
        factories.room_type(homestay=homestay)
        factories.room_type(homestay=homestay, base_price=Decimal("300.00"))


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_search_costs_the_same_queries_for_ten_times_the_homestays(client):
    _homestays(2)
    few = _queries(client, search_url(**STAY))
    _homestays(18)

    assert _queries(client, search_url(**STAY)) == few


def test_search_in_english_shows_english_names(client, room_type):
    response = client.get("/en" + search_url(**STAY))

    assert response.status_code == 200
    assert room_type.homestay.name_en in response.text
    assert '<html lang="en">' in response.text


# Booking page


def test_booking_page_needs_sign_in(client, room_type):
    url = book_url(room_type)

    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login") + "?next=")
    assert f"/stays/{room_type.pk}/book/" in response.url


def test_booking_page_shows_each_nights_price_and_why(client, tourist, room_type, holidays_2026):
    response = client.get(book_url(room_type, check_in="2026-09-29", check_out="2026-10-02"))

    assert response.status_code == 200
    text = response.text
    assert text.count("平日价 Weekday price") == 1  # 29 September
    assert (
        text.count("节假日价(次日放假) Holiday price (a holiday the next day)") == 2
    )  # National Day's eve, 1 Oct
    assert "¥1,200.00" in text  # 200 + 500 + 500


def test_booking_page_tells_weekend_nights_apart(client, tourist, room_type):
    response = client.get(book_url(room_type, check_in="2026-09-10", check_out="2026-09-13"))

    assert (
        response.text.count("周末价(次日周末) Weekend price (weekend the next day)") == 2
    )  # Fri and Sat nights
    assert "¥800.00" in response.text


def test_booking_page_shows_the_total_for_all_rooms(client, tourist):
    room_type = factories.room_type(room_count=3, base_price=Decimal("150.00"))

    response = client.get(book_url(room_type, rooms="2", guests="4"))

    assert "¥300.00" in response.text  # per room, two nights
    assert "¥600.00" in response.text


def test_booking_page_shows_the_policy_and_the_free_cancellation_deadline(client, tourist, room_type):
    response = client.get(book_url(room_type))

    assert room_type.homestay.get_cancellation_policy_display() in response.text
    assert "2026年9月3日（含）之前取消可全额退款" in response.text  # moderate: 5 days before 8 September


def test_booking_page_of_a_strict_homestay_says_there_is_no_full_refund(client, tourist):
    room_type = factories.room_type(
        homestay=factories.homestay(cancellation_policy=Homestay.CancellationPolicy.STRICT)
    )

    response = client.get(book_url(room_type))

    assert "不提供全额退款" in response.text


def test_booking_page_says_instant_booking_is_confirmed_at_once(client, tourist, room_type):
    assert "即时确认" in client.get(book_url(room_type)).text


def test_booking_page_says_a_request_waits_for_the_homestay(client, tourist, on_request_room_type):
    text = client.get(book_url(on_request_room_type)).text

    assert "需民宿确认" in text
    assert "24 小时内答复" in text


def test_booking_page_without_online_payment_offers_paying_at_the_homestay_only(client, tourist, room_type):
    response = client.get(book_url(room_type))

    page = Page(response.text)
    assert page.radios["payment"] == ["at_homestay"]
    assert page.inputs["payment"]["checked"] is None
    assert page.post_forms == 1
    assert "在线支付 Pay online" not in response.text


def test_booking_page_offers_online_payment_when_stripe_is_configured(client, tourist, room_type, stripe_api):
    response = client.get(book_url(room_type))

    assert Page(response.text).radios["payment"] == ["at_homestay", "online"]
    assert "到店付款 Pay at the homestay" in response.text
    assert "网上不收取任何费用" in response.text
    assert "在线支付 Pay online" in response.text
    assert "请在保留时间内在线付款" in response.text


def test_booking_page_offers_only_the_ways_of_paying_the_homestay_accepts(
    client, tourist, room_type, stripe_api
):
    homestay_providers_set(homestay=room_type.homestay, providers=["stripe_checkout"])

    page = Page(client.get(book_url(room_type)).text)

    assert page.radios["payment"] == ["online"]


def test_booking_page_of_an_unknown_room_type_is_not_found(client, tourist):
    assert client.get(reverse("bookings:book", args=[999999])).status_code == 404


@pytest.mark.parametrize(
    "hidden",
    [{"is_active": False}, {"homestay__is_published": False}, {"homestay__village__is_published": False}],
)
def test_booking_page_of_an_unbookable_room_type_is_not_found(client, tourist, hidden):
    room_type = factories.room_type()
    field, value = next(iter(hidden.items()))
    target = room_type
    *path, name = field.split("__")
    for step in path:
        target = getattr(target, step)
    setattr(target, name, value)
    target.save()

    assert client.get(book_url(room_type)).status_code == 404


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"check_in": "2026-09-10", "check_out": "2026-09-08"}, "退房日期必须晚于入住日期"),
        ({"check_in": "2026-08-20", "check_out": "2026-08-22"}, "不能预订已过去的日期"),
        ({"guests": "0"}, "至少需要1位客人"),
        ({"guests": "3"}, "1间房最多住2人"),
        ({"rooms": "2"}, "该房型只有1间"),
        ({"check_in": "2027-12-01", "check_out": "2027-12-02"}, "最多可提前365天预订"),
        ({"check_in": "2036-12-01", "check_out": "2036-12-02"}, "只能预订两年以内的日期"),
        ({"check_out": "31-12-2026"}, "请按“年-月-日”填写日期"),
    ],
)
def test_booking_page_with_a_bad_stay_shows_the_reason(client, tourist, room_type, query, message):
    response = client.get(book_url(room_type, **query))

    assert response.status_code == 400
    assert message in response.text
    assert Page(response.text).post_forms == 0


def test_booking_page_of_a_full_room_says_so_and_offers_no_form(client, tourist, room_type):
    hold(room_type)

    response = client.get(book_url(room_type))

    assert response.status_code == 200
    assert "所选日期已订满" in response.text
    assert Page(response.text).post_forms == 0


def test_booking_confirms_an_instant_booking_and_shows_it(client, tourist, room_type):
    response = client.post(book_url(room_type), LEAD)

    booking = Booking.objects.get()
    assert response.status_code == 302
    assert response.url == detail_url(booking)
    assert (booking.user, booking.status, booking.payment) == (
        tourist,
        Booking.Status.CONFIRMED,
        Booking.Payment.AT_HOMESTAY,
    )
    assert (booking.check_in, booking.check_out, booking.guests, booking.rooms) == (ARRIVAL, DEPARTURE, 2, 1)
    assert (booking.lead_guest_name, booking.lead_guest_phone, booking.language) == (
        "李四",
        "13900139000",
        "zh-hans",
    )
    assert "预订成功" in client.get(response.url).text


def test_booking_on_the_english_site_is_in_english(client, tourist, room_type):
    response = client.post("/en" + book_url(room_type), LEAD)

    booking = Booking.objects.get()
    assert booking.language == "en"
    assert response.url == f"/en/bookings/{booking.reference}/"


def test_booking_to_pay_online_holds_the_rooms_and_offers_to_pay(client, tourist, room_type, stripe_api):
    response = client.post(book_url(room_type), ONLINE, follow=True)

    booking = Booking.objects.get()
    assert (booking.status, booking.payment, booking.is_paid) == (
        Booking.Status.HELD,
        Booking.Payment.ONLINE,
        False,
    )
    assert "请在保留时间内付款" in response.text
    page = Page(response.text)
    assert reverse("payments:start", args=[booking.reference]) in page.post_actions
    assert "去付款" in response.text
    assert "csrfmiddlewaretoken" in page.inputs
    assert stripe_api.sent == []


def test_pay_now_on_the_booking_page_goes_to_stripe_checkout(room_type, stripe_api):
    browser = Client(enforce_csrf_checks=True)
    user = factories.user()
    browser.force_login(user)
    booking = hold(room_type, user=user)
    page = Page(browser.get(detail_url(booking)).text)

    response = browser.post(
        reverse("payments:start", args=[booking.reference]),
        {"csrfmiddlewaretoken": page.inputs["csrfmiddlewaretoken"]["value"]},
    )

    assert response.status_code == 303
    assert response["Location"] == Payment.objects.get(booking=booking).redirect_url
    assert response["Location"].startswith("https://checkout.stripe.com/c/pay/cs_test_")
    assert len(stripe_api.calls("/v1/checkout/sessions")) == 1


def test_booking_to_pay_online_without_stripe_keys_is_refused_and_books_nothing(client, tourist, room_type):
    response = client.post(book_url(room_type), ONLINE)

    assert response.status_code == 400
    assert "这家民宿现在不接受这种付款方式" in response.text
    assert not Booking.objects.exists()
    assert mail.outbox == []


def test_booking_to_pay_at_a_homestay_that_takes_online_payment_only_is_refused(
    client, tourist, room_type, stripe_api
):
    homestay_providers_set(homestay=room_type.homestay, providers=["stripe_checkout"])

    response = client.post(book_url(room_type), LEAD)

    assert response.status_code == 400
    assert "这家民宿现在不接受这种付款方式" in response.text
    assert not Booking.objects.exists()


def test_booking_a_request_holds_it_for_the_homestay(client, tourist, on_request_room_type):
    response = client.post(book_url(on_request_room_type), LEAD, follow=True)

    booking = Booking.objects.get()
    assert booking.status == Booking.Status.HELD
    assert booking.awaiting_approval
    assert "等待民宿确认" in response.text


def test_booking_sends_the_guest_an_email(client, tourist, room_type, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(book_url(room_type), LEAD)

    [email] = mail.outbox
    assert email.to == [tourist.email]
    assert Booking.objects.get().reference in email.subject
    assert f"{settings.SITE_URL}{detail_url(Booking.objects.get())}" in email.body


@pytest.mark.parametrize(
    ("lead", "field_message"),
    [
        ({"lead_guest_phone": "12345"}, "请填写正确的手机号码"),
        ({"lead_guest_phone": ""}, "请填写正确的手机号码"),
        ({"lead_guest_name": "   "}, "请填写姓名"),
        ({"payment": "bitcoin"}, "这家民宿现在不接受这种付款方式"),
        ({"payment": ""}, "请选择付款方式 Choose how to pay"),
    ],
)
def test_booking_with_bad_contact_details_is_refused_and_books_nothing(
    client, tourist, room_type, lead, field_message
):
    response = client.post(book_url(room_type), {**LEAD, **lead})

    assert response.status_code == 400
    assert field_message in response.text
    assert not Booking.objects.exists()
    assert mail.outbox == []


def test_booking_with_a_bad_stay_is_refused_and_books_nothing(client, tourist, room_type):
    response = client.post(book_url(room_type, guests="3"), LEAD)

    assert response.status_code == 400
    assert "1间房最多住2人" in response.text
    assert not Booking.objects.exists()


class Errors(HTMLParser):
    """The error messages of a rendered form, by the id of the field they belong to."""

    def __init__(self, html: str):
        super().__init__()
        self.by_field: dict[str, list[str]] = {}
        self._field: str | None = None
        self._item: list[str] | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "ul" and "errorlist" in (attributes.get("class") or "").split():
            self._field = (attributes.get("id") or "").removesuffix("_error") or "form"
        elif tag == "li" and self._field:
            self._item = []

    def handle_data(self, data):
        if self._item is not None:
            self._item.append(data)

    def handle_endtag(self, tag):
        if tag == "li" and self._item is not None and self._field is not None:
            self.by_field.setdefault(self._field, []).append("".join(self._item).strip())
            self._item = None
        elif tag == "ul":
            self._field = None


def test_booking_with_mistakes_in_the_stay_and_the_contact_details_shows_them_all_at_once(
    client, tourist, room_type
):
    response = client.post(
        book_url(room_type, guests="3"),
        {"lead_guest_name": "   ", "lead_guest_phone": "12345", "payment": "at_homestay"},
    )

    assert response.status_code == 400
    assert Errors(response.text).by_field == {
        "id_guests": ["1间房最多住2人 1 room(s) sleep at most 2 guests"],
        "id_lead_guest_name": ["请填写姓名 Enter the name"],
        "id_lead_guest_phone": [
            "请填写正确的手机号码 Enter a valid phone number (international numbers start with +)"
        ],
    }
    assert not Booking.objects.exists()


def test_booking_form_says_what_it_cannot_read_all_at_once_in_chinese_and_english(client, tourist, room_type):
    response = client.post(
        book_url(room_type, check_out="31-12-2026", rooms="one"),
        {"lead_guest_name": "名" * 121, "lead_guest_phone": "1" * 31},
    )

    assert response.status_code == 400
    assert Errors(response.text).by_field == {
        "id_check_out": [
            "请按“年-月-日”填写日期,例如 2026-09-08 Enter the date as year-month-day, e.g. 2026-09-08"
        ],
        "id_rooms": ["请填写整数 Enter a whole number"],
        "id_lead_guest_name": ["最多120个字,现在是121个 At most 120 characters; this has 121"],
        "id_lead_guest_phone": ["最多30个字,现在是31个 At most 30 characters; this has 31"],
        "id_payment": ["请选择付款方式 Choose how to pay"],
    }


def test_booking_form_mistakes_on_the_english_site_are_in_english(client, tourist, room_type):
    response = client.post(
        "/en" + book_url(room_type, check_out="31-12-2026"), {"lead_guest_name": "", "lead_guest_phone": ""}
    )

    assert Errors(response.text).by_field == {
        "id_check_out": ["Enter the date as year-month-day, e.g. 2026-09-08"],
        "id_lead_guest_name": ["Enter the name"],
        "id_lead_guest_phone": ["Enter a valid phone number (international numbers start with +)"],
        "id_payment": ["Choose how to pay"],
    }


def test_booking_form_refused_for_its_stay_posts_the_same_stay_again(client, tourist, room_type):
    """Sent again, the contact details go with the stay the tourist chose, never with another one."""
    url = book_url(room_type, guests="3")

    response = client.post(url, LEAD)

    page = Page(response.text)
    assert response.status_code == 400
    assert page.post_actions == [url]
    assert (page.inputs["lead_guest_name"]["value"], page.inputs["lead_guest_phone"]["value"]) == (
        "李四",
        "139 0013 9000",
    )
    assert "应付总价" not in response.text


def test_booking_nights_just_taken_answers_409_and_books_nothing(client, tourist, room_type):
    page = client.get(book_url(room_type))
    assert Page(page.text).post_forms == 1
    hold(room_type, user=factories.user())  # someone else takes the last room meanwhile

    response = client.post(book_url(room_type), LEAD)

    assert response.status_code == 409
    assert "所选日期已订满" in response.text
    assert not Booking.objects.filter(user=tourist).exists()
    assert mail.outbox == []


def test_booking_the_same_thing_twice_makes_one_booking(client, tourist, django_capture_on_commit_callbacks):
    room_type = factories.room_type(room_count=3)

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(book_url(room_type), LEAD)
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(book_url(room_type), LEAD)

    booking = Booking.objects.get()
    assert first.url == second.url == detail_url(booking)
    assert len(mail.outbox) == 1
    assert "没有重复预订" in client.get(second.url).text


@pytest.mark.django_db(transaction=True)
def test_simultaneous_submissions_of_the_same_form_make_one_booking(client, tourist):
    room_type = factories.room_type(room_count=5)
    clients = [Client() for _n in range(RACERS)]
    for racer in clients:
        racer.cookies = client.cookies
    barrier = threading.Barrier(RACERS)

    def submit(racer: Client):
        barrier.wait()
        try:
            return racer.post(book_url(room_type), LEAD).status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(RACERS) as pool:
        statuses = list(pool.map(submit, clients))

    assert statuses == [302] * RACERS
    assert Booking.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_second_booking_for_another_lead_guest_is_a_new_booking(client, tourist):
    room_type = factories.room_type(room_count=3)

    client.post(book_url(room_type), LEAD)
    client.post(book_url(room_type), {**LEAD, "lead_guest_name": "王五"})

    assert Booking.objects.count() == 2


def test_the_same_booking_again_after_a_while_is_a_new_booking(client, tourist, clock):
    room_type = factories.room_type(room_count=3)

    client.post(book_url(room_type), LEAD)
    clock.advance(minutes=11)
    client.post(book_url(room_type), LEAD)

    assert Booking.objects.count() == 2


def test_booking_again_after_cancelling_is_a_new_booking(client, tourist, room_type):
    client.post(book_url(room_type), LEAD)
    booking_cancel(booking=Booking.objects.get(), by=Booking.Party.GUEST)

    client.post(book_url(room_type), LEAD)

    assert Booking.objects.filter(status=Booking.Status.CONFIRMED).count() == 1


# My bookings


def test_my_bookings_needs_sign_in(client):
    response = client.get(reverse("bookings:my_bookings"))

    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next=/bookings/"


def test_my_bookings_lists_the_users_bookings_and_no_one_elses(client, booking, room_type):
    other = hold(factories.room_type(), user=factories.user())

    text = client.get(reverse("bookings:my_bookings")).text

    assert booking.reference in text
    assert room_type.homestay.name_zh_hans in text
    assert "已确认 Confirmed" in text
    assert "¥400.00" in text
    assert "2 晚 · 1 间 · 2 人" in text
    assert other.reference not in text


def test_my_bookings_shows_until_when_a_request_is_held_in_beijing_time(
    client, tourist, on_request_room_type
):
    booking = hold(on_request_room_type, user=tourist, payment=Booking.Payment.AT_HOMESTAY)

    text = client.get(reverse("bookings:my_bookings")).text

    assert booking.status == Booking.Status.HELD
    assert "待确认 Held" in text
    assert "2026-09-02 10:00" in text  # 24 hours after 1 September 10:00 Beijing time


def test_my_bookings_marks_a_booking_awaiting_payment(client, tourist, room_type):
    hold(room_type, user=tourist)
    hold(factories.room_type(), user=tourist, payment=Booking.Payment.AT_HOMESTAY)

    text = client.get(reverse("bookings:my_bookings")).text

    assert text.count("待付款") == 1


def test_my_bookings_does_not_ask_to_pay_once_the_hold_is_over(client, tourist, room_type, clock):
    hold(room_type, user=tourist)
    clock.advance(minutes=16)

    assert "待付款" not in client.get(reverse("bookings:my_bookings")).text


def _section(text: str, heading_id: str) -> str:
    start = text.index(f'id="{heading_id}"')
    end = text.find("</section>", start)
    return text[start:end]


def test_my_bookings_puts_cancelled_bookings_apart(client, booking):
    booking_cancel(booking=booking, by=Booking.Party.GUEST)
    kept = hold(factories.room_type(), user=booking.user)

    text = client.get(reverse("bookings:my_bookings")).text

    assert booking.reference in _section(text, "cancelled-heading")
    assert kept.reference in _section(text, "upcoming-heading")


def test_my_bookings_puts_stays_that_are_over_in_the_past(client, booking, clock):
    clock.set("2026-09-11 09:00")

    text = client.get(reverse("bookings:my_bookings")).text

    assert booking.reference in _section(text, "past-heading")
    assert 'id="upcoming-heading"' not in text


def test_my_bookings_shows_a_hold_whose_time_is_over_as_expired(client, tourist, on_request_room_type, clock):
    booking = hold(on_request_room_type, user=tourist, payment=Booking.Payment.AT_HOMESTAY)
    clock.advance(hours=25)

    text = client.get(reverse("bookings:my_bookings")).text

    assert booking.reference in _section(text, "cancelled-heading")
    assert "已过期 Expired" in text


def test_my_bookings_without_bookings_points_to_the_search(client, tourist):
    text = client.get(reverse("bookings:my_bookings")).text

    assert "您还没有预订" in text
    assert reverse("bookings:search") in text


def test_my_bookings_costs_the_same_queries_for_ten_times_the_bookings(client, tourist):
    for _n in range(2):
        hold(factories.room_type(), user=tourist)
    few = _queries(client, reverse("bookings:my_bookings"))
    for _n in range(18):
        hold(factories.room_type(), user=tourist)

    assert _queries(client, reverse("bookings:my_bookings")) == few


def test_nav_links_to_my_bookings_when_signed_in(client, tourist):
    assert reverse("bookings:my_bookings") in client.get(reverse("bookings:search")).text


def test_nav_has_no_my_bookings_link_when_signed_out(client):
    assert reverse("bookings:my_bookings") not in client.get(reverse("bookings:search")).text


# A booking


def test_booking_detail_needs_sign_in(client, room_type):
    booking = hold(room_type, user=factories.user())

    response = client.get(detail_url(booking))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_booking_detail_shows_the_stay_and_masks_the_phone(client, booking, room_type):
    text = client.get(detail_url(booking)).text

    assert booking.reference in text
    assert "2026年9月8日" in text
    assert "2026年9月9日" in text
    assert text.count("¥200.00") == 2
    assert "¥400.00" in text
    assert "138****8000" in text
    assert "13800138000" not in text
    assert "到店付款 Pay at the homestay" in text


def test_booking_detail_of_a_pay_at_homestay_booking_offers_no_online_payment(client, booking):
    response = client.get(detail_url(booking))

    assert reverse("payments:start", args=[booking.reference]) not in response.text
    assert "入住时向民宿付款" in response.text


def test_booking_detail_shows_a_paid_booking_as_paid_without_pay_now(client, tourist, room_type, stripe_api):
    booking = paid_online(room_type, tourist)

    text = client.get(detail_url(booking)).text

    assert booking.status == Booking.Status.CONFIRMED
    assert "已付款" in text
    assert "2026-09-01 10:00" in text  # paid at, Beijing time
    assert reverse("payments:start", args=[booking.reference]) not in text
    assert "待付款" not in text


def test_booking_detail_offers_no_payment_once_the_hold_is_over(client, tourist, room_type, clock):
    booking = hold(room_type, user=tourist)
    clock.advance(minutes=16)

    text = client.get(detail_url(booking)).text

    assert "保留时间已过" in text
    assert reverse("payments:start", args=[booking.reference]) not in text


def test_booking_detail_shows_how_to_reach_the_homestay(client, tourist):
    homestay = factories.homestay(phone="0358-1234567")
    booking = hold(factories.room_type(homestay=homestay), user=tourist)

    text = client.get(detail_url(booking)).text

    assert "0358-1234567" in text
    assert "14:00 以后入住，12:00 以前退房" in text
    assert translated(homestay.village, "name", "zh-hans") in text
    assert homestay.get_absolute_url() in text


def test_booking_detail_shows_registered_guests_with_masked_documents(client, booking):
    guests_register(booking=booking, guests=[GuestDetails("张三", "resident_id", RESIDENT_ID)])

    text = client.get(detail_url(booking)).text

    assert "张三" in text
    assert "1101**********" in text
    assert RESIDENT_ID not in text


def test_booking_of_another_tourist_is_not_found(client, tourist, room_type):
    booking = hold(room_type, user=factories.user())

    response = client.get(detail_url(booking))

    assert response.status_code == 404
    assert booking.lead_guest_name not in response.text


def test_unknown_booking_is_not_found(client, tourist):
    assert client.get(reverse("bookings:detail", args=["NXSUCHRF"])).status_code == 404


def test_booking_reference_in_lower_case_finds_it(client, booking):
    assert client.get(reverse("bookings:detail", args=[booking.reference.lower()])).status_code == 200


def test_booking_detail_offers_cancelling_an_upcoming_booking(client, booking):
    assert cancel_url(booking) in client.get(detail_url(booking)).text


def test_booking_detail_of_a_cancelled_booking_shows_the_refund_and_no_cancel_link(client, booking):
    booking_cancel(booking=booking, by=Booking.Party.GUEST, reason="行程变了")

    text = client.get(detail_url(booking)).text

    assert "行程变了" in text
    assert "¥0.00" in text
    assert cancel_url(booking) not in text


# Cancelling


def test_cancel_needs_sign_in(client, room_type):
    booking = hold(room_type, user=factories.user(), payment=Booking.Payment.AT_HOMESTAY)

    get, post = client.get(cancel_url(booking)), client.post(cancel_url(booking))

    assert get.status_code == post.status_code == 302
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


def test_cancel_of_another_tourists_booking_is_not_found_and_changes_nothing(client, tourist, room_type):
    booking = hold(room_type, user=factories.user(), payment=Booking.Payment.AT_HOMESTAY)

    assert client.get(cancel_url(booking)).status_code == 404
    assert client.post(cancel_url(booking)).status_code == 404
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


def test_cancel_page_shows_the_refund_before_cancelling(client, tourist, room_type):
    booking = booking_confirm(booking=hold(room_type, user=tourist, payment=Booking.Payment.ONLINE))

    response = client.get(cancel_url(booking))

    assert response.status_code == 200
    assert "¥400.00" in response.text
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


def test_cancel_page_of_an_unpaid_booking_says_there_is_nothing_to_refund(client, booking):
    text = client.get(cancel_url(booking)).text

    assert "¥0.00" in text
    assert "没有需要退还的款项" in text


def test_cancelling_cancels_tells_the_guest_and_emails_them(
    client, booking, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(cancel_url(booking), {"reason": "家里有事"})

    booking.refresh_from_db()
    assert response.url == detail_url(booking)
    assert (booking.status, booking.cancelled_by, booking.cancel_reason) == (
        Booking.Status.CANCELLED,
        Booking.Party.GUEST,
        "家里有事",
    )
    assert "已取消" in client.get(response.url).text
    [email] = mail.outbox
    assert "预订已取消" in email.subject


def test_cancelling_twice_is_harmless(client, booking, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(cancel_url(booking))
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(cancel_url(booking), follow=True)

    assert again.status_code == 200
    assert "该预订已取消" in again.text
    assert len(mail.outbox) == 1
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED


def test_cancel_page_of_a_cancelled_booking_says_it_is_cancelled(client, booking):
    booking_cancel(booking=booking, by=Booking.Party.GUEST)

    assert "该预订已取消" in client.get(cancel_url(booking), follow=True).text


def test_cancelling_after_the_arrival_day_is_refused(client, booking, clock):
    clock.set("2026-09-09 09:00")

    page = client.get(cancel_url(booking))
    response = client.post(cancel_url(booking))

    assert "不能取消" in page.text
    assert Page(page.text).post_forms == 0
    assert response.status_code == 409
    assert "入住日期已过" in response.text
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


def test_cancel_reason_that_is_too_long_is_refused(client, booking):
    response = client.post(cancel_url(booking), {"reason": "长" * 201})

    assert response.status_code == 400
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


@pytest.mark.parametrize(
    ("policy", "today", "expected"),
    [
        (Homestay.CancellationPolicy.FLEXIBLE, "2026-09-07 12:00", Decimal("400.00")),
        (Homestay.CancellationPolicy.FLEXIBLE, "2026-09-08 08:00", Decimal("200.00")),
        (Homestay.CancellationPolicy.MODERATE, "2026-09-03 12:00", Decimal("400.00")),
        (Homestay.CancellationPolicy.MODERATE, "2026-09-04 12:00", Decimal("200.00")),
        (Homestay.CancellationPolicy.STRICT, "2026-09-02 12:00", Decimal("0.00")),
    ],
)
def test_refund_shown_before_cancelling_is_the_refund_given(client, tourist, clock, policy, today, expected):
    room_type = factories.room_type(homestay=factories.homestay(cancellation_policy=policy))
    booking = booking_confirm(booking=hold(room_type, user=tourist, payment=Booking.Payment.ONLINE))
    clock.set(today)

    shown = refund_shown(client.get(cancel_url(booking)).text)
    client.post(cancel_url(booking))

    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert shown == f"¥{booking.refund_due}" == f"¥{expected}"


def test_refund_shown_for_a_paid_request_is_everything_paid(client, tourist, on_request_room_type):
    booking = booking_confirm(
        booking=hold(on_request_room_type, user=tourist, payment=Booking.Payment.ONLINE)
    )

    shown = refund_shown(client.get(cancel_url(booking)).text)
    client.post(cancel_url(booking))

    booking.refresh_from_db()
    assert shown == f"¥{booking.refund_due}" == f"¥{booking.total}"


def test_cancelling_a_paid_online_booking_refunds_the_policys_share_through_stripe(
    client, tourist, room_type, stripe_api, clock
):
    booking = paid_online(room_type, tourist)
    clock.set("2026-09-05 09:00")  # 3 days before arrival: the moderate policy refunds half

    response = client.post(cancel_url(booking), follow=True)

    [sent] = stripe_api.calls("/v1/refunds")
    assert (sent.params["amount"], sent.params["payment_intent"]) == ("20000", "pi_test_1")
    [refund] = Refund.objects.filter(booking=booking)
    assert (refund.amount, refund.status) == (Decimal("200.00"), Refund.Status.PENDING)
    assert "应退款 200.00 元" in response.text
    assert "退款中 Pending" in response.text


def test_cancelling_a_paid_online_booking_twice_refunds_once(client, tourist, room_type, stripe_api):
    booking = paid_online(room_type, tourist)

    client.post(cancel_url(booking))
    again = client.post(cancel_url(booking), follow=True)

    assert "该预订已取消" in again.text
    assert len(stripe_api.calls("/v1/refunds")) == 1
    assert Refund.objects.filter(booking=booking).count() == 1


def test_cancelled_booking_shows_a_refund_stripe_has_confirmed(client, tourist, room_type, stripe_api):
    stripe_api.refund_status = "succeeded"
    booking = paid_online(room_type, tourist)
    client.post(cancel_url(booking))

    text = client.get(detail_url(booking)).text

    assert "¥400.00" in text
    assert "已退款 Refunded" in text


def test_cancelling_an_unpaid_online_hold_closes_its_stripe_checkout_page(
    client, tourist, room_type, stripe_api
):
    booking, payment = start_online(room_type, user=tourist)

    client.post(cancel_url(booking))

    assert [sent.path for sent in stripe_api.sent][-1] == (
        f"/v1/checkout/sessions/{payment.provider_reference}/expire"
    )
    assert stripe_api.calls("/v1/refunds") == []
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.EXPIRED


@pytest.mark.parametrize(
    ("phone", "masked"),
    [("13800138000", "138****8000"), ("+447911123456", "+44******3456"), ("1234567", "*******")],
)
def test_phone_numbers_are_masked_but_recognisable(phone, masked):
    assert mask_phone(phone) == masked


# Every page


@pytest.mark.parametrize("page", ["search", "book", "my_bookings", "detail", "cancel"])
def test_booking_pages_have_no_inline_styles_or_scripts(client, booking, room_type, page):
    urls = {
        "search": search_url(**STAY),
        "book": book_url(factories.room_type()),
        "my_bookings": reverse("bookings:my_bookings"),
        "detail": detail_url(booking),
        "cancel": cancel_url(booking),
    }

    response = client.get(urls[page])

    assert response.status_code == 200
    parsed = Page(response.text)
    assert (parsed.style_attributes, parsed.inline_scripts) == (0, 0)
    assert "/static/css/bookings.css" in response.text


def test_homestay_page_links_each_room_type_to_its_booking_page(client, room_type):
    with translation.override("zh-hans"):
        url = room_type.homestay.get_absolute_url()

    assert reverse("bookings:book", args=[room_type.pk]) in client.get(url).text


def test_village_page_links_to_the_search_of_its_homestays(client, room_type):
    village = room_type.homestay.village

    text = client.get(village.get_absolute_url()).text

    assert f"{reverse('bookings:search')}?village={village.slug}" in text
