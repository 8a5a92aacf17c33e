from datetime import date

import pytest
from django.utils import translation

from bookings.errors import BookingError, IllegalTransition, NightsUnavailable
from common.errors import DomainError


@pytest.mark.parametrize(
    "error",
    [
        BookingError("出错了 Something went wrong"),
        NightsUnavailable([date(2026, 10, 2), date(2026, 10, 1)]),
        IllegalTransition("不能取消 Cannot cancel", status="completed", action="cancel"),
    ],
)
def test_booking_errors_are_domain_errors_with_their_own_code(error):
    with pytest.raises(DomainError) as raised:
        raise error
    assert raised.value.message == str(raised.value)
    assert raised.value.code == type(error).code != DomainError.code


def test_nights_unavailable_names_the_nights_in_chinese_first():
    with translation.override("zh-hans"):
        error = NightsUnavailable([date(2026, 10, 2), date(2026, 10, 1)])
    assert error.message.startswith("所选日期已订满")
    assert "2026-10-01, 2026-10-02" in error.message
