"""Payments tests: Stripe enabled with test keys and the fake API in place of the network."""

import json

import pytest

from bookings.payments.services import payment_start
from tests.bookings.helpers import hold
from tests.bookings.payments import fakes

SUCCESS_URL = "https://lishi.example/payments/done/"
CANCEL_URL = "https://lishi.example/payments/cancelled/"
# What the guest and the owner are told when a payment confirms a booking, whichever way it was seen.
PAID_NOTICES = [
    ("booking.confirmed", "guest"),
    ("booking.owner_new", "owner"),
    ("booking.owner_paid", "owner"),
]
DUMMY_TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}  # a queue nobody works


def queued_refunds() -> list:
    """The refund tasks waiting in the queue nobody works on (``DUMMY_TASKS``)."""
    from django.tasks import task_backends
    from django.tasks.backends.dummy import DummyBackend

    backend = task_backends["default"]
    assert isinstance(backend, DummyBackend)
    return [result for result in backend.results if result.task.name == "refunds_send_task"]


def notices(booking) -> list[tuple[str, str]]:
    """The booking's notifications (what its guest and owner are told), as ``(event, role)``."""
    from notifications.models import Notification

    rows = Notification.objects.filter(subject=f"booking:{booking.reference}")
    return sorted(rows.values_list("event", "role"))


@pytest.fixture(autouse=True)
def _online_payment(stripe_api):
    """Every payment test runs with online payment on (``stripe_api`` in tests/conftest.py)."""


@pytest.fixture
def send_event(client, django_capture_on_commit_callbacks):
    """Deliver a signed Stripe event to the webhook, running what waits for the commit (refunds)."""

    def send(event_type: str, stripe_object: dict, event_id: str | None = None):
        payload = json.dumps(fakes.event(event_type, stripe_object, event_id))
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                fakes.WEBHOOK_URL,
                data=payload,
                content_type="application/json",
                headers={"Stripe-Signature": fakes.signed(payload)},
            )

    return send


@pytest.fixture
def owner(room_type):
    """An owner for the room type's homestay (told of its payments)."""
    from tests import factories

    homestay = room_type.homestay
    homestay.owner = factories.user()
    homestay.save()
    return homestay.owner


@pytest.fixture
def people(owner):
    """A guest with an account, booking a homestay with an owner: the people a payment is told to."""
    from tests import factories

    return factories.user()


def start_online(room_type, **fields):
    """A booking held for online payment with its Checkout Session opened."""
    booking = hold(room_type, **fields)
    payment = payment_start(booking=booking, success_url=SUCCESS_URL, cancel_url=CANCEL_URL)
    return booking, payment


@pytest.fixture(scope="session")
def wechat_keys():
    from tests.bookings.payments.fake_wechat import Keys

    return Keys()


@pytest.fixture(scope="session")
def wechat_server(wechat_keys):
    from tests.bookings.payments.fake_wechat import FakeWeChatPay, serve

    fake = FakeWeChatPay(wechat_keys)
    server, url = serve(fake)
    yield fake, url
    server.shutdown()


@pytest.fixture
def wechat_api(wechat_server, settings):
    """WeChat Pay on (public key mode) and first among the online providers, talking to the local fake
    through the real ``wechatpayv3`` client. Returns the fake."""
    from bookings.payments import wechat_pay
    from tests.bookings.payments import fake_wechat

    fake, url = wechat_server
    fake.reset()
    settings.PAYMENT_PROVIDERS = [
        "bookings.payments.at_homestay.AtHomestay",
        "bookings.payments.wechat_pay.WeChatPay",
        "bookings.payments.stripe_checkout.StripeCheckout",
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
    settings.PAYMENT_PROVIDER_CONNECT_TIMEOUT = 1
    settings.PAYMENT_PROVIDER_READ_TIMEOUT = 1
    wechat_pay._client.cache_clear()
    yield fake
    wechat_pay._client.cache_clear()


@pytest.fixture(scope="session")
def alipay_keys():
    from tests.bookings.payments.fake_alipay import Keys

    return Keys()


@pytest.fixture(scope="session")
def alipay_server(alipay_keys):
    from tests.bookings.payments.fake_alipay import FakeAlipay, serve

    fake = FakeAlipay(alipay_keys)
    server, url = serve(fake)
    yield fake, url
    server.shutdown()


@pytest.fixture
def alipay_api(alipay_server, settings):
    """Alipay on and first among the online providers, its real client talking to the local fake
    gateway. Returns the fake."""
    from bookings.payments import alipay
    from tests.bookings.payments import fake_alipay

    fake, url = alipay_server
    fake.reset()
    settings.PAYMENT_PROVIDERS = [
        "bookings.payments.at_homestay.AtHomestay",
        "bookings.payments.alipay.Alipay",
        "bookings.payments.stripe_checkout.StripeCheckout",
    ]
    settings.ALIPAY_APP_ID = fake_alipay.APP_ID
    settings.ALIPAY_APP_PRIVATE_KEY = fake.keys.app_private_pem
    settings.ALIPAY_PUBLIC_KEY = fake.keys.alipay_public_pem
    settings.ALIPAY_GATEWAY = url
    settings.PAYMENT_PROVIDER_CONNECT_TIMEOUT = 0.5
    settings.PAYMENT_PROVIDER_READ_TIMEOUT = 0.5
    alipay._client.cache_clear()
    yield fake
    alipay._client.cache_clear()
