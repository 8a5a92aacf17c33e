"""WeChat Pay (API v3): the real ``wechatpayv3`` client against a local fake that signs and encrypts
like WeChat Pay, with keys made for the test run. The same guarantees as Stripe's: each notification
once, any order, amounts checked, a late payment for nights already taken refunded, timeouts."""

import json
import threading
import time
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
from bookings.payments import wechat_pay
from bookings.payments.base import PaymentClient, providers_enabled
from bookings.payments.models import Payment, Refund, WebhookEvent
from bookings.payments.services import (
    PaymentUnavailable,
    payment_start,
    payments_sync_due,
    refund_for_cancellation,
)
from bookings.services import booking_cancel
from tests import factories
from tests.bookings.helpers import hold
from tests.bookings.payments import fake_wechat
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
NOTIFY = fake_wechat.NOTIFY_URL
PAID = {"cash_provider": Decimal("400.00"), "guest": Decimal("0.00"), "owner_payable": Decimal("-400.00")}
SETTLED = {"cash_provider": Decimal("0.00"), "guest": Decimal("0.00"), "owner_payable": Decimal("0.00")}
PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"
DESKTOP = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36"


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def start(room_type, client: PaymentClient | None = None, **fields) -> tuple[Booking, Payment]:
    booking = hold(room_type, **fields)
    payment = payment_start(booking=booking, success_url=SUCCESS_URL, cancel_url=CANCEL_URL, client=client)
    return booking, fresh(payment)


@pytest.fixture
def started(room_type, wechat_api):
    return start(room_type)


@pytest.fixture
def deliver(client, django_capture_on_commit_callbacks):
    """Post a notification to our endpoint, running what waits for the commit (refunds)."""

    def send(notification: fake_wechat.Notification, body: str | None = None):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                NOTIFY,
                data=notification.body if body is None else body,
                content_type="application/json",
                headers=notification.headers,
            )

    return send


# Opening the payment


def test_a_desktop_payment_opens_a_native_order_in_fen_with_our_numbers(started, wechat_api, settings):
    booking, payment = started
    [(method, path, sent)] = wechat_api.calls("/v3/pay/transactions/")
    assert (method, path) == ("POST", "/v3/pay/transactions/native")
    assert sent["amount"] == {"total": 40000, "currency": "CNY"}
    assert sent["out_trade_no"] == payment.idempotency_key == payment.provider_reference
    assert sent["notify_url"] == settings.SITE_URL.rstrip("/") + NOTIFY
    assert sent["time_expire"].endswith("+08:00")
    assert sent["attach"] == booking.reference
    assert booking.reference in sent["description"]
    assert "张三" not in json.dumps(sent, ensure_ascii=False)
    assert payment.redirect_url.startswith("weixin://wxpay/bizpayurl?pr=")


def test_a_phone_payment_opens_an_h5_order_with_the_guests_address(room_type, wechat_api):
    _booking, payment = start(room_type, PaymentClient(mobile=True, ip="203.0.113.9"))
    [(_method, path, sent)] = wechat_api.calls("/v3/pay/transactions/")
    assert path == "/v3/pay/transactions/h5"
    assert sent["scene_info"]["payer_client_ip"] == "203.0.113.9"
    assert payment.redirect_url.startswith("https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=")
    assert "&redirect_url=https%3A%2F%2Flishi.example%2Fpayments%2Fdone%2F" in payment.redirect_url


def test_fen_are_exact():
    assert wechat_pay.fen(Decimal("400.00")) == 40000
    assert wechat_pay.fen(Decimal("0.01")) == 1
    with pytest.raises(ValueError, match="fen"):
        wechat_pay.fen(Decimal("1.005"))


def test_the_start_page_sends_a_phone_to_wechat_pays_h5_page(client, room_type, wechat_api):
    booking = hold(room_type)
    response = client.post(reverse("payments:start", args=[booking.reference]), headers={"User-Agent": PHONE})
    assert response.status_code == 303
    assert response["Location"].startswith("https://wx.tenpay.com/")


