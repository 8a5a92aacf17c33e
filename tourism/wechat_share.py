"""WeChat share cards and WeChat's own map inside WeChat's browser, through the official account's
JS-SDK (jweixin).

A page opened inside WeChat (user agent ``MicroMessenger``) when the official account is configured
loads WeChat's JS-SDK and ``static/js/wechat.js``, which asks ``jssdk_config`` to sign the page's
address and then sets the share card (title, description, image: the page's Open Graph tags) and turns
the 导航 buttons into ``wx.openLocation``. Elsewhere, or without keys, nothing is loaded: the Open Graph
tags still give other apps their card, and 导航 lists the map apps.

The signature is SHA-1 over ``jsapi_ticket=…&noncestr=…&timestamp=…&url=…`` with the ticket cached by
``common.wechat_api`` (https://developers.weixin.qq.com/doc/offiaccount/OA_Web_Apps/JS-SDK.html, 附录1)."""

import hashlib
import secrets
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from common.wechat_api import WeChatAPIError, jsapi_ticket

JS_API_LIST = ["updateAppMessageShareData", "updateTimelineShareData", "openLocation"]
JSSDK_SCRIPT = "https://res.wx.qq.com/open/js/jweixin-1.6.0.js"


def jssdk_enabled() -> bool:
    appid = getattr(settings, "WECHAT_OA_APPID", "")
    return bool(appid and appid in getattr(settings, "WECHAT_APPS", {}))


def jssdk_signature(*, ticket: str, nonce: str, timestamp: int, url: str) -> str:
    text = f"jsapi_ticket={ticket}&noncestr={nonce}&timestamp={timestamp}&url={url}"
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()  # WeChat's algorithm


def _error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"detail": message}, status=status, json_dumps_params={"ensure_ascii": False})


@never_cache
@require_GET
def jssdk_config(request: HttpRequest) -> JsonResponse:
    """``wx.config``'s arguments for the page at ``?url=`` (its address without the ``#`` part), which
    must be a page of this site."""
    if not jssdk_enabled():
        return _error(404, "未配置微信公众号。 The WeChat official account is not configured.")
    url = request.GET.get("url", "").split("#", 1)[0]
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or parts.netloc != request.get_host():
        return _error(400, "只能为本站页面签名。 Only pages of this site can be signed.")
    try:
        ticket = jsapi_ticket(settings.WECHAT_OA_APPID)
    except WeChatAPIError:
        return _error(
            503, "微信暂时无法连接，分享卡片稍后可用。 WeChat cannot be reached; try again shortly."
        )
    nonce, timestamp = secrets.token_hex(8), int(time.time())
    return JsonResponse(
        {
            "appId": settings.WECHAT_OA_APPID,
            "timestamp": timestamp,
            "nonceStr": nonce,
            "signature": jssdk_signature(ticket=ticket, nonce=nonce, timestamp=timestamp, url=url),
            "jsApiList": JS_API_LIST,
        }
    )
