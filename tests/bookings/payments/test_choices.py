"""Choosing how to pay: WeChat Pay first inside WeChat (and no Alipay there: WeChat blocks its pages),
WeChat Pay and Alipay on other phones and desktops, card for guests from abroad, paying at the homestay
always; only providers whose keys are set."""

import re

import pytest
from django.urls import reverse

from bookings.payments.base import PaymentClient, online_choices
from bookings.payments.models import Payment
from bookings.payments.services import homestay_providers_set
from tests import factories
from tests.bookings.helpers import hold

pytestmark = pytest.mark.django_db
ALL = [
    "bookings.payments.at_homestay.AtHomestay",
    "bookings.payments.stripe_checkout.StripeCheckout",
    "bookings.payments.alipay.Alipay",
    "bookings.payments.wechat_pay.WeChatPay",
]
WECHAT = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148 MicroMessenger/8.0.50 NetType/WIFI"
)
PHONE = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/130.0 Mobile Safari/537.36"


@pytest.fixture
def everything(settings, stripe_api, wechat_api, alipay_api):
    settings.PAYMENT_PROVIDERS = ALL


def offered(room_type, client: PaymentClient, language: str = "zh-hans") -> list[str]:
    return [
        p.identifier for p in online_choices(homestay=room_type.homestay, client=client, language=language)
    ]


def test_inside_wechat_wechat_pay_comes_first_and_alipay_is_not_offered(everything, room_type):
    assert offered(room_type, PaymentClient(mobile=True, in_wechat=True)) == ["wechat_pay", "stripe_checkout"]


def test_on_other_phones_and_desktops_wechat_pay_then_alipay_then_card(everything, room_type):
    expected = ["wechat_pay", "alipay", "stripe_checkout"]
    assert offered(room_type, PaymentClient(mobile=True)) == expected
    assert offered(room_type, PaymentClient()) == expected


def test_a_guest_who_booked_in_english_sees_card_first(everything, room_type):
    assert offered(room_type, PaymentClient(), language="en")[0] == "stripe_checkout"


def test_only_providers_whose_keys_are_set_are_offered(everything, settings, room_type):
    settings.ALIPAY_APP_PRIVATE_KEY = ""
    settings.STRIPE_SECRET_KEY = ""
    assert offered(room_type, PaymentClient(mobile=True)) == ["wechat_pay"]


def test_the_booking_page_inside_wechat_shows_wechat_pay_first(everything, client, room_type):
    guest = factories.user()
    client.force_login(guest)
    booking = hold(room_type, user=guest)
    page = client.get(
        reverse("bookings:detail", args=[booking.reference]), headers={"User-Agent": WECHAT}
    ).text
    assert re.findall(r'name="provider" value="(\w+)"', page) == ["wechat_pay", "stripe_checkout"]
    assert "银行卡支付(境外客人) Card (guests from abroad)" in page


def test_the_button_pays_with_the_provider_chosen(everything, client, room_type, alipay_api):
    guest = factories.user()
    client.force_login(guest)
    booking = hold(room_type, user=guest)
    response = client.post(
        reverse("payments:start", args=[booking.reference]),
        {"provider": "alipay"},
        headers={"User-Agent": PHONE},
    )
    assert response.status_code == 303
    assert alipay_api.open_page(response["Location"])["method"] == "alipay.trade.wap.pay"
    assert Payment.objects.get(booking=booking).provider == "alipay"


def test_without_a_choice_the_first_offered_is_used(everything, client, room_type, wechat_api):
    booking = hold(room_type)
    client.post(reverse("payments:start", args=[booking.reference]), headers={"User-Agent": PHONE})
    assert Payment.objects.get(booking=booking).provider == "wechat_pay"


def test_paying_at_the_homestay_stays_offered_when_booking(everything, client, room_type):
    from bookings.payments.base import booking_payments_for

    assert set(booking_payments_for(homestay=room_type.homestay)) == {"at_homestay", "online"}


# The JSON API: POST /api/bookings/{reference}/pay with an optional provider

CARD_LABEL = {"zh": "银行卡支付(境外客人)", "en": "Card (guests from abroad)"}


def api_pay(app, booking, body: dict | None = None, *, agent: str = "", **headers: str):
    if agent:
        headers["User-Agent"] = agent
    return app.post(reverse("api:booking_pay", kwargs={"reference": booking.reference}), body, **headers)


@pytest.fixture
def app():
    from tests.bookings.test_api import App, verified_user

    return App(verified_user())


def test_the_api_pays_with_the_provider_named_and_says_to_open_its_page(
    everything, app, room_type, alipay_api
):
    booking = hold(room_type, user=app.user)

    response = api_pay(app, booking, {"provider": "alipay"}, agent=PHONE)

    assert response.status_code == 200
    body = response.json()
    assert (body["provider"], body["kind"], body["code_url"]) == ("alipay", "redirect", None)
    assert alipay_api.open_page(body["checkout_url"])["method"] == "alipay.trade.wap.pay"
    assert [choice["provider"] for choice in body["choices"]] == ["wechat_pay", "alipay", "stripe_checkout"]
    assert body["choices"][2]["label"] == CARD_LABEL
    assert Payment.objects.get(booking=booking).provider == "alipay"


