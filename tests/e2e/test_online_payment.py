"""Paying online on a 360 px phone, through the real SDKs against the local fakes of the payment services:

* inside WeChat's browser by WeChat Pay JSAPI. WeChat's pay sheet is stood in by a test double of
  ``WeixinJSBridge`` (an init script) that checks the shape of what the page hands it and holds the
  callback; the test checks ``paySign`` with the merchant's public key, has the fake WeChat Pay take the
  money and send its signed, encrypted notification to the live site, then answers the page as WeChat
  would (``get_brand_wcpay_request:ok`` or ``:cancel``);
* in a phone's own browser by Alipay: the fake Alipay cashier (tests/e2e/fake_cashier.py) takes the
  signed mobile-web-pay address, posts the signed notification to the live site and sends the browser
  back to the result page.
"""

import json
import re
from datetime import timedelta
from urllib.parse import urlsplit
from urllib.request import Request, urlopen

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from bookings.models import Booking
from bookings.payments import alipay, wechat_pay
from bookings.services import booking_hold
from common.clock import local_today
from common.models import WeChatOpenId
from common.wechat_ids import wechat_link
from tests.bookings.payments import fake_alipay, fake_wechat
from villages.models import RoomType

from . import fake_cashier
from .conftest import PHONE
from .helpers import assert_fits_phone, sign_in, wait_until

PASSWORD = "jujube-cave-2026"
OPENID = "oOA-e2e-guest-000000000000001"
# A phone's own browser (not WeChat's).
ANDROID = {
    **PHONE,
    "user_agent": "Mozilla/5.0 (Linux; Android 14; V2309A) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0.6723.103 Mobile Safari/537.36",
}
# WeChat's pay sheet, stood in: checks the parameters' shape, records them and holds the callback until
# the test answers it as WeChat would.
BRIDGE = """
window.__wxpay = {calls: [], answer: null};
window.WeixinJSBridge = {
  invoke: function (name, params, callback) {
    var problems = [];
    if (name !== "getBrandWCPayRequest") { problems.push("name " + name); }
    ["appId", "timeStamp", "nonceStr", "package", "signType", "paySign"].forEach(function (key) {
      if (typeof params[key] !== "string" || !params[key]) { problems.push("missing " + key); }
    });
    if (!/^[0-9]{10}$/.test(params.timeStamp)) { problems.push("timeStamp " + params.timeStamp); }
    if (!/^prepay_id=/.test(params.package)) { problems.push("package " + params.package); }
    if (params.signType !== "RSA") { problems.push("signType " + params.signType); }
    window.__wxpay.calls.push({name: name, params: params, problems: problems});
    // WeChat answers later, on its own turn (the test's evaluate() returns before the page navigates).
    window.__wxpay.answer = function (message) {
      setTimeout(function () { callback({err_msg: message}); }, 0);
    };
  }
};
"""


@pytest.fixture(scope="module")
def wechat_pay_server():
    fake = fake_wechat.FakeWeChatPay(fake_wechat.Keys())
    server, url = fake_wechat.serve(fake)
    yield fake, url
    server.shutdown()


@pytest.fixture
def wechat(site, settings, wechat_pay_server):
    """WeChat Pay on (public key mode), its client talking to the fake; the official account bound."""
    fake, url = wechat_pay_server
    fake.reset()
    settings.SITE_URL = site.url
    settings.PAYMENT_PROVIDERS = [
        "bookings.payments.at_homestay.AtHomestay",
        "bookings.payments.wechat_pay.WeChatPay",
    ]
    settings.WECHATPAY_MCHID = fake_wechat.MCHID
    settings.WECHATPAY_APPID = fake_wechat.APPID
    settings.WECHATPAY_PRIVATE_KEY = fake.keys.merchant_pem
    settings.WECHATPAY_CERT_SERIAL_NO = fake_wechat.MERCHANT_SERIAL
    settings.WECHATPAY_APIV3_KEY = fake_wechat.APIV3_KEY
    settings.WECHATPAY_PUBLIC_KEY = fake.keys.platform_public_pem
    settings.WECHATPAY_PUBLIC_KEY_ID = fake_wechat.PUBLIC_KEY_ID
    settings.WECHATPAY_CERT_DIR = ""
    settings.WECHATPAY_API_URL = url
    settings.WECHAT_OA_APPID = fake_wechat.OA_APPID
    fake.openids[OPENID] = fake_wechat.OA_APPID
    wechat_pay._client.cache_clear()
    yield fake
    wechat_pay._client.cache_clear()


