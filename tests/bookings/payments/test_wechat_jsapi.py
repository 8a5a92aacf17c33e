"""WeChat Pay JSAPI: inside WeChat's browser for a guest who signed in through the official account, and
in the mini-program through the API. The real ``wechatpayv3`` client against the local fake WeChat Pay;
the pay sheet's check of ``paySign`` is the fake's (the merchant's public key). What JSAPI shares with
H5 and Native (notifications once, amounts, refunds) is tested in test_wechat_pay.py; here only what
differs: the order, the signed parameters, the page's result never trusted, switching kinds of order,
and signing in through WeChat first."""

import json
import re
import time
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from bookings.ledger import ledger_balances
from bookings.models import Booking
from bookings.payments import wechat_pay
from bookings.payments.base import PaymentClient, payment_client
from bookings.payments.models import Payment, Refund
from bookings.payments.services import (
    PaymentStartTooSlow,
    homestay_providers_set,
    payment_start,
    payments_sync_due,
    provider_call_worst,
)
from common.models import WeChatOpenId
from common.wechat_ids import wechat_link
from tests import factories
from tests.bookings.helpers import hold
from tests.bookings.payments import fake_wechat
from tests.bookings.payments.conftest import CANCEL_URL, PAID_NOTICES, SUCCESS_URL, notices

pytestmark = pytest.mark.django_db
Status = Booking.Status
OA_OPENID = "oOA-guest-0000000000000000001"
MINI_OPENID = "oMINI-guest-00000000000000001"
IN_WECHAT = (
    "Mozilla/5.0 (Linux; Android 14; V2309A) AppleWebKit/537.36 Chrome/130.0 Mobile Safari/537.36 "
    "XWEB/1300333 MicroMessenger/8.0.55.2780(0x28003737) WeChat/arm64 Weixin NetType/4G"
)
DESKTOP = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36"
JSAPI_CLIENT = PaymentClient(mobile=True, in_wechat=True, openid=OA_OPENID, appid=fake_wechat.OA_APPID)


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


@pytest.fixture
def jsapi(wechat_api, settings):
    """WeChat Pay on, with the official account and the mini-program bound to the merchant."""
    settings.WECHAT_OA_APPID = fake_wechat.OA_APPID
    settings.WECHAT_MINI_APPID = fake_wechat.MINI_APPID
    wechat_api.openids.update({OA_OPENID: fake_wechat.OA_APPID, MINI_OPENID: fake_wechat.MINI_APPID})
    return wechat_api


@pytest.fixture
def guest(db):
    """A guest who signed in through the official account inside WeChat (their openid recorded)."""
    user = factories.user()
    wechat_link(user, appid=fake_wechat.OA_APPID, kind=WeChatOpenId.Kind.OFFICIAL_ACCOUNT, openid=OA_OPENID)
    return user


@pytest.fixture
def in_wechat(guest) -> Client:
    browser = Client(headers={"User-Agent": IN_WECHAT})
    browser.force_login(guest)
    return browser


def start(room_type, client: PaymentClient, **fields) -> tuple[Booking, Payment]:
    booking = hold(room_type, **fields)
    payment = payment_start(booking=booking, success_url=SUCCESS_URL, cancel_url=CANCEL_URL, client=client)
    return booking, fresh(payment)


def bridge_params(page) -> dict:
    """What the JSAPI page hands to WeixinJSBridge (its json_script)."""
    found = re.search(rb'<script id="wechat-pay-bridge" type="application/json">(.*?)</script>', page.content)
    assert found, page.content.decode()
    return json.loads(found.group(1))


# The order and its signed parameters


