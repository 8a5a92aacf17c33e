"""Shop orders paid online through the same providers, services and notifications as bookings: the real
provider clients against the local fakes of WeChat Pay and Alipay, and Stripe's fake HTTP client. A paid
order, a replay, another amount, money for an order cancelled or expired meanwhile (refunded by itself),
a refund on cancelling, and unpaid orders giving their stock back."""

import io
import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from bookings.ledger import Account, Kind, LedgerEntry
from bookings.payments.base import PaymentClient
from bookings.payments.models import Payment, Refund, WebhookEvent
from bookings.payments.payable_services import PayableRefused, payable_payment_start
from bookings.payments.services import PaymentStartTooSlow, provider_call_worst
from notifications.models import Notification
from shop import notices
from shop.errors import IllegalTransition
from shop.models import Order, Product
from shop.returns import order_return
from shop.services import PAY_WINDOW, Actor, order_act, orders_place
from shop.transitions import BUYER, PRODUCER, STAFF
from tests import factories
from tests.bookings.payments import fake_alipay, fake_wechat, fakes
from tests.shop import factories as shop_factories

pytestmark = pytest.mark.django_db
BACK = "https://lishi.example/shop/orders/back/"
DESKTOP = PaymentClient()


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


@pytest.fixture
def seller(db):
    return factories.user()


@pytest.fixture
def product(seller):
    return shop_factories.product(producer=shop_factories.producer(users=[seller]), price=Decimal("30.00"))


@pytest.fixture
def buyer(db):
    return factories.user()


def place(buyer, product, quantity: int = 2) -> Order:
    [order] = orders_place(user=buyer, items={product.pk: quantity}, fulfilment="pickup", pay_online=True)
    return order


def start(order: Order, provider: str | None = None) -> Payment:
    payment = payable_payment_start(
        payable=order.source_reference, provider=provider, success_url=BACK, cancel_url=BACK, client=DESKTOP
    )
    return fresh(payment)


def balances(order: Order) -> dict[str, Decimal]:
    rows = (
        LedgerEntry.objects.filter(source=order.source_reference).values("account").annotate(s=Sum("amount"))
    )
    return {row["account"]: row["s"] for row in rows}


def producer_told(order: Order) -> bool:
    return Notification.objects.filter(event=notices.PRODUCER_NEW, subject=f"shop:{order.reference}").exists()


@pytest.fixture
def deliver(client, django_capture_on_commit_callbacks):
    """WeChat Pay's notification to our endpoint, running what waits for the commit (refunds)."""

    def send(notification: fake_wechat.Notification):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                fake_wechat.NOTIFY_URL,
                data=notification.body,
                content_type="application/json",
                headers=notification.headers,
            )

    return send


@pytest.fixture
def started(buyer, product, wechat_api):
    order = place(buyer, product)
    return order, start(order)


# Placing and opening the payment


def test_an_online_order_holds_its_stock_until_it_is_paid_and_the_producer_hears_only_then(
    buyer, product, wechat_api
):
    order = place(buyer, product)
    assert fresh(product).stock == 8
    assert order.pays_online and not order.is_paid
    assert order.pay_by is not None
    assert timezone.now() + PAY_WINDOW - timedelta(minutes=1) < order.pay_by <= timezone.now() + PAY_WINDOW
    assert not producer_told(order)


def test_wechat_pay_is_asked_in_fen_for_the_order_naming_it(started, wechat_api):
    order, payment = started
    [(_method, _path, sent)] = wechat_api.calls("/v3/pay/transactions/")
    assert sent["out_trade_no"] == payment.idempotency_key == payment.provider_reference
    assert sent["amount"] == {"total": 6000, "currency": "CNY"}
    assert sent["attach"] == f"shop_order:{order.pk}"
    assert order.reference in sent["description"]
    assert (payment.payable, payment.booking_id) == (f"shop_order:{order.pk}", None)


def test_opening_it_again_answers_the_same_payment(started, wechat_api):
    order, payment = started
    assert start(order) == payment
    assert len(wechat_api.calls("/v3/pay/transactions/")) == 1


