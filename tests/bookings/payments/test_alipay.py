"""Alipay: the real ``alipay`` client against a local fake gateway that signs like Alipay (RSA2) with
keys made for the test run. The same guarantees as Stripe's and WeChat Pay's."""

import threading
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.backends.sqlite3.creation import DatabaseCreation as SQLiteCreation
from django.test import RequestFactory
from django.urls import reverse

from bookings.activity import Action
from bookings.ledger import Kind, LedgerEntry, ledger_balances
from bookings.models import Booking
from bookings.payments import alipay
from bookings.payments.base import PaymentClient, providers_enabled
from bookings.payments.models import Payment, Refund, WebhookEvent
from bookings.payments.services import payment_start, refund_for_cancellation
from bookings.services import booking_cancel
from tests import factories
from tests.bookings.helpers import hold
from tests.bookings.payments import fake_alipay
from tests.bookings.payments.conftest import (
    CANCEL_URL,
    DUMMY_TASKS,
    PAID_NOTICES,
    SUCCESS_URL,
    notices,
    queued_refunds,
)

pytestmark = pytest.mark.django_db
Status = Booking.Status
NOTIFY = fake_alipay.NOTIFY_URL
PAID = {"cash_provider": Decimal("400.00"), "guest": Decimal("0.00"), "owner_payable": Decimal("-400.00")}
SETTLED = {"cash_provider": Decimal("0.00"), "guest": Decimal("0.00"), "owner_payable": Decimal("0.00")}
PHONE = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/130.0 Mobile Safari/537.36"


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def start(room_type, client: PaymentClient | None = None, **fields) -> tuple[Booking, Payment]:
    booking = hold(room_type, **fields)
    payment = payment_start(booking=booking, success_url=SUCCESS_URL, cancel_url=CANCEL_URL, client=client)
    return booking, fresh(payment)


@pytest.fixture
def started(room_type, alipay_api):
    """A booking whose guest opened Alipay's page (so Alipay knows the trade)."""
    booking, payment = start(room_type)
    alipay_api.open_page(payment.redirect_url)
    return booking, payment


@pytest.fixture
def deliver(client, django_capture_on_commit_callbacks):
    def send(params: dict):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(NOTIFY, data=params)

    return send


def paid(alipay_api, payment, **options) -> dict:
    return alipay_api.notification(alipay_api.pay(payment.idempotency_key), **options)


# Opening the payment


def test_a_desktop_payment_is_alipays_page_pay_signed_by_the_app(started, alipay_api, settings):
    booking, payment = started
    page = alipay_api.open_page(payment.redirect_url)
    assert page["method"] == "alipay.trade.page.pay"
    assert page["biz_content"]["product_code"] == "FAST_INSTANT_TRADE_PAY"
    assert page["biz_content"]["total_amount"] == "400.00"
    assert page["biz_content"]["out_trade_no"] == payment.idempotency_key == payment.provider_reference
    assert page["notify_url"] == settings.SITE_URL.rstrip("/") + NOTIFY
    assert page["return_url"] == SUCCESS_URL
    assert booking.reference in page["biz_content"]["subject"]
    assert "张三" not in payment.redirect_url


def test_a_phone_payment_is_mobile_web_pay(room_type, alipay_api, client):
    booking = hold(room_type)
    response = client.post(reverse("payments:start", args=[booking.reference]), headers={"User-Agent": PHONE})
    assert response.status_code == 303
    page = alipay_api.open_page(response["Location"])
    assert page["method"] == "alipay.trade.wap.pay"
    assert page["biz_content"]["product_code"] == "QUICK_WAP_PAY"
    assert "/payments/" in page["biz_content"]["quit_url"]


def test_yuan_are_exact():
    assert alipay.yuan(Decimal("400.00")) == "400.00"
    with pytest.raises(ValueError, match="fen"):
        alipay.yuan(Decimal("0.005"))


def test_without_keys_alipay_is_not_offered(settings, alipay_api, client):
    settings.ALIPAY_PUBLIC_KEY = ""
    assert alipay.PROVIDER not in providers_enabled()
    assert client.post(NOTIFY, data={}).status_code == 404


# Notifications


def test_a_payment_notification_confirms_the_booking(deliver, room_type, alipay_api, people):
    booking, payment = start(room_type, user=people)
    alipay_api.open_page(payment.redirect_url)
    response = deliver(paid(alipay_api, payment))
    assert (response.status_code, response.content) == (200, b"success")
    payment = fresh(payment)
    assert fresh(booking).status == Status.CONFIRMED
    assert payment.applied
    assert payment.provider_payment_reference.startswith("2026090122001")
    assert ledger_balances(booking=booking) == PAID
    assert booking.events.filter(action=Action.PAID, source="webhook").exists()
    assert notices(booking) == PAID_NOTICES