def test_a_jsapi_order_names_the_official_account_and_the_payer(room_type, jsapi):
    _booking, payment = start(room_type, JSAPI_CLIENT)
    [(method, sent_path, sent)] = jsapi.calls("/v3/pay/transactions/")
    assert (method, sent_path) == ("POST", "/v3/pay/transactions/jsapi")
    assert sent["appid"] == fake_wechat.OA_APPID
    assert sent["payer"] == {"openid": OA_OPENID}
    assert sent["amount"] == {"total": 40000, "currency": "CNY"}
    assert sent["out_trade_no"] == payment.idempotency_key == payment.provider_reference
    assert "scene_info" not in sent
    assert wechat_pay.jsapi_prepay(payment) == (
        fake_wechat.OA_APPID,
        f"prepay_id=wx{jsapi.orders[sent['out_trade_no']]['prepay']}",
    )


def test_the_pay_sign_verifies_with_the_merchants_public_key(room_type, jsapi):
    _booking, payment = start(room_type, JSAPI_CLIENT)
    params = wechat_pay.WeChatPay().jsapi_params(payment=payment)
    assert set(params) == {"appId", "timeStamp", "nonceStr", "package", "signType", "paySign"}
    assert params["signType"] == "RSA" and params["appId"] == fake_wechat.OA_APPID
    order = jsapi.order_for_package(params)
    assert order is not None and order["out_trade_no"] == payment.idempotency_key
    # Any field changed after signing, or a signature by another key, is refused by the pay sheet.
    for name, value in [("package", "prepay_id=wx-someone-else"), ("timeStamp", "1"), ("nonceStr", "x")]:
        assert jsapi.order_for_package({**params, name: value}) is None
    forged = fake_wechat._sign(jsapi.keys.stranger, "".join(f"{params[k]}\n" for k in list(params)[:4]))
    assert jsapi.order_for_package({**params, "paySign": forged}) is None


def test_each_signing_is_fresh_for_the_same_order(room_type, jsapi):
    _booking, payment = start(room_type, JSAPI_CLIENT)
    first, second = (wechat_pay.WeChatPay().jsapi_params(payment=payment) for _ in range(2))
    assert first["package"] == second["package"]
    assert first["nonceStr"] != second["nonceStr"]
    assert jsapi.order_for_package(second) is not None


def test_an_answer_without_a_prepay_id_opens_nothing(room_type, jsapi, monkeypatch):
    monkeypatch.setattr(jsapi, "order", lambda body, **kinds: (200, {"code_url": "weixin://x"}))
    booking = hold(room_type)
    with pytest.raises(Exception, match="payment"):
        payment_start(booking=booking, success_url=SUCCESS_URL, cancel_url=CANCEL_URL, client=JSAPI_CLIENT)
    assert not Payment.objects.get(booking=booking).provider_reference


def test_the_client_in_wechat_carries_the_official_account_openid(rf, guest, jsapi):
    request = rf.get("/", headers={"User-Agent": IN_WECHAT})
    request.user = guest
    assert payment_client(request) == PaymentClient(
        mobile=True, in_wechat=True, ip="127.0.0.1", openid=OA_OPENID, appid=fake_wechat.OA_APPID
    )
    request = rf.get("/", headers={"User-Agent": DESKTOP})  # outside WeChat: no JSAPI
    request.user = guest
    assert payment_client(request).openid == ""


# The page inside WeChat


def test_paying_in_wechat_opens_the_jsapi_page_with_signed_parameters(in_wechat, guest, room_type, jsapi):
    booking = hold(room_type, user=guest)
    response = in_wechat.post(reverse("payments:start", args=[booking.reference]))
    assert response.status_code == 303
    assert reverse("payments:wechat_jsapi", args=[booking.reference]) in response["Location"]
    page = in_wechat.get(response["Location"])
    assert page.status_code == 200
    bridge = bridge_params(page)
    assert bridge["invoke_now"] is True
    assert jsapi.order_for_package(bridge["params"])["out_trade_no"] == booking.payments.get().idempotency_key
    assert "js/wechat_pay" in page.content.decode()