def test_an_order_paid_at_pickup_cannot_be_paid_online(buyer, product, wechat_api):
    [order] = orders_place(user=buyer, items={product.pk: 1}, fulfilment="pickup")
    with pytest.raises(PayableRefused):
        start(order)
    assert not Payment.objects.exists()


def test_without_online_providers_an_order_cannot_be_placed_to_pay_online(buyer, product, settings):
    settings.PAYMENT_PROVIDERS = ["bookings.payments.at_homestay.AtHomestay"]
    with pytest.raises(ValidationError, match="Online payment is not available"):
        place(buyer, product)
    assert fresh(product).stock == 10


# The money arrives


def test_the_notification_pays_the_order_posts_the_shop_ledger_and_tells_the_producer(
    deliver, started, wechat_api
):
    order, payment = started
    transaction = wechat_api.pay(payment.idempotency_key)
    assert deliver(wechat_api.notification(transaction)).status_code == 204
    payment, order = fresh(payment), fresh(order)
    assert order.is_paid
    assert (payment.status, payment.applied) == (Payment.Status.SUCCEEDED, True)
    assert payment.provider_payment_reference == transaction["transaction_id"]
    [entry] = LedgerEntry.objects.filter(source=order.source_reference, account=Account.CASH_PROVIDER)
    assert (entry.kind, entry.amount, entry.provider) == (
        Kind.PAYMENT_RECEIVED_SALE,
        Decimal("60.00"),
        "wechat_pay",
    )
    assert entry.booking_id is None
    assert producer_told(order)
    assert order.events.filter(action="pay", role="system").exists()


def test_a_replayed_notification_changes_nothing(deliver, started, wechat_api):
    order, payment = started
    notification = wechat_api.notification(wechat_api.pay(payment.idempotency_key), notification_id="n-1")
    deliver(notification)
    deliver(notification)
    deliver(wechat_api.notification(wechat_api.transaction(wechat_api.orders[payment.idempotency_key])))
    assert WebhookEvent.objects.filter(provider="wechat_pay", event_id="n-1").count() == 1
    assert LedgerEntry.objects.filter(source=order.source_reference).count() == 2
    assert balances(order) == {"cash_provider": Decimal("60.00"), "guest": Decimal("-60.00")}
    assert not Refund.objects.exists()


def test_another_amount_never_pays_the_order_and_is_refunded_at_once(deliver, started, wechat_api):
    order, payment = started
    deliver(wechat_api.notification(wechat_api.pay(payment.idempotency_key, total=100)))
    payment, order = fresh(payment), fresh(order)
    assert not order.is_paid
    assert (payment.applied, payment.needs_attention, payment.amount) == (False, True, Decimal("1.00"))
    [refund] = Refund.objects.all()
    assert (refund.amount, refund.payable, refund.booking_id) == (
        Decimal("1.00"),
        order.source_reference,
        None,
    )
    [(_method, _path, sent)] = wechat_api.calls("/v3/refund/")
    assert sent["amount"] == {"refund": 100, "total": 100, "currency": "CNY"}
    deliver(wechat_api.refund_notification(refund.idempotency_key))
    assert fresh(refund).status == Refund.Status.SUCCEEDED
    assert balances(order) == {"cash_provider": Decimal("0.00"), "guest": Decimal("0.00")}


def test_money_for_an_order_that_expired_meanwhile_is_refunded_automatically_and_flagged(
    deliver, started, wechat_api, product
):
    order, payment = started
    Order.objects.filter(pk=order.pk).update(pay_by=timezone.now() - timedelta(minutes=1))
    call_command("expire_holds", stdout=io.StringIO())
    assert fresh(order).status == Order.Status.CANCELLED
    assert fresh(product).stock == 10
    deliver(wechat_api.notification(wechat_api.pay(payment.idempotency_key)))
    payment = fresh(payment)
    assert not fresh(order).is_paid
    assert (payment.applied, payment.needs_attention) == (False, True)
    [refund] = Refund.objects.all()
    assert (refund.amount, refund.reason) == (Decimal("60.00"), Refund.Reason.PAYABLE_UNAVAILABLE)
    assert refund.provider_reference  # sent to WeChat Pay
    deliver(wechat_api.refund_notification(refund.idempotency_key))
    assert balances(order) == {"cash_provider": Decimal("0.00"), "guest": Decimal("0.00")}
    assert not producer_told(order)