def held_booking(email: str) -> Booking:
    """A tourist's two nights at 窑洞大床房, held for online payment; they can sign in by e-mail."""
    room = RoomType.objects.get(homestay__slug="loess-cave-courtyard", name_zh_hans="窑洞大床房")
    tourist = get_user_model().objects.create_user(email.split("@")[0], email, PASSWORD)
    EmailAddress.objects.create(user=tourist, email=email, verified=True, primary=True)
    arrival = local_today() + timedelta(days=12)
    return booking_hold(
        room_type=room,
        check_in=arrival,
        check_out=arrival + timedelta(days=2),
        guests=2,
        user=tourist,
        lead_guest_name="李华",
        lead_guest_phone="13912345678",
        payment=Booking.Payment.ONLINE,
    )


def in_wechat_with_bridge(open_page, booking: Booking):
    """The tourist's phone in WeChat's browser, signed in; they signed in through the official account
    before (the openid that issue 17's WeChat sign-in records)."""
    wechat_link(
        booking.user, appid=fake_wechat.OA_APPID, kind=WeChatOpenId.Kind.OFFICIAL_ACCOUNT, openid=OPENID
    )
    page = open_page(PHONE)
    page.context.add_init_script(BRIDGE)
    assert booking.user is not None
    sign_in(page, booking.user.email, PASSWORD)
    return page