def test_ok_from_the_bridge_is_not_believed_until_wechat_pay_says_paid(
    in_wechat, guest, room_type, jsapi, owner
):
    booking, payment = start(room_type, JSAPI_CLIENT, user=guest)
    page = reverse("payments:wechat_jsapi", args=[booking.reference])
    response = in_wechat.get(page, {"result": "ok"})  # the page says ok; WeChat Pay says NOTPAY
    assert response.status_code == 303
    assert reverse("payments:done", args=[booking.reference]) in response["Location"]
    assert jsapi.calls(f"/v3/pay/transactions/out-trade-no/{payment.idempotency_key}")
    assert fresh(booking).status == Status.HELD
    done = in_wechat.get(response["Location"])
    assert "正在确认付款结果".encode() in done.content
    jsapi.pay(payment.idempotency_key)  # now paid, its notification lost: the result page asks
    assert "付款成功".encode() in in_wechat.get(response["Location"]).content
    assert fresh(booking).status == Status.CONFIRMED
    assert notices(booking) == PAID_NOTICES
    assert ledger_balances(booking=booking)["cash_provider"] == Decimal("400.00")


def test_cancel_in_the_bridge_keeps_the_booking_payable_and_says_so(in_wechat, guest, room_type, jsapi):
    booking, _payment = start(room_type, JSAPI_CLIENT, user=guest)
    page = in_wechat.get(reverse("payments:wechat_jsapi", args=[booking.reference]), {"result": "cancel"})
    assert page.status_code == 200
    assert "您已取消付款".encode() in page.content
    assert bridge_params(page)["invoke_now"] is False  # the sheet is not forced on them again
    assert jsapi.order_for_package(bridge_params(page)["params"]) is not None
    assert fresh(booking).status == Status.HELD


def test_fail_in_the_bridge_offers_the_other_ways_to_pay(in_wechat, guest, room_type, jsapi):
    booking, _payment = start(room_type, JSAPI_CLIENT, user=guest)
    page = in_wechat.get(reverse("payments:wechat_jsapi", args=[booking.reference]), {"result": "fail"})
    assert "微信支付未能完成".encode() in page.content
    assert b'value="stripe_checkout"' in page.content
    assert fresh(booking).status == Status.HELD


def test_the_jsapi_page_of_a_paid_booking_goes_to_the_result(in_wechat, guest, room_type, jsapi):
    booking, payment = start(room_type, JSAPI_CLIENT, user=guest)
    jsapi.pay(payment.idempotency_key)
    response = in_wechat.get(reverse("payments:wechat_jsapi", args=[booking.reference]), {"result": "cancel"})
    assert response.status_code == 303  # cancel said, but WeChat Pay says paid: paid it is
    assert fresh(booking).status == Status.CONFIRMED


def test_another_persons_jsapi_page_is_not_found(room_type, jsapi, guest):
    booking, _payment = start(room_type, JSAPI_CLIENT, user=guest)
    stranger = Client(headers={"User-Agent": IN_WECHAT})
    stranger.force_login(factories.user())
    assert stranger.get(reverse("payments:wechat_jsapi", args=[booking.reference])).status_code == 404


# One order per kind: a QR code opened before signing in, paid inside WeChat after


def test_signing_in_through_wechat_after_a_qr_code_replaces_the_native_order(
    in_wechat, guest, room_type, jsapi
):
    booking, native = start(room_type, PaymentClient(mobile=True, in_wechat=True), user=guest)
    assert native.redirect_url.startswith("weixin://")
    response = in_wechat.post(reverse("payments:start", args=[booking.reference]))
    assert reverse("payments:wechat_jsapi", args=[booking.reference]) in response["Location"]
    assert jsapi.orders[native.idempotency_key]["trade_state"] == "CLOSED"
    assert fresh(native).status == Payment.Status.EXPIRED
    jsapi_payment = booking.payments.get(status=Payment.Status.PENDING)
    prepay = wechat_pay.jsapi_prepay(jsapi_payment)
    assert prepay is not None and prepay[0] == fake_wechat.OA_APPID
    again = in_wechat.post(reverse("payments:start", args=[booking.reference]))  # same order, no third
    assert again.status_code == 303 and booking.payments.count() == 2


