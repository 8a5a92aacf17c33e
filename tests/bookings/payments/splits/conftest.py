"""Profit-sharing tests: WeChat Pay in service-provider mode against the local fake, and receiver
accounts for an owner, the platform and a village collective."""

import pytest

from bookings.payments import wechat_pay
from bookings.payments.models import SplitAccount
from tests.bookings.payments.splits.helpers import COLLECTIVE_MCH, GROUP_SUB, OWNER_SUB, PLATFORM_MCH
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