def test_a_second_payment_of_a_paid_order_goes_back(
    deliver, buyer, product, wechat_api, alipay_api, settings
):
    settings.PAYMENT_PROVIDERS = [
        "bookings.payments.at_homestay.AtHomestay",
        "bookings.payments.wechat_pay.WeChatPay",
        "bookings.payments.alipay.Alipay",
    ]
    order = place(buyer, product)
    by_wechat = start(order, "wechat_pay")
    by_alipay = start(order, "alipay")
    alipay_api.open_page(by_alipay.redirect_url)
    deliver(wechat_api.notification(wechat_api.pay(by_wechat.idempotency_key)))
    trade = alipay_api.pay(by_alipay.idempotency_key)
    from django.test import Client

    Client().post(fake_alipay.NOTIFY_URL, data=alipay_api.notification(trade))
    assert fresh(by_wechat).applied and not fresh(by_alipay).applied
    [refund] = Refund.objects.filter(payment=by_alipay)
    assert refund.amount == Decimal("60.00")
    assert fresh(by_alipay).needs_attention


# Cancelling and expiring


def test_cancelling_a_paid_order_refunds_it_through_wechat_pay(
    deliver, started, wechat_api, product, django_capture_on_commit_callbacks
):
    order, payment = started
    deliver(wechat_api.notification(wechat_api.pay(payment.idempotency_key)))
    with django_capture_on_commit_callbacks(execute=True):
        order_act(order=order, action="cancel", actor=Actor(BUYER, order.user))
    assert fresh(product).stock == 10
    [refund] = Refund.objects.all()
    assert (refund.amount, refund.reason, refund.status) == (
        Decimal("60.00"),
        Refund.Reason.CANCELLATION,
        Refund.Status.PENDING,
    )
    [(_method, _path, sent)] = wechat_api.calls("/v3/refund/")
    assert sent["out_refund_no"] == refund.idempotency_key
    assert sent["amount"] == {"refund": 6000, "total": 6000, "currency": "CNY"}
    assert balances(order) == {"cash_provider": Decimal("60.00"), "guest": Decimal("-60.00")}
    deliver(wechat_api.refund_notification(refund.idempotency_key))
    assert fresh(refund).status == Refund.Status.SUCCEEDED
    assert balances(order) == {"cash_provider": Decimal("0.00"), "guest": Decimal("0.00")}
    # Cancelling again sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        order_act(order=order, action="cancel", actor=Actor(BUYER, order.user))
    assert Refund.objects.count() == 1


def test_cancelling_an_unpaid_order_closes_its_payment_at_the_provider(
    started, wechat_api, django_capture_on_commit_callbacks
):
    order, payment = started
    with django_capture_on_commit_callbacks(execute=True):
        order_act(order=order, action="cancel", actor=Actor(BUYER, order.user))
    assert fresh(payment).status == Payment.Status.EXPIRED
    assert wechat_api.calls(f"/v3/pay/transactions/out-trade-no/{payment.idempotency_key}/close")
    assert not Refund.objects.exists()


def test_an_unpaid_order_never_blocks_a_sale_whether_or_not_the_job_ran(buyer, product, wechat_api):
    first = place(buyer, product, quantity=10)
    assert fresh(product).stock == 0
    Order.objects.filter(pk=first.pk).update(pay_by=timezone.now() - timedelta(seconds=1))
    second = place(factories.user(), product, quantity=10)  # no job has run
    assert fresh(first).status == Order.Status.CANCELLED
    assert fresh(first).events.filter(action="expire").exists()
    assert fresh(second).status == Order.Status.PLACED
    assert fresh(product).stock == 0


def test_an_order_in_its_time_to_pay_is_not_expired(buyer, product, wechat_api):
    order = place(buyer, product)
    call_command("expire_holds", stdout=io.StringIO())
    assert fresh(order).status == Order.Status.PLACED
    assert fresh(product).stock == 8