def test_a_qr_code_paid_before_the_switch_is_kept_and_nothing_new_opens(in_wechat, guest, room_type, jsapi):
    booking, native = start(room_type, PaymentClient(in_wechat=True), user=guest)
    jsapi.pay(native.idempotency_key)  # paid from another phone, the notification not here yet
    response = in_wechat.post(reverse("payments:start", args=[booking.reference]))
    assert response.status_code == 409
    assert fresh(native).status == Payment.Status.SUCCEEDED
    assert fresh(booking).status == Status.CONFIRMED
    assert booking.payments.count() == 1
    assert not jsapi.calls(f"/v3/pay/transactions/out-trade-no/{native.idempotency_key}/close")


def test_a_jsapi_order_opened_in_wechat_is_replaced_by_a_qr_code_on_a_desktop(room_type, jsapi, guest):
    booking, opened = start(room_type, JSAPI_CLIENT, user=guest)
    payment = payment_start(
        booking=fresh(booking), success_url=SUCCESS_URL, cancel_url=CANCEL_URL, client=PaymentClient()
    )
    assert payment.redirect_url.startswith("weixin://")
    assert fresh(opened).status == Payment.Status.EXPIRED
    assert jsapi.orders[opened.idempotency_key]["trade_state"] == "CLOSED"


# One deadline for the whole start: a replacement is a query, a close and a new order, each up to
# provider_call_worst() (18.5 s by default); a call that could not finish before PAYMENT_START_DEADLINE
# at its slowest is not made.
SLOW = 1.5  # seconds: slower than the deadline's spare second, within the read timeout (3 s here)


def test_the_default_deadline_keeps_a_replacement_under_gunicorns_timeout(settings):
    settings.PAYMENT_PROVIDER_CONNECT_TIMEOUT, settings.PAYMENT_PROVIDER_READ_TIMEOUT = 3, 6
    settings.PAYMENT_PROVIDER_RETRIES = 1
    assert provider_call_worst() == 18.5
    # The first call always goes, each later one only if it ends by the deadline: at worst the deadline.
    assert provider_call_worst() <= settings.PAYMENT_START_DEADLINE < 30


@pytest.fixture
def tight_deadline(settings, jsapi):
    """Time for one call at its slowest (2 x (1 + 3) + 0.5 = 8.5 s) and one second more."""
    settings.PAYMENT_PROVIDER_READ_TIMEOUT = 3
    settings.PAYMENT_START_DEADLINE = provider_call_worst() + 1
    return jsapi


def replace_on_a_desktop(booking):
    return payment_start(
        booking=fresh(booking), success_url=SUCCESS_URL, cancel_url=CANCEL_URL, client=PaymentClient()
    )


def test_with_a_tight_deadline_a_quick_replacement_still_goes_through(room_type, guest, tight_deadline):
    booking, opened = start(room_type, JSAPI_CLIENT, user=guest)
    payment = replace_on_a_desktop(booking)
    assert payment.redirect_url.startswith("weixin://")
    assert fresh(opened).status == Payment.Status.EXPIRED


