"""WeChat's server API (``api.weixin.qq.com``) for the group's official account (公众号) and mini-program
(小程序): access tokens, the JS-SDK ``jsapi_ticket``, and calls that answer ``errcode``/``errmsg``.

One client for everything that talks to WeChat's servers (sign-in code exchanges, the mini-program phone
number, subscription messages, share cards), so there is one token cache per app. Tokens come from
``/cgi-bin/stable_token`` (each app's token is shared by every process and survives a forced refresh by
another client), are cached in Django's cache (Redis in production) until five minutes before they
expire, and are refreshed once when WeChat says a token is invalid or expired.

Apps are configured in ``WECHAT_APPS`` (appid -> secret); ``WECHAT_API_BASE`` points the client at a
local fake server in tests. Timeouts are ``WECHAT_API_TIMEOUT`` (connect, read) seconds.
"""

from typing import Any

import requests
from django.conf import settings
from django.core.cache import cache

# errcodes meaning the access token is bad: fetch a new one and try once more.
TOKEN_ERRORS = {40001, 40014, 42001}
# errcodes meaning "try later": system busy, frequency limits.
RETRYABLE_ERRORS = {-1, 45009, 45011, 45047}
TOKEN_MARGIN = 300


class WeChatAPIError(Exception):
    """WeChat answered an error (``errcode``), or could not be reached (``errcode`` None)."""

    def __init__(self, message: str, *, errcode: int | None = None, retryable: bool = True):
        super().__init__(message)
        self.message = message
        self.errcode = errcode
        self.retryable = retryable


def app_secret(appid: str) -> str:
    secret = (getattr(settings, "WECHAT_APPS", {}) or {}).get(appid, "")
    if not (appid and secret):
        raise WeChatAPIError(f"WeChat app {appid!r} is not configured", retryable=False)
    return secret


def _base() -> str:
    return getattr(settings, "WECHAT_API_BASE", "https://api.weixin.qq.com").rstrip("/")


def _request(method: str, path: str, *, params: dict | None = None, json: Any = None) -> dict:
    """One HTTP call; returns the decoded JSON, raising ``WeChatAPIError`` on a transport failure or a
    non-zero ``errcode``."""
    timeout = getattr(settings, "WECHAT_API_TIMEOUT", (3, 6))
    try:
        response = requests.request(method, _base() + path, params=params, json=json, timeout=timeout)
    except requests.RequestException as exc:
        raise WeChatAPIError(f"WeChat unreachable: {exc.__class__.__name__}") from exc
    if response.status_code >= 500:
        raise WeChatAPIError(f"WeChat answered HTTP {response.status_code}")
    try:
        data = response.json()
    except ValueError as exc:
        raise WeChatAPIError(f"WeChat answered HTTP {response.status_code} without JSON") from exc
    if not isinstance(data, dict):
        raise WeChatAPIError("WeChat answered an unexpected document", retryable=False)
    errcode = data.get("errcode") or 0
    if errcode:
        raise WeChatAPIError(
            f"WeChat error {errcode}: {data.get('errmsg', '')}",
            errcode=int(errcode),
            retryable=int(errcode) in RETRYABLE_ERRORS,
        )
    return data


def _token_key(appid: str) -> str:
    return f"wechat:access_token:{appid}"


def access_token(appid: str, *, force_refresh: bool = False) -> str:
    """The app's access token, from the cache or ``/cgi-bin/stable_token``."""
    if not force_refresh and (token := cache.get(_token_key(appid))):
        return token
    data = _request(
        "POST",
        "/cgi-bin/stable_token",
        json={
            "grant_type": "client_credential",
            "appid": appid,
            "secret": app_secret(appid),
            "force_refresh": force_refresh,
        },
    )
    token = data.get("access_token")
    if not token:
        raise WeChatAPIError("WeChat gave no access_token", retryable=True)
    cache.set(_token_key(appid), token, max(int(data.get("expires_in", 7200)) - TOKEN_MARGIN, 60))
    return token


def call(appid: str, method: str, path: str, *, params: dict | None = None, json: Any = None) -> dict:
    """A call made with the app's access token, refreshed once if WeChat says it is no longer valid."""
    for attempt in (0, 1):
        token = access_token(appid, force_refresh=attempt == 1)
        try:
            return _request(method, path, params={**(params or {}), "access_token": token}, json=json)
        except WeChatAPIError as exc:
            if exc.errcode in TOKEN_ERRORS and attempt == 0:
                cache.delete(_token_key(appid))
                continue
            raise
    raise AssertionError("unreachable")


def sns(path: str, params: dict) -> dict:
    """A call that authenticates with the app's secret in the query (``/sns/...`` code exchanges)."""
    return _request("GET", path, params=params)


def jsapi_ticket(appid: str) -> str:
    """The official account's JS-SDK ticket, cached like the token (``/cgi-bin/ticket/getticket``)."""
    key = f"wechat:jsapi_ticket:{appid}"
    if ticket := cache.get(key):
        return ticket
    data = call(appid, "GET", "/cgi-bin/ticket/getticket", params={"type": "jsapi"})
    ticket = data.get("ticket")
    if not ticket:
        raise WeChatAPIError("WeChat gave no ticket", retryable=True)
    cache.set(key, ticket, max(int(data.get("expires_in", 7200)) - TOKEN_MARGIN, 60))
    return ticket
