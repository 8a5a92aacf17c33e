"""WeChat subscription messages (订阅消息) of the group's mini-program as the ``wechat`` notification
channel.

A person is reached at their openid in the mini-program (``WECHAT_MINI_APPID``). Each event is sent with
a template of ``WECHAT_SUBSCRIBE_TEMPLATES`` (purpose -> ``id``, the ``events`` it carries, the ``page``
a tap opens, and ``data``: the template's keywords -> the message's ``facts``), and only while the person
has an acceptance of that template left (``WeChatSubscription``, recorded by the mini-program after
``wx.requestSubscribeMessage``): one-time subscriptions are used up one message at a time.

Values are fitted to WeChat's rules for each keyword type (``thing`` at most 20 characters,
``character_string`` 32 ASCII characters, ``phrase`` 5 Chinese characters, ``amount`` a currency sign
and at most 10 digits, dates as 2026年5月1日): a value WeChat would refuse (47003) is never sent.

Errors: no template for the event or no acceptance left, 43101 (refused or unsubscribed: recorded),
40003 (an openid WeChat does not know) and a template WeChat refuses are not retried here: the
notification goes to the person's next channel (``DeliveryError(fallback=True)``). System busy (-1),
frequency limits and timeouts are retried later, with the acceptance given back.
"""

import re
from collections.abc import Mapping
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation

from common import wechat_api
from common.models import WeChatOpenId
from common.wechat_api import WeChatAPIError
from common.wechat_ids import openid_for
from notifications.channels import ChannelBackend, DeliveryError, Message
from notifications.models import Channel, WeChatSubscription

SEND_PATH = "/cgi-bin/message/subscribe/send"
REFUSED = 43101
INVALID_OPENID = 40003
ELLIPSIS = "…"
# WeChat's limits on a value, by keyword type (characters).
LIMITS = {"thing": 20, "character_string": 32, "number": 32, "letter": 32, "phrase": 5, "name": 10}
LIMITS |= {"phone_number": 17, "symbol": 5, "car_number": 8}
CJK = re.compile(r"[\u4e00-\u9fff]")
STATES = {"accept": True, "reject": False, "ban": False, "filter": False}
LANGS = {"zh-hans": "zh_CN", "en": "en_US"}


def mini_appid() -> str:
    """The mini-program's AppID when it is configured (AppID and secret), else empty."""
    appid = getattr(settings, "WECHAT_MINI_APPID", "")
    return appid if appid and (getattr(settings, "WECHAT_APPS", {}) or {}).get(appid) else ""


def templates() -> dict[str, dict]:
    """The configured templates (purpose -> spec), those with an id only."""
    configured = getattr(settings, "WECHAT_SUBSCRIBE_TEMPLATES", {}) or {}
    return {purpose: spec for purpose, spec in configured.items() if spec.get("id")}


def template_for(event: str) -> dict | None:
    return next((spec for spec in templates().values() if event in spec.get("events", ())), None)


def wechat_messages_enabled() -> bool:
    return bool(mini_appid() and templates())


# Values within WeChat's rules.