def test_a_slow_query_leaves_no_time_to_close_and_nothing_changes(room_type, guest, tight_deadline, clock):
    booking, opened = start(room_type, JSAPI_CLIENT, user=guest)
    held_until = fresh(booking).hold_expires_at
    tight_deadline.delay = SLOW  # the query answers late: a close at its slowest would end too late
    began = time.monotonic()

    with pytest.raises(PaymentStartTooSlow) as refused:
        replace_on_a_desktop(booking)

    assert time.monotonic() - began < SLOW + 1  # refused once the query answered, nothing waited for
    tight_deadline.delay = 0
    assert "请稍后再试" in refused.value.message and "try again" in refused.value.message
    assert not tight_deadline.calls(f"/v3/pay/transactions/out-trade-no/{opened.idempotency_key}/close")
    assert not tight_deadline.calls("/v3/pay/transactions/native")
    assert tight_deadline.orders[opened.idempotency_key]["trade_state"] == "NOTPAY"
    assert list(booking.payments.all()) == [opened]
    assert fresh(opened).status == Payment.Status.PENDING
    assert fresh(booking).hold_expires_at == held_until
    # The old order stays with the scheduled sync, which sees it paid from WeChat meanwhile.
    tight_deadline.pay(opened.idempotency_key)
    clock.advance(minutes=3)
    assert payments_sync_due() == 1
    assert fresh(booking).status == Status.CONFIRMED


def test_a_slow_close_leaves_no_time_for_a_new_order_so_none_is_opened(
    room_type, guest, tight_deadline, monkeypatch
):
    booking, opened = start(room_type, JSAPI_CLIENT, user=guest)
    close = wechat_pay.WeChatPay.cancel_payment

    def slow_close(self, *, payment):
        close(self, payment=payment)
        time.sleep(SLOW)

    monkeypatch.setattr(wechat_pay.WeChatPay, "cancel_payment", slow_close)

    with pytest.raises(PaymentStartTooSlow):
        replace_on_a_desktop(booking)

    assert tight_deadline.orders[opened.idempotency_key]["trade_state"] == "CLOSED"
    assert fresh(opened).status == Payment.Status.EXPIRED  # what WeChat Pay now says
    assert not tight_deadline.calls("/v3/pay/transactions/native")
    assert list(booking.payments.all()) == [opened]
    monkeypatch.setattr(wechat_pay.WeChatPay, "cancel_payment", close)
    again = replace_on_a_desktop(booking)  # the guest tries again: a new order at once, no query
    assert again.redirect_url.startswith("weixin://")
    assert booking.payments.count() == 2


def test_the_api_answers_a_refused_replacement_with_503_in_both_languages(room_type, guest, tight_deadline):
    booking, opened = start(room_type, JSAPI_CLIENT, user=guest)
    tight_deadline.delay = SLOW
    api = Client(headers={"User-Agent": DESKTOP})
    api.force_login(guest)

    response = api.post(
        reverse("api:booking_pay", kwargs={"reference": booking.reference}),
        {},
        content_type="application/json",
    )

    tight_deadline.delay = 0
    assert (response.status_code, response.json()["code"]) == (503, "payment_unavailable")
    assert "稍后再试" in response.json()["detail"] and "try again" in response.json()["detail"]
    assert fresh(opened).status == Payment.Status.PENDING


# Inside WeChat without an openid