def test_the_producer_cannot_pack_or_take_cash_for_an_order_waiting_for_its_online_payment(started, seller):
    order, _payment = started
    for action in ("pack", "pay"):
        with pytest.raises(IllegalTransition):
            order_act(order=order, action=action, actor=Actor(PRODUCER, seller))


def test_an_expired_order_cannot_be_paid(buyer, product, wechat_api):
    order = place(buyer, product)
    Order.objects.filter(pk=order.pk).update(pay_by=timezone.now() - timedelta(seconds=1))
    with pytest.raises(PayableRefused, match="time to pay is over"):
        start(fresh(order))


# The other providers


def test_stripe_checkout_names_the_order_and_its_completed_session_pays_it(
    buyer, product, stripe_api, client, django_capture_on_commit_callbacks
):
    order = place(buyer, product)
    payment = start(order, "stripe_checkout")
    [sent] = stripe_api.calls("/v1/checkout/sessions")
    assert sent.params["metadata[payable]"] == order.source_reference
    assert sent.params["metadata[payment]"] == str(payment.pk)
    assert "metadata[booking]" not in sent.params
    assert sent.params["client_reference_id"] == order.reference
    session = {
        "id": payment.provider_reference,
        "object": "checkout.session",
        "payment_status": "paid",
        "payment_intent": "pi_shop_1",
        "amount_total": 6000,
        "currency": "cny",
        "metadata": {"payable": order.source_reference, "payment": str(payment.pk)},
    }
    payload = json.dumps(fakes.event("checkout.session.completed", session))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            fakes.WEBHOOK_URL,
            data=payload,
            content_type="application/json",
            headers={"Stripe-Signature": fakes.signed(payload)},
        )
    assert response.status_code == 200
    assert fresh(order).is_paid
    with django_capture_on_commit_callbacks(execute=True):
        order_act(order=order, action="cancel", actor=Actor(BUYER, buyer))
    [refund_call] = stripe_api.calls("/v1/refunds")
    assert refund_call.params["payment_intent"] == "pi_shop_1"
    assert refund_call.params["metadata[payable]"] == order.source_reference


def test_alipay_pays_the_order(buyer, product, alipay_api, client):
    order = place(buyer, product)
    payment = start(order, "alipay")
    page = alipay_api.open_page(payment.redirect_url)
    assert page["biz_content"]["total_amount"] == "60.00"
    assert order.reference in page["biz_content"]["subject"]
    assert page["biz_content"]["passback_params"] == order.source_reference
    response = client.post(
        fake_alipay.NOTIFY_URL, data=alipay_api.notification(alipay_api.pay(payment.idempotency_key))
    )
    assert response.status_code == 200
    assert fresh(order).is_paid


# Pages and API


def test_checkout_offers_online_payment_and_the_order_page_its_providers(client, buyer, product, wechat_api):
    client.force_login(buyer)
    client.post(reverse("shop:product_detail", args=[product.pk]), {"quantity": 1})
    page = client.get(reverse("shop:checkout"))
    assert "在线支付" in page.content.decode()
    response = client.post(reverse("shop:checkout"), {"fulfilment": "pickup", "payment": "online"})
    order = Order.objects.get(user=buyer)
    assert response.url == reverse("shop:order", args=[order.reference])
    assert order.pays_online
    detail = client.get(response.url).content.decode()
    assert 'value="wechat_pay"' in detail
    paying = client.post(reverse("shop:order_pay", args=[order.reference]), {"provider": "wechat_pay"})
    assert paying.url == reverse("shop:order_wechat", args=[order.reference])
    code = client.get(paying.url)
    assert code.status_code == 200 and "data:image/png" in code.content.decode()


def test_the_order_page_asks_the_provider_when_the_notification_is_late(client, started, wechat_api):
    order, payment = started
    client.force_login(order.user)
    wechat_api.pay(payment.idempotency_key)  # paid, not notified
    page = client.get(reverse("shop:order", args=[order.reference])).content.decode()
    assert fresh(order).is_paid
    assert "已付款" in page