def test_a_replayed_notification_changes_nothing(deliver, started, alipay_api):
    booking, payment = started
    notification = paid(alipay_api, payment, notify_id="once")
    deliver(notification)
    assert deliver(notification).content == b"success"
    assert WebhookEvent.objects.filter(provider="alipay", event_id="once").count() == 1
    assert LedgerEntry.objects.filter(booking=booking, kind=Kind.PAYMENT_RECEIVED).count() == 2


def test_a_notification_signed_by_another_key_is_refused(deliver, started, alipay_api, alipay_keys):
    _booking, payment = started
    response = deliver(paid(alipay_api, payment, signer=alipay_keys.stranger))
    assert response.status_code == 400
    assert fresh(payment).status == Payment.Status.PENDING
    assert not WebhookEvent.objects.exists()


def test_a_notification_changed_after_signing_is_refused(deliver, started, alipay_api):
    _booking, payment = started
    notification = paid(alipay_api, payment)
    assert deliver({**notification, "total_amount": "0.01"}).status_code == 400
    assert fresh(payment).status == Payment.Status.PENDING


def test_a_stale_notification_is_refused(deliver, started, alipay_api):
    _booking, payment = started
    old = datetime.now(UTC) - timedelta(days=3)
    assert deliver(paid(alipay_api, payment, notify_time=old)).status_code == 400
    assert fresh(payment).status == Payment.Status.PENDING


def test_a_notification_for_another_app_is_refused(deliver, started, alipay_api):
    _booking, payment = started
    assert deliver(paid(alipay_api, payment, app_id="2021999999999999")).status_code == 400


def test_a_notification_without_a_signature_is_refused(deliver, started, alipay_api):
    _booking, payment = started
    notification = paid(alipay_api, payment)
    del notification["sign"]
    assert deliver(notification).status_code == 400


def test_another_amount_never_confirms_and_is_refunded(deliver, started, alipay_api):
    booking, payment = started
    alipay_api.pay(payment.idempotency_key, amount="1.00")
    deliver(alipay_api.notification(alipay_api.trades[payment.idempotency_key]))
    payment = fresh(payment)
    [refund] = Refund.objects.all()
    assert fresh(booking).status == Status.HELD
    assert payment.needs_attention and not payment.applied
    assert (refund.amount, refund.status) == (Decimal("1.00"), Refund.Status.SUCCEEDED)
    assert alipay_api.calls("alipay.trade.refund")[0]["refund_amount"] == "1.00"
    assert ledger_balances(booking=booking) == {"cash_provider": Decimal("0.00"), "guest": Decimal("0.00")}


def test_another_amounts_refund_is_sent_by_the_worker_after_the_notification_is_answered(
    deliver, room_type, alipay_api, settings, people
):
    settings.TASKS = DUMMY_TASKS  # a queue nobody works on yet
    booking, payment = start(room_type, user=people)
    alipay_api.open_page(payment.redirect_url)
    alipay_api.pay(payment.idempotency_key, amount="1.00")

    response = deliver(alipay_api.notification(alipay_api.trades[payment.idempotency_key]))

    assert (response.status_code, response.content) == (200, b"success")
    assert alipay_api.calls("alipay.trade.refund") == []
    [queued] = queued_refunds()
    assert queued.task.call(*queued.args) == 1  # what the worker runs
    [sent] = alipay_api.calls("alipay.trade.refund")
    assert sent["refund_amount"] == "1.00"
    assert Refund.objects.get().status == Refund.Status.SUCCEEDED
    assert notices(booking) == [("booking.refund_completed", "guest")]  # Alipay moved the money at once


def test_a_payment_after_the_hold_expired_for_nights_taken_is_refunded(
    deliver, started, alipay_api, clock, room_type
):
    booking, payment = started
    clock.advance(minutes=40)
    hold(room_type, payment=Booking.Payment.AT_HOMESTAY)  # the only room goes to someone else
    deliver(paid(alipay_api, payment))
    [refund] = Refund.objects.all()
    assert fresh(booking).status == Status.EXPIRED
    assert (refund.reason, refund.status) == (Refund.Reason.BOOKING_UNAVAILABLE, Refund.Status.SUCCEEDED)
    assert set(ledger_balances(booking=booking).values()) == {Decimal("0.00")}


