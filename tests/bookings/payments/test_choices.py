"""Choosing how to pay: WeChat Pay first inside WeChat (and no Alipay there: WeChat blocks its pages),
WeChat Pay and Alipay on other phones and desktops, card for guests from abroad, paying at the homestay
always; only providers whose keys are set."""

import re

import pytest
from django.urls import reverse

from bookings.payments.base import PaymentClient, online_choices
from bookings.payments.models import Payment
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
