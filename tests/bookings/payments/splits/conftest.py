"""Profit-sharing tests: WeChat Pay in service-provider mode against the local fake, and receiver
accounts for an owner, the platform and a village collective."""

import pytest
from django.utils import timezone

from bookings.payments import wechat_pay
from bookings.payments.models import SplitAccount
from bookings.payments.services import payment_start
from tests.bookings.helpers import ARRIVAL, DEPARTURE, hold
from tests.bookings.payments.conftest import CANCEL_URL, SUCCESS_URL
from tests.bookings.payments.splits.helpers import (
    COLLECTIVE_ALIPAY,
    COLLECTIVE_MCH,
    GROUP_SUB,
    OWNER_ALIPAY,
    OWNER_SUB,
    PLATFORM_ALIPAY,
    PLATFORM_MCH,
    TOKEN,
)
from tests.bookings.revenue.helpers import rule


@pytest.fixture
def partner(wechat_api, settings):
    """WeChat Pay in service-provider mode with the group's own sub-merchant for what it collects."""
    settings.WECHATPAY_PARTNER_MODE = "true"
    settings.WECHATPAY_GROUP_SUB_MCHID = GROUP_SUB
    settings.PROFIT_SHARING_RETRY_BASE = 60
    wechat_pay._client.cache_clear()
    return wechat_api


@pytest.fixture
def accounts(room_type):
    """Rates of 10% commission and 5% for the collective; every receiver account in place."""
    homestay = room_type.homestay
    rule(homestay.village, "0.1000", "0.0500")
    return {
        "owner": SplitAccount.objects.create(
            party="owner", homestay=homestay, name="李四民宿", wechat_mchid=OWNER_SUB, verified=True
        ),
        "platform": SplitAccount.objects.create(
            party="platform", name="吕梁市离石区文旅集团", wechat_mchid=PLATFORM_MCH, verified=True
        ),
        "collective": SplitAccount.objects.create(
            party="collective",
            village=homestay.village,
            name="彩家庄村股份经济合作社",
            wechat_mchid=COLLECTIVE_MCH,
            verified=True,
        ),
    }


@pytest.fixture
def royalty(alipay_api, accounts, settings):
    """Alipay's royalty on, the owner having authorised our application (``TOKEN``); the fake's clock
    is the tests' frozen one."""
    settings.ALIPAY_ROYALTY = "true"
    for party, number in (
        ("owner", OWNER_ALIPAY),
        ("platform", PLATFORM_ALIPAY),
        ("collective", COLLECTIVE_ALIPAY),
    ):
        account = accounts[party]
        account.alipay_account = number
        account.alipay_app_auth_token = TOKEN if party == "owner" else ""
        account.save()
    alipay_api.clock = lambda: timezone.now()
    return alipay_api


@pytest.fixture
def pay(client, django_capture_on_commit_callbacks):
    """``pay(room_type, fake)``: a booking held and paid by Alipay, Alipay's notification delivered."""

    def paid(room_type, fake, check_in=ARRIVAL, check_out=DEPARTURE):
        booking = hold(room_type, check_in=check_in, check_out=check_out)
        payment = payment_start(booking=booking, success_url=SUCCESS_URL, cancel_url=CANCEL_URL)
        page = fake.open_page(payment.redirect_url)
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/payments/alipay/notify/", data=fake.notification(fake.pay(payment.idempotency_key)))
        booking.refresh_from_db()
        payment.refresh_from_db()
        return booking, payment, page

    return paid