def test_a_closed_trade_after_the_payment_changes_nothing(deliver, room_type, alipay_api, people):
    """Alipay reports a paid trade closed (it ended, or a query raced the payment): the payment stays."""
    booking, payment = start(room_type, user=people)
    alipay_api.open_page(payment.redirect_url)
    trade = alipay_api.pay(payment.idempotency_key)
    deliver(alipay_api.notification(trade))
    ledger = ledger_balances(booking=booking)
    events = booking.events.count()

    response = deliver(alipay_api.notification({**trade, "trade_status": "TRADE_CLOSED"}))

    assert (response.status_code, response.content) == (200, b"success")
    assert fresh(payment).status == Payment.Status.SUCCEEDED
    assert fresh(booking).status == Status.CONFIRMED
    assert ledger_balances(booking=booking) == ledger == PAID
    assert booking.events.count() == events
    assert not Refund.objects.exists()
    assert notices(booking) == PAID_NOTICES


def test_a_closed_trade_then_a_late_payment_still_wins(deliver, started, alipay_api):
    booking, payment = started
    alipay.trade_apply({"out_trade_no": payment.idempotency_key, "trade_status": "TRADE_CLOSED"})
    assert fresh(payment).status == Payment.Status.EXPIRED
    deliver(paid(alipay_api, payment))
    assert fresh(booking).status == Status.CONFIRMED


# Queries and closing


def test_the_return_page_asks_alipay_when_the_notification_is_late(client, room_type, alipay_api, people):
    client.force_login(people)
    booking, payment = start(room_type, user=people)
    alipay_api.open_page(payment.redirect_url)
    alipay_api.pay(payment.idempotency_key)
    assert client.get(reverse("payments:done", args=[booking.reference])).status_code == 200
    assert fresh(booking).status == Status.CONFIRMED
    assert booking.events.filter(action=Action.PAID, source="system").exists()
    assert notices(booking) == PAID_NOTICES


