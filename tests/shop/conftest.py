"""The shop's tests use the payment providers' local fakes of ``tests/bookings/payments`` (WeChat Pay's
and Alipay's servers, Stripe's HTTP client in ``tests/conftest.py``)."""

from tests.bookings.payments.conftest import (  # noqa: F401 (fixtures)
    alipay_api,
    alipay_keys,
    alipay_server,
    wechat_api,
    wechat_keys,
    wechat_server,
)