def test_the_api_gives_a_desktop_wechat_pays_code_to_show_as_a_qr_code(everything, app, room_type, client):
    booking = hold(room_type, user=app.user)

    body = api_pay(app, booking, {"provider": "wechat_pay"}).json()

    assert (body["provider"], body["kind"]) == ("wechat_pay", "qr_code")
    assert body["code_url"].startswith("weixin://wxpay/bizpayurl?pr=")
    assert body["code_url"] == Payment.objects.get(booking=booking).redirect_url
    assert reverse("payments:wechat_code", args=[booking.reference]) in body["checkout_url"]
    page = client.get(body["checkout_url"])  # opens in any browser: the address carries its token
    assert page.status_code == 200
    assert b'src="data:image/png;base64,' in page.content
    assert "我已付款".encode() in page.content


def test_the_api_on_a_phone_gets_wechat_pays_h5_page_first_without_a_provider(everything, app, room_type):
    booking = hold(room_type, user=app.user)

    body = api_pay(app, booking, agent=PHONE).json()

    assert (body["provider"], body["kind"]) == ("wechat_pay", "redirect")
    assert body["checkout_url"].startswith("https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?")


def test_the_api_takes_a_request_without_any_body(everything, app, room_type):
    booking = hold(room_type, user=app.user)
    path = reverse("api:booking_pay", kwargs={"reference": booking.reference})

    response = app.client.post(path, data="", content_type="application/json", headers=app.headers)

    assert (response.status_code, response.json()["provider"]) == (200, "wechat_pay")


def test_the_api_inside_wechat_never_opens_jsapi_and_refuses_alipay(everything, app, room_type, wechat_api):
    booking = hold(room_type, user=app.user)

    refused = api_pay(app, booking, {"provider": "alipay"}, agent=WECHAT)

    assert (refused.status_code, refused.json()["code"]) == (422, "payment_unavailable")
    assert "choices" in refused.json()["detail"] and "这种方式" in refused.json()["detail"]
    assert [choice["provider"] for choice in refused.json()["choices"]] == ["wechat_pay", "stripe_checkout"]
    assert not Payment.objects.exists()
    body = api_pay(app, booking, {"provider": "wechat_pay"}, agent=WECHAT).json()
    assert body["kind"] == "qr_code"  # long-pressed inside WeChat; the mini-program has /wechat-pay
    assert wechat_api.calls("/v3/pay/transactions/jsapi") == []


@pytest.mark.parametrize("provider", ["paypal", "at_homestay", ""])
def test_the_api_refuses_a_provider_it_does_not_offer_and_changes_nothing(
    everything, app, room_type, provider
):
    booking = hold(room_type, user=app.user)
    held_until = booking.hold_expires_at

    response = api_pay(app, booking, {"provider": provider})

    assert (response.status_code, response.json()["code"]) == (422, "payment_unavailable")
    assert not Payment.objects.exists()
    booking.refresh_from_db()
    assert (booking.status, booking.hold_expires_at) == ("held", held_until)


def test_the_api_refuses_a_provider_the_homestay_does_not_take(everything, app, room_type):
    homestay_providers_set(homestay=room_type.homestay, providers=["at_homestay", "wechat_pay"])
    booking = hold(room_type, user=app.user)

    response = api_pay(app, booking, {"provider": "stripe_checkout"})

    assert response.status_code == 422
    assert [choice["provider"] for choice in response.json()["choices"]] == ["wechat_pay"]


def test_the_api_keeps_an_idempotency_key_to_its_provider(everything, app, room_type, wechat_api):
    booking = hold(room_type, user=app.user)
    key = {"Idempotency-Key": "pay-once-0001"}

    first = api_pay(app, booking, {"provider": "wechat_pay"}, **key)
    again = api_pay(app, booking, {"provider": "wechat_pay"}, **key)
    other = api_pay(app, booking, {"provider": "alipay"}, **key)

    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert (other.status_code, other.json()["code"]) == (422, "idempotency_key_reused")
    assert len(wechat_api.calls("/v3/pay/transactions/native")) == 1
    assert list(Payment.objects.values_list("provider", flat=True)) == ["wechat_pay"]


def test_the_api_pays_a_booking_paid_at_the_homestay_never_whatever_the_provider(everything, app, room_type):
    booking = hold(room_type, user=app.user, payment="at_homestay")

    response = api_pay(app, booking, {"provider": "wechat_pay"})

    assert (response.status_code, response.json()["code"]) == (409, "illegal_transition")


def test_the_openapi_document_describes_the_choice_of_provider(client):
    document = client.get("/api/openapi.json").json()
    pay = document["paths"]["/api/bookings/{reference}/pay"]["post"]
    assert "Stripe Checkout)" not in pay["description"]
    assert "`qr_code`" in pay["description"] and "wechat-pay" in pay["description"]
    schemas = document["components"]["schemas"]
    assert "provider" in schemas["PaymentStartIn"]["properties"]
    assert {"kind", "code_url", "choices"} <= set(schemas["PaymentStartOut"]["properties"])
    assert "Stripe" not in schemas["PaymentStartOut"]["properties"]["checkout_url"]["description"]
    assert {"422", "503"} <= set(pay["responses"])