def test_the_scheduled_sync_confirms_a_lost_payment_and_leaves_unopened_ones(
    room_type, alipay_api, clock, people
):
    booking, payment = start(room_type, user=people)  # the guest never opened Alipay's page
    other_room = factories.room_type(homestay=room_type.homestay)
    other, other_payment = start(other_room, user=people)
    alipay_api.open_page(other_payment.redirect_url)
    alipay_api.pay(other_payment.idempotency_key)
    clock.advance(minutes=3)
    call_command("expire_holds", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert fresh(other).status == Status.CONFIRMED
    assert fresh(payment).status == Payment.Status.PENDING
    assert fresh(booking).status == Status.HELD
    assert notices(other) == PAID_NOTICES
    assert notices(booking) == []


def test_cancelling_closes_the_trade(started, alipay_api):
    booking, payment = started
    refund_for_cancellation(booking=booking_cancel(booking=booking, by=Booking.Party.GUEST))
    assert alipay_api.trades[payment.idempotency_key]["trade_status"] == "TRADE_CLOSED"
    assert fresh(payment).status == Payment.Status.EXPIRED


def test_a_timeout_is_tried_again_and_then_given_up_in_time(started, alipay_api, settings):
    booking, payment = started
    alipay_api.pay(payment.idempotency_key)
    alipay_api.delay = 1.5
    began = time.monotonic()
    with pytest.raises(alipay.PaymentProviderError) as raised:
        alipay.Alipay().payment_sync(payment=payment)
    assert raised.value.retryable
    assert time.monotonic() - began < 3.5  # two tries of one second and a pause
    assert fresh(booking).status == Status.HELD


# Refunds


@pytest.fixture
def refunded(deliver, started, alipay_api):
    booking, payment = started
    deliver(paid(alipay_api, payment))
    [refund] = refund_for_cancellation(booking=booking_cancel(booking=booking, by=Booking.Party.GUEST))
    return booking, fresh(refund)


def test_a_cancellation_refund_succeeds_and_the_ledger_sums_to_zero(refunded, alipay_api, deliver):
    booking, refund = refunded
    [sent] = alipay_api.calls("alipay.trade.refund")
    assert (sent["refund_amount"], sent["out_request_no"]) == ("400.00", refund.idempotency_key)
    assert refund.status == Refund.Status.SUCCEEDED
    assert ledger_balances(booking=booking) == SETTLED
    assert deliver(alipay_api.refund_notification(refund.idempotency_key)).content == b"success"
    assert fresh(refund).status == Refund.Status.SUCCEEDED
    assert ledger_balances(booking=booking) == SETTLED  # the notification posts nothing twice
    assert booking.events.filter(action=Action.REFUND_COMPLETED).count() == 1


def test_a_refund_not_yet_moved_is_completed_by_its_notification(deliver, started, alipay_api):
    booking, payment = started
    deliver(paid(alipay_api, payment))
    alipay_api.fund_change = "N"
    original = alipay_api.answer

    def refund_query_finds_nothing(method, biz, token=""):
        if method == "alipay.trade.fastpay.refund.query":
            return {"code": "10000", "msg": "Success"}
        return original(method, biz, token)

    alipay_api.answer = refund_query_finds_nothing
    try:
        [refund] = refund_for_cancellation(booking=booking_cancel(booking=booking, by=Booking.Party.GUEST))
    finally:
        del alipay_api.answer
    assert (refund.status, refund.provider_reference) == (Refund.Status.PENDING, refund.idempotency_key)
    deliver(alipay_api.refund_notification(refund.idempotency_key))
    assert fresh(refund).status == Refund.Status.SUCCEEDED
    assert ledger_balances(booking=booking) == SETTLED


def test_a_refused_refund_fails_and_is_flagged(deliver, started, alipay_api):
    booking, payment = started
    deliver(paid(alipay_api, payment))
    alipay_api.fail = [("40004", "ACQ.SELLER_BALANCE_NOT_ENOUGH")]
    [refund] = refund_for_cancellation(booking=booking_cancel(booking=booking, by=Booking.Party.GUEST))
    assert refund.status == Refund.Status.FAILED
    assert refund.needs_attention
    assert ledger_balances(booking=booking)["cash_provider"] == Decimal("400.00")


def test_a_refund_that_timed_out_is_sent_again_as_the_same_refund(
    deliver, started, alipay_api, settings, clock
):
    booking, payment = started
    deliver(paid(alipay_api, payment))
    settings.PAYMENT_PROVIDER_RETRIES = 0
    alipay_api.delay = 1.5
    [refund] = refund_for_cancellation(booking=booking_cancel(booking=booking, by=Booking.Party.GUEST))
    assert (refund.status, refund.provider_reference) == (Refund.Status.PENDING, "")
    alipay_api.delay = 0
    time.sleep(0.6)  # the first request reaches Alipay after all
    clock.advance(minutes=5)
    call_command("expire_holds", stdout=open("/dev/null", "w"))  # noqa: SIM115
    refund = fresh(refund)
    assert refund.status == Refund.Status.SUCCEEDED
    assert len(alipay_api.refunds) == 1
    assert ledger_balances(booking=booking) == SETTLED


def test_a_refund_made_in_alipays_console_is_recorded_and_flagged(deliver, started, alipay_api):
    _booking, payment = started
    trade = alipay_api.pay(payment.idempotency_key)
    deliver(alipay_api.notification(trade))
    notification = alipay_api.notification(trade, out_biz_no="console-1", refund_fee="50.00")
    deliver(notification)
    [refund] = Refund.objects.all()
    assert (refund.amount, refund.reason, refund.needs_attention) == (
        Decimal("50.00"),
        Refund.Reason.OUTSIDE,
        True,
    )
    assert refund.status == Refund.Status.SUCCEEDED


# Deliveries racing for real


@pytest.fixture
def real_database(transactional_db):
    if connection.vendor == "sqlite" and SQLiteCreation.is_in_memory_db(connection.settings_dict["NAME"]):
        pytest.skip("并发测试需要SQLite数据库文件 Concurrency tests need an SQLite file (SQLITE_TEST_NAME)")


@pytest.mark.django_db(transaction=True)
def test_the_same_notification_delivered_several_times_at_once_is_handled_once(real_database, alipay_api):
    booking, payment = start(factories.room_type(room_count=1))
    alipay_api.open_page(payment.redirect_url)
    trade = alipay_api.pay(payment.idempotency_key)
    notifications = [alipay_api.notification(trade, notify_id="raced")] * 2 + [
        alipay_api.notification(trade) for _ in range(2)
    ]
    provider = alipay.Alipay()
    barrier = threading.Barrier(len(notifications))
    answers: list = [None] * len(notifications)

    def run(i: int) -> None:
        request = RequestFactory().post(NOTIFY, data=notifications[i])
        try:
            barrier.wait()
            answers[i] = provider.handle_webhook(request).status_code
        except Exception as error:  # the test inspects what each thread got
            answers[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(notifications))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert answers == [200] * len(notifications)
    assert WebhookEvent.objects.filter(event_id="raced").count() == 1
    assert LedgerEntry.objects.filter(booking=booking, kind=Kind.PAYMENT_RECEIVED).count() == 2
    assert not Refund.objects.exists()