def test_the_start_page_shows_a_desktop_a_qr_code_that_is_paid_by_i_have_paid(
    client, room_type, wechat_api, people
):
    client.force_login(people)
    booking = hold(room_type, user=people)
    response = client.post(
        reverse("payments:start", args=[booking.reference]), headers={"User-Agent": DESKTOP}
    )
    assert response.status_code == 303
    code_page = response["Location"]
    assert reverse("payments:wechat_code", args=[booking.reference]) in code_page
    page = client.get(code_page)
    assert page.status_code == 200
    assert b'src="data:image/png;base64,' in page.content
    assert "我已付款".encode() in page.content
    payment = Payment.objects.get(booking=booking)
    wechat_api.pay(payment.idempotency_key)  # the notification is lost: "I have paid" asks
    paid = client.post(code_page)
    assert paid.status_code == 303
    assert reverse("payments:done", args=[booking.reference]) in paid["Location"]
    assert fresh(booking).status == Status.CONFIRMED
    assert ledger_balances(booking=booking) == PAID
    assert notices(booking) == PAID_NOTICES


def test_i_have_paid_before_paying_says_so_and_keeps_the_code(client, room_type, wechat_api):
    booking = hold(room_type)
    response = client.post(
        reverse("payments:start", args=[booking.reference]), headers={"User-Agent": DESKTOP}
    )
    page = client.post(response["Location"])
    assert page.status_code == 200
    assert "暂未收到付款结果".encode() in page.content
    assert fresh(booking).status == Status.HELD


def test_the_return_page_asks_wechat_pay_when_the_notification_is_late(client, room_type, wechat_api, people):
    client.force_login(people)
    booking, payment = start(room_type, user=people)
    wechat_api.pay(payment.idempotency_key)
    response = client.get(reverse("payments:done", args=[booking.reference]))
    assert response.status_code == 200
    assert fresh(booking).status == Status.CONFIRMED
    assert fresh(payment).provider_payment_reference.startswith("42000")
    assert booking.events.filter(action=Action.PAID, source="system").exists()
    assert notices(booking) == PAID_NOTICES