def tap_wechat_pay(page, booking: Booking) -> dict:
    """From the booking's page: 去付款 · 微信支付, until the pay sheet is asked for; returns its call."""
    page.goto(f"/bookings/{booking.reference}/")
    page.get_by_role("button", name=re.compile("去付款.*微信支付")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("微信支付")
    wait_until(page, "window.__wxpay.calls.length > 0")
    [call] = page.evaluate("window.__wxpay.calls")
    assert call["problems"] == [], call
    return call["params"]


def test_paying_inside_wechat_with_the_jsapi_bridge(open_page, wechat, site, shot):
    booking = held_booking("lihua@example.cn")
    page = in_wechat_with_bridge(open_page, booking)
    params = tap_wechat_pay(page, booking)
    assert_fits_phone(page)
    shot(page, "wechat-pay-sheet")

    # WeChat checks the page's signature with the merchant's key, takes the money, and WeChat Pay
    # notifies the site (signed with its platform key, encrypted with the APIv3 key).
    order = wechat.order_for_package(params)
    assert order is not None, "paySign does not verify with the merchant's public key"
    assert (order["appid"], order["payer"]["openid"]) == (fake_wechat.OA_APPID, OPENID)
    assert order["amount"]["total"] == int(booking.total * 100)
    notification = wechat.notification(wechat.pay(order["out_trade_no"]))
    request = Request(f"{site.url}{fake_wechat.NOTIFY_URL}", data=notification.body.encode(), method="POST")
    for name, value in {**notification.headers, "Content-Type": "application/json"}.items():
        request.add_header(name, value)
    with urlopen(request, timeout=10) as answer:
        assert answer.status == 204

    page.evaluate("window.__wxpay.answer('get_brand_wcpay_request:ok')")
    expect(page.get_by_text("付款成功，预订已确认。")).to_be_visible()
    assert_fits_phone(page)
    shot(page, "paid")
    page.get_by_role("link", name="查看预订详情").click()
    expect(page.locator(".paid")).to_have_text("已付款")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED and booking.is_paid
    assert page.js_errors == []


def test_cancelling_in_wechats_pay_sheet_leaves_the_booking_payable(open_page, wechat, shot):
    booking = held_booking("wangfang@example.cn")
    page = in_wechat_with_bridge(open_page, booking)
    tap_wechat_pay(page, booking)

    page.evaluate("window.__wxpay.answer('get_brand_wcpay_request:cancel')")
    expect(page.get_by_text("您已取消付款，尚未扣款。")).to_be_visible()
    expect(page.get_by_text(re.compile(r"房间为您保留到 \d\d:\d\d"))).to_be_visible()
    assert_fits_phone(page)
    shot(page, "cancelled-in-sheet")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.HELD and booking.awaiting_payment

    # Still payable: the button opens the pay sheet again, for the same order.
    page.get_by_role("button", name=re.compile("微信支付")).click()
    wait_until(page, "window.__wxpay.calls.length > 0")
    [again] = page.evaluate("window.__wxpay.calls")
    assert again["problems"] == []
    assert wechat.order_for_package(again["params"]) is not None
    assert len(wechat.orders) == 1
    assert page.js_errors == []


@pytest.fixture(scope="module")
def alipay_cashier():
    fake = fake_alipay.FakeAlipay(fake_alipay.Keys())
    server, url, notified = fake_cashier.serve(fake)
    yield fake, url, notified
    server.shutdown()


@pytest.fixture
def alipay_on(site, settings, alipay_cashier):
    fake, url, notified = alipay_cashier
    fake.reset()
    notified.clear()
    settings.SITE_URL = site.url
    settings.PAYMENT_PROVIDERS = [
        "bookings.payments.at_homestay.AtHomestay",
        "bookings.payments.alipay.Alipay",
    ]
    settings.ALIPAY_APP_ID = fake_alipay.APP_ID
    settings.ALIPAY_APP_PRIVATE_KEY = fake.keys.app_private_pem
    settings.ALIPAY_PUBLIC_KEY = fake.keys.alipay_public_pem
    settings.ALIPAY_GATEWAY = url
    # In production the form may lead to Alipay's gateway (settings.SECURE_CSP); here that is the fake's.
    gateway = urlsplit(url)
    settings.SECURE_CSP = {
        **settings.SECURE_CSP,
        "form-action": [*settings.SECURE_CSP["form-action"], f"{gateway.scheme}://{gateway.netloc}"],
    }
    alipay._client.cache_clear()
    yield fake, gateway, notified
    alipay._client.cache_clear()


def test_paying_by_alipay_on_a_phone(open_page, alipay_on, shot):
    fake, gateway, notified = alipay_on
    booking = held_booking("zhaomin@example.cn")
    page = open_page(ANDROID)
    page.context.route(
        re.compile(rf"^{gateway.scheme}://{re.escape(gateway.netloc)}/"), lambda r: r.continue_()
    )
    assert booking.user is not None
    sign_in(page, booking.user.email, PASSWORD)
    page.goto(f"/bookings/{booking.reference}/")
    page.get_by_role("button", name=re.compile("去付款.*支付宝")).click()

    # Alipay's cashier, opened from the signed mobile-web-pay address.
    expect(page.get_by_role("heading", level=1)).to_have_text("支付宝 收银台")
    [trade] = fake.trades.values()
    assert (trade["method"], trade["product_code"]) == ("alipay.trade.wap.pay", "QUICK_WAP_PAY")
    assert trade["total_amount"] == f"{booking.total:.2f}"
    shot(page, "alipay-cashier")
    page.get_by_role("button", name="确认付款").click()

    # Back on the site: the signed notification was taken ("success"), the booking is paid.
    expect(page.get_by_text("付款成功，预订已确认。")).to_be_visible()
    assert notified == [(200, "success")]
    assert_fits_phone(page)
    shot(page, "paid")
    page.get_by_role("link", name="查看预订详情").click()
    expect(page.locator(".paid")).to_have_text("已付款")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED and booking.is_paid
    assert json.loads(json.dumps(page.js_errors)) == []