def test_in_wechat_without_an_openid_signing_in_through_wechat_is_offered_first(room_type, jsapi):
    user = factories.user()
    booking = hold(room_type, user=user)
    browser = Client(headers={"User-Agent": IN_WECHAT})
    browser.force_login(user)
    page = browser.post(reverse("payments:start", args=[booking.reference]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "用微信登录后付款" in text
    detail = reverse("bookings:detail", args=[booking.reference])
    # Linking WeChat to the signed-in account (tourism/urls_wechat.py) records the openid JSAPI needs.
    assert f'href="/accounts/wechat/login/?process=link&amp;next={detail.replace("/", "%2F")}"' in text
    assert not Payment.objects.exists()  # nothing opened until they choose
    fallback = browser.post(
        reverse("payments:start", args=[booking.reference]),
        {"provider": "wechat_pay", "without_wechat_sign_in": "1"},
    )
    assert reverse("payments:wechat_code", args=[booking.reference]) in fallback["Location"]
    qr = browser.get(fallback["Location"])
    assert "长按下面的二维码".encode() in qr.content


def test_in_wechat_without_sign_in_through_wechat_the_qr_code_says_how(room_type, jsapi, settings):
    settings.WECHAT_OA_APPID = ""  # no official account: no sign-in through WeChat, no JSAPI
    user = factories.user()
    booking = hold(room_type, user=user)
    browser = Client(headers={"User-Agent": IN_WECHAT})
    browser.force_login(user)
    response = browser.post(reverse("payments:start", args=[booking.reference]))
    assert reverse("payments:wechat_code", args=[booking.reference]) in response["Location"]
    [(_method, sent_path, _sent)] = jsapi.calls("/v3/pay/transactions/")
    assert sent_path == "/v3/pay/transactions/native"
    assert "在微信内直接付款需要先用微信登录本站".encode() in browser.get(response["Location"]).content


def test_choosing_card_in_wechat_is_not_stopped_by_the_sign_in_offer(room_type, jsapi):
    user = factories.user()
    booking = hold(room_type, user=user)
    browser = Client(headers={"User-Agent": IN_WECHAT})
    browser.force_login(user)
    response = browser.post(
        reverse("payments:start", args=[booking.reference]), {"provider": "stripe_checkout"}
    )
    assert response.status_code == 303
    assert response["Location"].startswith("https://checkout.stripe.com/")


# The guarantees, through JSAPI


def test_a_jsapi_payment_notified_confirms_once_and_another_amount_never_does(
    client, room_type, jsapi, django_capture_on_commit_callbacks, guest, owner
):
    booking, payment = start(room_type, JSAPI_CLIENT, user=guest)
    other, other_payment = start(
        factories.room_type(room_count=1, base_price=Decimal("200.00")),
        PaymentClient(in_wechat=True, openid=OA_OPENID, appid=fake_wechat.OA_APPID),
        user=guest,
    )
    notification = jsapi.notification(jsapi.pay(payment.idempotency_key), notification_id="jsapi-1")
    short = jsapi.notification(jsapi.pay(other_payment.idempotency_key, total=100))
    with django_capture_on_commit_callbacks(execute=True):
        for sent in (notification, notification, short):
            answer = client.post(
                fake_wechat.NOTIFY_URL, data=sent.body, content_type="application/json", headers=sent.headers
            )
            assert answer.status_code == 204
    assert fresh(booking).status == Status.CONFIRMED
    assert fresh(payment).provider_payment_reference.startswith("42000")
    assert fresh(other).status == Status.HELD
    assert Refund.objects.get().payment == fresh(other_payment)
    assert notices(booking) == PAID_NOTICES
    assert notices(other) == [("booking.refund_sent", "guest")]


# The mini-program


def mini_pay(api_client, booking):
    return api_client.post(
        reverse("api:booking_wechat_pay", kwargs={"reference": booking.reference}),
        content_type="application/json",
    )


@pytest.fixture
def mini_guest(db):
    user = factories.user()
    wechat_link(user, appid=fake_wechat.MINI_APPID, kind=WeChatOpenId.Kind.MINI_PROGRAM, openid=MINI_OPENID)
    return user


@pytest.fixture
def mini(mini_guest) -> Client:
    api_client = Client()
    api_client.force_login(mini_guest)
    return api_client


def test_the_mini_program_gets_signed_request_payment_parameters(mini, mini_guest, room_type, jsapi):
    booking = hold(room_type, user=mini_guest)
    response = mini_pay(mini, booking)
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"reference", "expires_at", "timeStamp", "nonceStr", "package", "signType", "paySign"}
    [(_method, sent_path, sent)] = jsapi.calls("/v3/pay/transactions/")
    assert sent_path == "/v3/pay/transactions/jsapi"
    assert (sent["appid"], sent["payer"]) == (fake_wechat.MINI_APPID, {"openid": MINI_OPENID})
    order = jsapi.order_for_package({**body, "appId": fake_wechat.MINI_APPID})
    assert order is not None and order["out_trade_no"] == booking.payments.get().idempotency_key
    assert fresh(booking).status == Status.HELD  # paid only when WeChat Pay says so


def test_the_mini_program_without_a_wechat_sign_in_is_told_to_sign_in(room_type, jsapi):
    user = factories.user()
    wechat_link(user, appid=fake_wechat.OA_APPID, kind=WeChatOpenId.Kind.OFFICIAL_ACCOUNT, openid=OA_OPENID)
    booking = hold(room_type, user=user)
    api_client = Client()
    api_client.force_login(user)
    response = mini_pay(api_client, booking)
    assert response.status_code == 409
    assert response.json()["code"] == "wechat_sign_in_needed"
    assert not Payment.objects.exists() and not jsapi.requests


def test_the_mini_program_payment_is_refused_without_wechat_pay(mini, mini_guest, room_type, settings):
    booking = hold(room_type, user=mini_guest)
    response = mini_pay(mini, booking)
    assert (response.status_code, response.json()["code"]) == (422, "payment_unavailable")
    assert not Payment.objects.exists()


def test_the_mini_program_payment_is_refused_where_the_homestay_does_not_take_wechat_pay(
    mini, mini_guest, room_type, jsapi
):
    homestay_providers_set(homestay=room_type.homestay, providers=["at_homestay", "stripe_checkout"])
    booking = hold(room_type, user=mini_guest)
    response = mini_pay(mini, booking)
    assert (response.status_code, response.json()["code"]) == (422, "payment_unavailable")
    assert not jsapi.requests


def test_the_mini_program_is_asked_to_try_again_when_wechat_pay_cannot_be_reached(
    mini, mini_guest, room_type, jsapi
):
    jsapi.fail = [(500, "SYSTEM_ERROR")] * 2
    booking = hold(room_type, user=mini_guest)
    response = mini_pay(mini, booking)
    assert (response.status_code, response.json()["code"]) == (503, "payment_unavailable")
    assert fresh(booking).status == Status.HELD


def test_the_mini_program_cannot_pay_a_booking_paid_at_the_homestay_or_anothers(
    mini, mini_guest, room_type, jsapi
):
    at_homestay = hold(room_type, user=mini_guest, payment=Booking.Payment.AT_HOMESTAY)
    assert mini_pay(mini, at_homestay).json()["code"] == "illegal_transition"
    anothers = hold(factories.room_type(room_count=1), user=factories.user())
    assert mini_pay(mini, anothers).status_code == 404
    assert not jsapi.requests


def test_the_mini_program_payment_is_in_the_openapi_document(client):
    document = client.get("/api/openapi.json").json()
    operation = document["paths"]["/api/bookings/{reference}/wechat-pay"]["post"]
    assert "wx.requestPayment" in operation["description"]
    assert {"200", "401", "404", "409", "503"} <= set(operation["responses"])


def test_a_jsapi_payment_after_the_nights_went_to_someone_else_is_refunded(
    client, room_type, jsapi, clock, django_capture_on_commit_callbacks
):
    booking, payment = start(room_type, JSAPI_CLIENT)
    clock.advance(minutes=40)
    hold(room_type, payment=Booking.Payment.AT_HOMESTAY)  # the only room goes to someone else
    sent = jsapi.notification(jsapi.pay(payment.idempotency_key))
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            fake_wechat.NOTIFY_URL, data=sent.body, content_type="application/json", headers=sent.headers
        )
    assert answer.status_code == 204
    [refund] = Refund.objects.all()
    assert (refund.amount, refund.reason) == (Decimal("400.00"), Refund.Reason.BOOKING_UNAVAILABLE)
    [(_method, _path, refunded)] = jsapi.calls("/v3/refund/")
    assert refunded["transaction_id"] == fresh(payment).provider_payment_reference
    assert fresh(booking).status == Status.EXPIRED and fresh(payment).needs_attention
