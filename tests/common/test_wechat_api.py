"""WeChat's server API client against a local fake that answers like WeChat (tokens, errcodes)."""

import pytest

from common import wechat_api
from common.wechat_api import WeChatAPIError
from tests.conftest import WECHAT_TEST_APPS

OA = next(iter(WECHAT_TEST_APPS))


def test_token_is_fetched_once_and_cached(fake_wechat):
    first = wechat_api.access_token(OA)
    assert wechat_api.access_token(OA) == first
    assert [r[1] for r in fake_wechat.requests] == ["/cgi-bin/stable_token"]


def test_an_expired_token_is_refreshed_once_and_the_call_succeeds(fake_wechat):
    wechat_api.jsapi_ticket(OA)
    fake_wechat.expire_tokens()
    from django.core.cache import cache

    cache.delete(f"wechat:jsapi_ticket:{OA}")
    ticket = wechat_api.jsapi_ticket(OA)
    assert ticket.startswith("TICKET_")
    stable = [r for r in fake_wechat.requests if r[1] == "/cgi-bin/stable_token"]
    assert [r[3]["force_refresh"] for r in stable] == [False, True]


def test_the_ticket_is_cached(fake_wechat):
    assert wechat_api.jsapi_ticket(OA) == wechat_api.jsapi_ticket(OA)
    assert sum(r[1] == "/cgi-bin/ticket/getticket" for r in fake_wechat.requests) == 1


def test_a_wrong_secret_is_not_retryable(fake_wechat, settings):
    settings.WECHAT_APPS = {OA: "wrong"}
    with pytest.raises(WeChatAPIError) as caught:
        wechat_api.access_token(OA)
    assert caught.value.errcode == 40125
    assert not caught.value.retryable


def test_an_app_not_configured_is_refused_before_any_call(fake_wechat):
    with pytest.raises(WeChatAPIError) as caught:
        wechat_api.access_token("wx_unknown")
    assert not caught.value.retryable
    assert fake_wechat.requests == []


def test_system_busy_is_retryable(fake_wechat):
    fake_wechat.fail("/cgi-bin/ticket/getticket", -1)
    with pytest.raises(WeChatAPIError) as caught:
        wechat_api.jsapi_ticket(OA)
    assert caught.value.errcode == -1
    assert caught.value.retryable


def test_a_timeout_is_a_retryable_error(fake_wechat, settings):
    settings.WECHAT_API_TIMEOUT = (0.5, 0.5)
    fake_wechat.delay = 0.8
    with pytest.raises(WeChatAPIError) as caught:
        wechat_api.access_token(OA)
    assert caught.value.errcode is None
    assert caught.value.retryable
