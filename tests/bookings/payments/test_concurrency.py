"""Webhook deliveries racing for real: threads with their own database connections.

Stripe delivers the same event again when an answer is slow, and the completed and async-succeeded
events of one payment can arrive together; the money must be recorded once either way."""

import threading

import pytest
from django.db import connection
from django.db.backends.sqlite3.creation import DatabaseCreation as SQLiteCreation

from bookings.ledger import Kind, LedgerEntry
from bookings.models import Booking
from bookings.payments.models import Payment, WebhookEvent
from bookings.payments.webhooks import stripe_event_handle
from tests import factories
from tests.bookings.payments import fakes
from tests.bookings.payments.conftest import start_online

pytestmark = pytest.mark.django_db(transaction=True)
RACERS = 4


@pytest.fixture
def real_database(transactional_db):
    if connection.vendor == "sqlite" and SQLiteCreation.is_in_memory_db(connection.settings_dict["NAME"]):
        pytest.skip("并发测试需要SQLite数据库文件 Concurrency tests need an SQLite file (SQLITE_TEST_NAME)")


def race(events: list[dict]) -> list:
    barrier = threading.Barrier(len(events))
    results: list = [None] * len(events)

    def run(i: int) -> None:
        try:
            barrier.wait()
            stripe_event_handle(events[i])
        except Exception as error:  # the test inspects what each thread got
            results[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(events))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture
def paid_session(real_database):
    booking, payment = start_online(factories.room_type(room_count=1))
    return booking, fakes.session_object(Payment.objects.get(pk=payment.pk))


def test_one_event_delivered_several_times_at_once_is_handled_once(paid_session):
    booking, session = paid_session
    event = fakes.event("checkout.session.completed", session, event_id="evt_raced")
    assert race([event] * RACERS) == [None] * RACERS
    assert WebhookEvent.objects.filter(event_id="evt_raced").count() == 1
    assert LedgerEntry.objects.filter(booking=booking, kind=Kind.PAYMENT_RECEIVED).count() == 2
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.CONFIRMED


def test_different_events_of_one_payment_at_once_record_the_money_once(paid_session):
    booking, session = paid_session
    kinds = ["checkout.session.completed", "checkout.session.async_payment_succeeded"] * (RACERS // 2)
    assert race([fakes.event(kind, session) for kind in kinds]) == [None] * RACERS
    assert LedgerEntry.objects.filter(booking=booking, kind=Kind.PAYMENT_RECEIVED).count() == 2
    assert Payment.objects.get(booking=booking).applied