def _cut(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS


def _day(value: date | datetime) -> str:
    if isinstance(value, datetime):
        local = timezone.localtime(value)
        return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"
    return f"{value.year}年{value.month}月{value.day}日"


def _when(value: Any) -> str:
    if isinstance(value, tuple | list):
        return "~".join(_day(part) for part in value)
    return _day(value)


def _amount(value: Any) -> str:
    amount = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if len(str(abs(amount)).replace(".", "")) > 10:
        raise ValueError(f"amount {amount} has more than 10 digits")
    return f"¥{amount}"


def field_value(keyword: str, value: Any) -> str:
    """``value`` as WeChat accepts it for a keyword of this type (``thing2`` is a ``thing``)."""
    kind = re.sub(r"\d+$", "", keyword)
    if kind in ("date", "time"):
        return _when(value)
    if kind == "amount":
        return _amount(value)
    text = str(value)
    if kind == "character_string":
        text = "".join(ch for ch in text if "!" <= ch <= "~")
        return text[: LIMITS[kind]] or "-"
    if kind == "phrase":
        return "".join(CJK.findall(text))[: LIMITS[kind]] or "通知"
    if kind == "number":
        return "".join(ch for ch in text if ch.isdigit() or ch == ".")[: LIMITS[kind]] or "0"
    if kind == "name":  # ten Chinese characters, or twenty letters
        if CJK.search(text):
            return "".join(CJK.findall(text))[: LIMITS[kind]]
        return (
            "".join(ch for ch in text if ch.isascii() and (ch.isalpha() or ch in " .-"))[:20].strip() or "-"
        )
    if kind == "phone_number":
        return "".join(ch for ch in text if ch.isdigit() or ch in "+-")[: LIMITS[kind]]
    return _cut(text, LIMITS.get(kind, LIMITS["thing"])) or "-"


def template_data(spec: Mapping[str, Any], facts: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    """The ``data`` of a send: each keyword of the template with its fact, fitted to its type. A fact
    the message does not have is a ``KeyError`` (a template set up for other events)."""
    return {keyword: {"value": field_value(keyword, facts[fact])} for keyword, fact in spec["data"].items()}


# Acceptances.


def subscriptions_record(*, user: User, results: Mapping[str, str]) -> dict[str, int]:
    """Record the result of ``wx.requestSubscribeMessage`` (template id -> "accept", "reject", "ban",
    "filter"; other keys such as ``errMsg`` are ignored): one more message for each accepted template
    of ours. Returns the messages left per configured template id."""
    appid = mini_appid()
    row = WeChatOpenId.objects.filter(identity__user=user, appid=appid).first() if appid else None
    ours = {spec["id"] for spec in templates().values()}
    if row is not None:
        now = timezone.now()
        for template_id, state in results.items():
            if template_id not in ours or not STATES.get(state):
                continue
            with transaction.atomic():
                subscription, _created = WeChatSubscription.objects.select_for_update().get_or_create(
                    openid=row, template_id=template_id
                )
                subscription.remaining = F("remaining") + 1
                subscription.accepted_at = now
                subscription.save(update_fields=["remaining", "accepted_at"])
    return subscriptions_left(user=user)


def subscriptions_left(*, user: User) -> dict[str, int]:
    """Messages left per configured template id (0 for a template never accepted)."""
    left = dict.fromkeys((spec["id"] for spec in templates().values()), 0)
    appid = mini_appid()
    if appid:
        rows = WeChatSubscription.objects.filter(
            openid__identity__user=user, openid__appid=appid, template_id__in=list(left)
        ).values_list("template_id", "remaining")
        left.update(dict(rows))
    return left


def _take(openid: str, template_id: str) -> bool:
    """Use one acceptance; False when none is left."""
    return bool(
        WeChatSubscription.objects.filter(
            openid__appid=mini_appid(), openid__openid=openid, template_id=template_id, remaining__gt=0
        ).update(remaining=F("remaining") - 1)
    )


def _give_back(openid: str, template_id: str) -> None:
    WeChatSubscription.objects.filter(
        openid__appid=mini_appid(), openid__openid=openid, template_id=template_id
    ).update(remaining=F("remaining") + 1)


def _refused(openid: str, template_id: str) -> None:
    WeChatSubscription.objects.filter(
        openid__appid=mini_appid(), openid__openid=openid, template_id=template_id
    ).update(remaining=0, refused_at=timezone.now())


class WeChatChannel(ChannelBackend):
    channel = Channel.WECHAT

    def address_for(self, user: User) -> str:
        if not wechat_messages_enabled():
            return ""
        return openid_for(user, mini_appid()) or ""

    def send(self, *, address: str, message: Message) -> str | None:
        spec = template_for(message.event)
        if spec is None or not wechat_messages_enabled():
            raise DeliveryError(f"wechat: no template for {message.event}", retryable=False, fallback=True)
        try:
            data = template_data(spec, message.facts)
            page = spec.get("page", "").format_map({k: str(v) for k, v in message.facts.items()})
        except (KeyError, ValueError) as error:
            raise DeliveryError(
                f"wechat: template {spec['id'][:12]} cannot carry {message.event}: {error}"[:300],
                retryable=False,
                fallback=True,
            ) from error
        if not _take(address, spec["id"]):
            raise DeliveryError("wechat: not subscribed to this message", retryable=False, fallback=True)
        body = {
            "touser": address,
            "template_id": spec["id"],
            "data": data,
            "miniprogram_state": getattr(settings, "WECHAT_MINI_STATE", "formal"),
            "lang": LANGS.get(translation.get_language() or "", "zh_CN"),
        }
        if page:
            body["page"] = page
        try:
            answer = wechat_api.call(mini_appid(), "POST", SEND_PATH, json=body)
        except WeChatAPIError as error:
            raise self._failure(error, address, spec["id"]) from error
        return str(answer.get("msgid") or "") or None

    @staticmethod
    def _failure(error: WeChatAPIError, address: str, template_id: str) -> DeliveryError:
        if error.errcode == REFUSED:
            _refused(address, template_id)
            return DeliveryError(
                "wechat 43101: the person refused this message", retryable=False, fallback=True
            )
        if error.errcode is None or error.retryable:  # busy, frequency limits, timeouts
            _give_back(address, template_id)
            return DeliveryError(f"wechat: {error.message}"[:300], retryable=True)
        _give_back(address, template_id)
        if error.errcode == INVALID_OPENID:
            return DeliveryError(
                "wechat 40003: WeChat does not know this openid", retryable=False, fallback=True
            )
        return DeliveryError(f"wechat: {error.message}"[:300], retryable=False, fallback=True)