def test_the_scheduled_sync_confirms_a_payment_whose_notification_was_lost(
    room_type, wechat_api, clock, people
):
    booking, payment = start(room_type, user=people)
    wechat_api.pay(payment.idempotency_key)
    assert payments_sync_due() == 0  # opened just now: the notification is still expected
    clock.advance(minutes=3)
    call_command("expire_holds", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert fresh(booking).status == Status.CONFIRMED
    assert ledger_balances(booking=booking) == PAID
    assert notices(booking) == PAID_NOTICES


def test_a_timeout_asks_the_guest_to_try_again_and_the_retry_opens_no_second_order(
    room_type, wechat_api, settings
):
    settings.PAYMENT_PROVIDER_RETRIES = 0
    booking = hold(room_type)
    wechat_api.delay = 1.5  # longer than the read timeout (1 s in the tests)
    began = time.monotonic()
    with pytest.raises(PaymentUnavailable):
        payment_start(booking=booking, success_url=SUCCESS_URL, cancel_url=CANCEL_URL)
    assert time.monotonic() - began < 2.5
    wechat_api.delay = 0
    payment = payment_start(booking=fresh(booking), success_url=SUCCESS_URL, cancel_url=CANCEL_URL)
    time.sleep(0.6)  # the first request reaches the fake after all
    assert Payment.objects.filter(booking=booking).count() == 1
    assert len(wechat_api.orders) == 1
    assert len(wechat_api.calls("/v3/pay/transactions/native")) == 2
    assert payment.provider_reference == payment.idempotency_key


def test_a_server_error_is_tried_again_once(room_type, wechat_api):
    wechat_api.fail = [(500, "SYSTEM_ERROR")]
    _booking, payment = start(room_type)
    assert payment.redirect_url.startswith("weixin://")
    assert len(wechat_api.calls("/v3/pay/transactions/native")) == 2


def test_a_refused_order_fails_the_payment(room_type, wechat_api):
    wechat_api.fail = [(400, "PARAM_ERROR")]
    booking = hold(room_type)
    with pytest.raises(PaymentUnavailable):
        payment_start(booking=booking, success_url=SUCCESS_URL, cancel_url=CANCEL_URL)
    payment = Payment.objects.get(booking=booking)
    assert payment.status == Payment.Status.FAILED
    assert "PARAM_ERROR" in payment.attention_note


def test_an_answer_not_signed_by_wechat_pay_is_not_trusted(room_type, wechat_api, settings, wechat_keys):
    settings.WECHATPAY_PUBLIC_KEY = fake_wechat._pem_public(wechat_keys.stranger.public_key())
    booking = hold(room_type)
    with pytest.raises(PaymentUnavailable):
        payment_start(booking=booking, success_url=SUCCESS_URL, cancel_url=CANCEL_URL)
    assert not Payment.objects.get(booking=booking).provider_reference


def test_without_keys_wechat_pay_is_not_offered(settings, wechat_api, client, db):
    settings.WECHATPAY_APIV3_KEY = ""
    assert wechat_pay.PROVIDER not in providers_enabled()
    assert client.post(NOTIFY, data="{}", content_type="application/json").status_code == 404


# Notifications


def test_a_payment_notification_confirms_the_booking_records_and_tells(
    deliver, started, wechat_api, monkeypatch
):
    booking, payment = started
    told: list[tuple[str, Decimal]] = []
    monkeypatch.setattr(
        "bookings.payments.services.payment_received_queue",
        lambda booking, *, payment_id, amount: told.append((booking.reference, amount)),
    )
    transaction = wechat_api.pay(payment.idempotency_key)
    response = deliver(wechat_api.notification(transaction))
    assert response.status_code == 204
    payment = fresh(payment)
    assert fresh(booking).status == Status.CONFIRMED
    assert (payment.status, payment.applied) == (Payment.Status.SUCCEEDED, True)
    assert payment.provider_payment_reference == transaction["transaction_id"]
    assert payment.paid_at is not None
    assert ledger_balances(booking=booking) == PAID
    assert booking.events.filter(action=Action.PAID, source="webhook").exists()
    assert told == [(booking.reference, Decimal("400.00"))]


def test_a_replayed_notification_is_answered_and_changes_nothing(deliver, started, wechat_api):
    booking, payment = started
    notification = wechat_api.notification(wechat_api.pay(payment.idempotency_key), notification_id="n-once")
    assert deliver(notification).status_code == 204
    assert deliver(notification).status_code == 204
    assert WebhookEvent.objects.filter(provider="wechat_pay", event_id="n-once").count() == 1
    assert LedgerEntry.objects.filter(booking=booking, kind=Kind.PAYMENT_RECEIVED).count() == 2
    assert ledger_balances(booking=booking) == PAID


def test_the_same_payment_notified_again_under_a_new_id_is_recorded_once(deliver, started, wechat_api):
    booking, payment = started
    transaction = wechat_api.pay(payment.idempotency_key)
    deliver(wechat_api.notification(transaction))
    deliver(wechat_api.notification(transaction))
    assert WebhookEvent.objects.filter(provider="wechat_pay").count() == 2
    assert LedgerEntry.objects.filter(booking=booking, kind=Kind.PAYMENT_RECEIVED).count() == 2
    assert not Refund.objects.exists()


def test_a_notification_signed_by_another_key_is_refused(deliver, started, wechat_api, wechat_keys):
    _booking, payment = started
    notification = wechat_api.notification(
        wechat_api.pay(payment.idempotency_key), signer=wechat_keys.stranger
    )
    response = deliver(notification)
    assert response.status_code == 400
    assert response.json()["code"] == "FAIL"
    assert fresh(payment).status == Payment.Status.PENDING
    assert not WebhookEvent.objects.exists()


def test_a_stale_notification_is_refused(deliver, started, wechat_api):
    _booking, payment = started
    stale = int(time.time()) - 600
    response = deliver(wechat_api.notification(wechat_api.pay(payment.idempotency_key), timestamp=stale))
    assert response.status_code == 400
    assert fresh(payment).status == Payment.Status.PENDING


def test_a_body_changed_after_signing_is_refused(deliver, started, wechat_api):
    _booking, payment = started
    notification = wechat_api.notification(wechat_api.pay(payment.idempotency_key))
    changed = notification.body.replace("TRANSACTION.SUCCESS", "TRANSACTION.SUCCESS ")
    assert deliver(notification, body=changed).status_code == 400
    assert fresh(payment).status == Payment.Status.PENDING


def test_a_notification_not_encrypted_with_our_apiv3_key_is_refused(deliver, started, wechat_api):
    _booking, payment = started
    other_key = "fedcba9876543210fedcba9876543210"
    notification = wechat_api.notification(wechat_api.pay(payment.idempotency_key), apiv3_key=other_key)
    assert deliver(notification).status_code == 400
    assert fresh(payment).status == Payment.Status.PENDING


def test_a_notification_naming_an_unknown_platform_key_is_refused(deliver, started, wechat_api):
    _booking, payment = started
    wechat_api.serial = "PUB_KEY_ID_SOMEONE_ELSE"
    assert deliver(wechat_api.notification(wechat_api.pay(payment.idempotency_key))).status_code == 400
    assert not wechat_api.calls("/v3/certificates")  # refused without asking WeChat Pay


def test_a_notification_for_an_order_of_nobody_is_answered(deliver, wechat_api, db):
    resource = {
        "out_trade_no": "nobody",
        "trade_state": "SUCCESS",
        "transaction_id": "4200",
        "amount": {"total": 1},
    }
    assert deliver(wechat_api.notification(resource)).status_code == 204
    assert not Payment.objects.exists()


def test_a_notification_without_an_amount_is_refused_and_not_recorded(deliver, started, wechat_api):
    _booking, payment = started
    resource = {"out_trade_no": payment.idempotency_key, "trade_state": "SUCCESS", "transaction_id": "4200"}
    assert deliver(wechat_api.notification(resource)).status_code == 400
    assert not WebhookEvent.objects.exists()
    assert fresh(payment).status == Payment.Status.PENDING


def test_the_notification_page_only_takes_post(client, wechat_api):
    assert client.get(NOTIFY).status_code == 405


def test_certificate_mode_verifies_with_the_platform_certificate(
    deliver, room_type, wechat_api, wechat_keys, settings, tmp_path
):
    settings.WECHATPAY_PUBLIC_KEY = settings.WECHATPAY_PUBLIC_KEY_ID = ""
    settings.WECHATPAY_CERT_DIR = fake_wechat.certificate_dir(wechat_keys, str(tmp_path / "certs"))
    wechat_api.serial = wechat_keys.certificate_serial
    booking, payment = start(room_type)
    assert deliver(wechat_api.notification(wechat_api.pay(payment.idempotency_key))).status_code == 204
    assert fresh(booking).status == Status.CONFIRMED
    assert not wechat_api.calls("/v3/certificates")


# Money that does not fit


def test_another_amount_never_confirms_and_is_refunded(deliver, started, wechat_api):
    booking, payment = started
    deliver(wechat_api.notification(wechat_api.pay(payment.idempotency_key, total=100)))
    payment = fresh(payment)
    [refund] = Refund.objects.all()
    assert fresh(booking).status == Status.HELD
    assert payment.needs_attention and not payment.applied
    assert payment.amount == Decimal("1.00")
    assert refund.amount == Decimal("1.00")
    [(_method, _path, sent)] = wechat_api.calls("/v3/refund/")
    assert sent["amount"] == {"refund": 100, "total": 100, "currency": "CNY"}
    deliver(wechat_api.refund_notification(refund.idempotency_key))
    assert ledger_balances(booking=booking) == {"cash_provider": Decimal("0.00"), "guest": Decimal("0.00")}


@pytest.mark.parametrize(
    ("fen", "currency", "received"), [(40000, "HKD", "400.00 HKD"), (5600, "USD", "56.00 USD")]
)
def test_a_payment_in_another_currency_never_confirms_and_is_left_to_staff(
    deliver, room_type, wechat_api, people, fen, currency, received
):
    booking, payment = start(room_type, user=people)
    held_until = fresh(booking).hold_expires_at

    response = deliver(
        wechat_api.notification(wechat_api.pay(payment.idempotency_key, total=fen, currency=currency))
    )

    booking, payment = fresh(booking), fresh(payment)
    assert response.status_code == 204
    assert (booking.status, booking.hold_expires_at, booking.paid_at) == (Status.HELD, held_until, None)
    assert (payment.status, payment.applied, payment.needs_attention) == (
        Payment.Status.SUCCEEDED,
        False,
        True,
    )
    assert f"{payment.amount} {payment.currency}" == received
    assert received in payment.attention_note and "人工" in payment.attention_note
    assert not Refund.objects.exists()
    assert wechat_api.calls("/v3/refund/") == []
    assert ledger_balances(booking=booking) == {}  # the ledger is kept in CNY
    assert booking.events.filter(action=Action.PAYMENT_FLAGGED).exists()
    assert notices(booking) == []  # nobody is told the booking is paid


def test_a_payment_after_the_hold_expired_for_nights_taken_is_refunded(
    deliver, started, wechat_api, clock, room_type
):
    booking, payment = started
    clock.advance(minutes=40)
    hold(room_type, payment=Booking.Payment.AT_HOMESTAY)  # the only room goes to someone else
    deliver(wechat_api.notification(wechat_api.pay(payment.idempotency_key)))
    payment = fresh(payment)
    [refund] = Refund.objects.all()
    assert fresh(booking).status == Status.EXPIRED
    assert payment.needs_attention and not payment.applied
    assert (refund.amount, refund.reason) == (Decimal("400.00"), Refund.Reason.BOOKING_UNAVAILABLE)
    assert refund.provider_reference.startswith("50000")
    deliver(wechat_api.refund_notification(refund.idempotency_key))
    assert fresh(refund).status == Refund.Status.SUCCEEDED
    assert set(ledger_balances(booking=booking).values()) == {Decimal("0.00")}


def test_a_late_payments_refund_is_sent_by_the_worker_and_the_notification_answers_at_once(
    deliver, wechat_api, clock, room_type, settings, people
):
    settings.TASKS = DUMMY_TASKS  # a queue nobody works on yet
    booking, payment = start(room_type, user=people)
    clock.advance(minutes=40)
    hold(room_type, payment=Booking.Payment.AT_HOMESTAY)  # the only room goes to someone else

    response = deliver(wechat_api.notification(wechat_api.pay(payment.idempotency_key)))

    assert response.status_code == 204
    assert wechat_api.calls("/v3/refund/") == []  # WeChat Pay's refund API was not waited for
    [refund] = Refund.objects.all()
    assert (refund.status, refund.provider_reference) == (Refund.Status.PENDING, "")
    [queued] = queued_refunds()
    assert queued.args == [booking.pk]

    assert queued.task.call(*queued.args) == 1  # what the worker runs

    [(_method, _path, sent)] = wechat_api.calls("/v3/refund/")
    assert sent["out_refund_no"] == refund.idempotency_key
    assert fresh(refund).provider_reference.startswith("50000")
    assert ("booking.refund_sent", "guest") in notices(booking)
    assert queued.task.call(*queued.args) == 0  # run twice: nothing is sent again
    assert len(wechat_api.calls("/v3/refund/")) == 1


def test_a_refund_the_worker_never_sent_is_sent_by_the_scheduled_job(
    deliver, started, wechat_api, clock, settings
):
    settings.TASKS = DUMMY_TASKS
    _booking, payment = started
    deliver(wechat_api.notification(wechat_api.pay(payment.idempotency_key, total=100)))
    assert wechat_api.calls("/v3/refund/") == []
    clock.advance(minutes=3)

    call_command("expire_holds", stdout=open("/dev/null", "w"))  # noqa: SIM115

    [(_method, _path, sent)] = wechat_api.calls("/v3/refund/")
    assert sent["amount"] == {"refund": 100, "total": 100, "currency": "CNY"}
    assert Refund.objects.get().provider_reference.startswith("50000")


def test_a_payment_after_the_order_was_closed_still_wins(deliver, started, wechat_api):
    booking, payment = started
    wechat_pay.transaction_apply({"out_trade_no": payment.idempotency_key, "trade_state": "CLOSED"})
    assert fresh(payment).status == Payment.Status.EXPIRED
    deliver(wechat_api.notification(wechat_api.pay(payment.idempotency_key)))
    assert fresh(payment).status == Payment.Status.SUCCEEDED
    assert fresh(booking).status == Status.CONFIRMED


def test_cancelling_an_unpaid_booking_closes_the_order(started, wechat_api):
    booking, payment = started
    refund_for_cancellation(booking=booking_cancel(booking=booking, by=Booking.Party.GUEST))
    assert wechat_api.calls(f"/v3/pay/transactions/out-trade-no/{payment.idempotency_key}/close")
    assert wechat_api.orders[payment.idempotency_key]["trade_state"] == "CLOSED"
    assert fresh(payment).status == Payment.Status.EXPIRED


# Refunds


@pytest.fixture
def refunded(deliver, started, wechat_api):
    """A paid booking cancelled by its guest a week ahead (everything back)."""
    booking, payment = started
    deliver(wechat_api.notification(wechat_api.pay(payment.idempotency_key)))
    [refund] = refund_for_cancellation(booking=booking_cancel(booking=booking, by=Booking.Party.GUEST))
    return booking, fresh(refund)


def test_a_cancellation_refund_goes_to_wechat_pay_with_our_refund_number(refunded, wechat_api):
    booking, refund = refunded
    [(_method, _path, sent)] = wechat_api.calls("/v3/refund/")
    assert sent["out_refund_no"] == refund.idempotency_key
    assert sent["amount"] == {"refund": 40000, "total": 40000, "currency": "CNY"}
    assert sent["transaction_id"] == refund.payment.provider_payment_reference
    assert refund.status == Refund.Status.PENDING
    assert booking.events.filter(action=Action.REFUND_SENT).exists()


def test_a_refund_notification_completes_it_and_the_ledger_sums_to_zero(deliver, refunded, wechat_api):
    booking, refund = refunded
    assert deliver(wechat_api.refund_notification(refund.idempotency_key)).status_code == 204
    assert fresh(refund).status == Refund.Status.SUCCEEDED
    assert ledger_balances(booking=booking) == SETTLED
    assert sum(LedgerEntry.objects.filter(booking=booking).values_list("amount", flat=True)) == 0
    assert booking.events.filter(action=Action.REFUND_COMPLETED).exists()


def test_a_refund_notification_before_the_refunds_answer_is_matched_by_our_number(
    deliver, started, wechat_api
):
    booking, payment = started
    deliver(wechat_api.notification(wechat_api.pay(payment.idempotency_key)))
    booking = booking_cancel(booking=booking, by=Booking.Party.GUEST)
    wechat_api.refund_status = "SUCCESS"
    [refund] = refund_for_cancellation(booking=booking)
    notification = wechat_api.refund_notification(refund.idempotency_key)
    deliver(notification)
    assert deliver(wechat_api.refund_notification(refund.idempotency_key, "PROCESSING")).status_code == 204
    refund = fresh(refund)
    assert refund.status == Refund.Status.SUCCEEDED
    assert ledger_balances(booking=booking) == SETTLED


def test_an_abnormal_refund_fails_and_is_flagged(deliver, refunded, wechat_api):
    booking, refund = refunded
    deliver(wechat_api.refund_notification(refund.idempotency_key, "ABNORMAL"))
    refund = fresh(refund)
    assert refund.status == Refund.Status.FAILED
    assert refund.needs_attention
    assert booking.events.filter(action=Action.REFUND_FAILED).exists()


def test_a_refused_refund_fails_and_is_flagged(deliver, started, wechat_api):
    booking, payment = started
    deliver(wechat_api.notification(wechat_api.pay(payment.idempotency_key)))
    wechat_api.fail = [(403, "NOT_ENOUGH")]
    [refund] = refund_for_cancellation(booking=booking_cancel(booking=booking, by=Booking.Party.GUEST))
    assert refund.status == Refund.Status.FAILED
    assert refund.needs_attention
    assert ledger_balances(booking=booking)["cash_provider"] == Decimal("400.00")  # nothing went back


def test_a_refund_that_timed_out_is_sent_again_with_the_same_number(
    deliver, started, wechat_api, settings, clock
):
    booking, payment = started
    deliver(wechat_api.notification(wechat_api.pay(payment.idempotency_key)))
    settings.PAYMENT_PROVIDER_RETRIES = 0
    wechat_api.delay = 1.5
    [refund] = refund_for_cancellation(booking=booking_cancel(booking=booking, by=Booking.Party.GUEST))
    assert (refund.status, refund.provider_reference) == (Refund.Status.PENDING, "")
    wechat_api.delay = 0
    time.sleep(0.6)  # the first request reaches the fake after all
    clock.advance(minutes=5)
    call_command("expire_holds", stdout=open("/dev/null", "w"))  # noqa: SIM115
    refund = fresh(refund)
    assert refund.provider_reference.startswith("50000")
    assert len(wechat_api.refunds) == 1
    assert {sent["out_refund_no"] for _m, _p, sent in wechat_api.calls("/v3/refund/")} == {
        refund.idempotency_key
    }


def test_a_refund_made_in_wechat_pays_dashboard_is_recorded_and_flagged(deliver, started, wechat_api):
    _booking, payment = started
    transaction = wechat_api.pay(payment.idempotency_key)
    deliver(wechat_api.notification(transaction))
    resource = {
        "out_trade_no": payment.idempotency_key,
        "transaction_id": transaction["transaction_id"],
        "out_refund_no": "dashboard-1",
        "refund_id": "50000999",
        "refund_status": "SUCCESS",
        "amount": {"refund": 5000, "total": 40000},
    }
    deliver(wechat_api.notification(resource, event_type="REFUND.SUCCESS"))
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
def test_the_same_notification_delivered_several_times_at_once_is_handled_once(real_database, wechat_api):
    booking, payment = start(factories.room_type(room_count=1))
    transaction = wechat_api.pay(payment.idempotency_key)
    notifications = [wechat_api.notification(transaction, notification_id="n-raced")] * 2 + [
        wechat_api.notification(transaction) for _ in range(2)
    ]
    provider = wechat_pay.WeChatPay()
    barrier = threading.Barrier(len(notifications))
    answers: list = [None] * len(notifications)

    def run(i: int) -> None:
        request = RequestFactory().post(
            NOTIFY,
            data=notifications[i].body,
            content_type="application/json",
            headers=notifications[i].headers,
        )
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
    assert answers == [204] * len(notifications)
    assert WebhookEvent.objects.filter(event_id="n-raced").count() == 1
    assert LedgerEntry.objects.filter(booking=booking, kind=Kind.PAYMENT_RECEIVED).count() == 2
    assert Booking.objects.get(pk=booking.pk).status == Status.CONFIRMED
    assert not Refund.objects.exists()
