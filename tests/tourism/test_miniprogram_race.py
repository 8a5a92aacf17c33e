"""A new person's sign-in sent several times at once (a double tap, the app retrying): one account,
everyone signed in to it. Real threads with their own connections (tests/bookings/test_concurrency.py:
PostgreSQL, or SQLite with SQLITE_TEST_NAME set)."""

import pytest
from django.contrib.auth import get_user_model

from common.models import WeChatIdentity, WeChatOpenId
from tests.bookings.test_concurrency import race, real_database  # noqa: F401 (a fixture)
from tests.common.fake_wechat_mini import mini_program
from tests.conftest import WECHAT_TEST_APPS
from tourism.miniprogram import miniprogram_sign_in

pytestmark = pytest.mark.django_db(transaction=True)
MINI = list(WECHAT_TEST_APPS)[1]
RACERS = 4


@pytest.mark.parametrize("unionid", ["UNION-RACE", None])
def test_simultaneous_first_sign_ins_make_one_account(real_database, fake_wechat, unionid):  # noqa: F811
    mini = mini_program(fake_wechat, MINI)
    first = mini.person(unionid=unionid)
    codes = [first] + [mini.person(openid=mini.openid_of(first), unionid=unionid) for _ in range(RACERS - 1)]

    def work(i, barrier):
        barrier.wait()
        return miniprogram_sign_in(code=codes[i])

    results = race(RACERS, work)

    assert not [r for r in results if isinstance(r, Exception)], results
    users = {user.pk for user, _key, _created in results}
    assert len(users) == 1 and get_user_model().objects.count() == 1
    assert sum(created for _user, _key, created in results) == 1
    assert WeChatIdentity.objects.count() == 1 and WeChatOpenId.objects.count() == 1