def test_the_api_pays_an_order_online_and_a_retry_answers_the_same(client, buyer, product, wechat_api):
    client.force_login(buyer)
    placed = client.post(
        "/api/orders",
        data={
            "items": [{"product_id": product.pk, "quantity": 1}],
            "fulfilment": "pickup",
            "pay_online": True,
        },
        content_type="application/json",
    )
    assert placed.status_code == 201
    [body] = placed.json()
    assert body["pays_online"] and body["pay_by"]
    path = f"/api/orders/{body['reference']}/pay"
    headers = {"Idempotency-Key": "pay-once"}
    first = client.post(
        path, data={"provider": "wechat_pay"}, content_type="application/json", headers=headers
    )
    again = client.post(
        path, data={"provider": "wechat_pay"}, content_type="application/json", headers=headers
    )
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert first.json()["checkout_url"].startswith("weixin://")
    assert Payment.objects.count() == 1


def test_the_api_refuses_to_pay_an_order_paid_at_pickup(client, buyer, product, wechat_api):
    [order] = orders_place(user=buyer, items={product.pk: 1}, fulfilment="pickup")
    client.force_login(buyer)
    response = client.post(f"/api/orders/{order.reference}/pay", data={}, content_type="application/json")
    assert response.status_code == 409
    assert response.json()["code"] == "not_payable"


def test_the_database_refuses_a_payment_of_nothing_or_of_two_things(started):
    from django.db import IntegrityError, transaction

    _order, payment = started
    for fields in ({"payable": ""}, {"booking_id": None, "payable": ""}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Payment.objects.filter(pk=payment.pk).update(**fields)
    assert Product.objects.exists()


def test_returning_an_order_paid_online_refunds_it_through_wechat_pay_not_in_cash(
    deliver, started, wechat_api, django_capture_on_commit_callbacks
):
    order, payment = started
    deliver(wechat_api.notification(wechat_api.pay(payment.idempotency_key)))
    seller = order.producer.users.get()
    for action in ("pack", "ready", "complete"):
        order_act(order=order, action=action, actor=Actor(PRODUCER, seller))
    staff = factories.user(is_staff=True)

    with django_capture_on_commit_callbacks(execute=True):
        order_return(order=order, actor=Actor(STAFF, staff), reason="枣子发霉", goods_back=False)

    [refund] = Refund.objects.all()
    assert (refund.amount, refund.payable) == (Decimal("60.00"), order.source_reference)
    [(_method, _path, sent)] = wechat_api.calls("/v3/refund/")
    assert sent["out_refund_no"] == refund.idempotency_key
    assert not LedgerEntry.objects.filter(source=order.source_reference, kind=Kind.SALE_REFUND).exists()
    deliver(wechat_api.refund_notification(refund.idempotency_key))
    assert LedgerEntry.objects.filter(source=order.source_reference, kind=Kind.SALE_REFUND).exists()
    assert set(balances(order).values()) == {Decimal("0.00")}  # sale reversed, money back: nothing owed


def test_reopening_an_orders_payment_while_wechat_pay_is_slow_is_refused_in_time_and_changes_nothing(
    buyer, product, wechat_api, settings
):
    """The start's one deadline holds for orders as for bookings. A QR payment opened on a computer and
    opened again inside WeChat by a buyer signed in through the official account does not fit there
    (``payment_fits``), so it is asked about, closed and replaced; when the query answers too late for a
    close to finish in time, nothing more is asked and the first payment stays open."""
    settings.PAYMENT_PROVIDER_READ_TIMEOUT = 3
    settings.PAYMENT_START_DEADLINE = provider_call_worst() + 1
    order = place(buyer, product)
    opened = start(order)
    in_wechat = PaymentClient(mobile=True, in_wechat=True, openid="o-buyer", appid="wx0fa0000000000001")
    wechat_api.delay = 1.5  # slower than the deadline's spare second, within the read timeout

    with pytest.raises(PaymentStartTooSlow):
        payable_payment_start(
            payable=order.source_reference, success_url=BACK, cancel_url=BACK, client=in_wechat
        )

    wechat_api.delay = 0
    assert not wechat_api.calls(f"/v3/pay/transactions/out-trade-no/{opened.idempotency_key}/close")
    assert len(wechat_api.calls("/v3/pay/transactions/native")) == 1  # the first one only
    assert fresh(opened).status == Payment.Status.PENDING
    assert fresh(order).status == Order.Status.PLACED
