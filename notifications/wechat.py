"""WeChat subscription messages as the ``wechat`` notification channel: the mini-program's (订阅消息,
``/cgi-bin/message/subscribe/send``) and the official account's (订阅通知,
``/cgi-bin/message/subscribe/bizsend``).

A person is reached in the mini-program (``WECHAT_MINI_APPID``) when they have an openid there and the
mini-program has templates, else in the official account (``WECHAT_OA_APPID``, someone who signed in
inside WeChat's browser) when it has templates. Each event is sent with a template of the app's set,
``WECHAT_SUBSCRIBE_TEMPLATES`` or ``WECHAT_OA_SUBSCRIBE_TEMPLATES`` (purpose -> ``id``, the ``events``
it carries, the ``page`` a tap opens: a mini-program page, or for the official account a path of the
site under ``SITE_URL``; and ``data``: the template's keywords -> the message's ``facts``), and only
while the person has an acceptance of that template left (``WeChatSubscription``: recorded by the
mini-program after ``wx.requestSubscribeMessage``, and for the official account from WeChat's
``subscribe_msg_popup_event``, ``notifications.wechat_push``): one-time subscriptions are used up one
message at a time. When the preferred app has no template for the event or no acceptance left, or WeChat
refuses the message there, the person's other app is tried before the next channel.

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
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone, translation

from common import wechat_api
from common.models import WeChatOpenId
from common.wechat_api import WeChatAPIError
from notifications.channels import ChannelBackend, DeliveryError, Message
from notifications.models import Channel, WeChatSubscription

SEND_PATH = "/cgi-bin/message/subscribe/send"
OA_SEND_PATH = "/cgi-bin/message/subscribe/bizsend"
REFUSED = 43101
INVALID_OPENID = 40003
ELLIPSIS = "…"
# WeChat's limits on a value, by keyword type (characters).
LIMITS = {"thing": 20, "character_string": 32, "number": 32, "letter": 32, "phrase": 5, "name": 10}
LIMITS |= {"phone_number": 17, "symbol": 5, "car_number": 8}
CJK = re.compile(r"[\u4e00-\u9fff]")
STATES = {"accept": True, "reject": False, "ban": False, "filter": False}
LANGS = {"zh-hans": "zh_CN", "en": "en_US"}


def _configured(appid: str) -> str:
    return appid if appid and (getattr(settings, "WECHAT_APPS", {}) or {}).get(appid) else ""


def mini_appid() -> str:
    """The mini-program's AppID when it is configured (AppID and secret), else empty."""
    return _configured(getattr(settings, "WECHAT_MINI_APPID", ""))


def oa_appid() -> str:
    """The official account's AppID when it is configured (AppID and secret), else empty."""
    return _configured(getattr(settings, "WECHAT_OA_APPID", ""))


def _with_ids(configured: Mapping[str, dict] | None) -> dict[str, dict]:
    return {purpose: spec for purpose, spec in (configured or {}).items() if spec.get("id")}


def templates() -> dict[str, dict]:
    """The mini-program's configured templates (purpose -> spec), those with an id only."""
    return _with_ids(getattr(settings, "WECHAT_SUBSCRIBE_TEMPLATES", {}))


def oa_templates() -> dict[str, dict]:
    """The official account's configured templates (purpose -> spec), those with an id only."""
    return _with_ids(getattr(settings, "WECHAT_OA_SUBSCRIBE_TEMPLATES", {}))


def template_for(event: str, specs: Mapping[str, dict] | None = None) -> dict | None:
    """The template of ``specs`` (the mini-program's by default) that carries ``event``."""
    specs = templates() if specs is None else specs
    return next((spec for spec in specs.values() if event in spec.get("events", ())), None)


def wechat_messages_enabled() -> bool:
    """The mini-program's messages are on (what the mini-program's API tells the app)."""
    return bool(mini_appid() and templates())


def oa_messages_enabled() -> bool:
    return bool(oa_appid() and oa_templates())


@dataclass(frozen=True)
class App:
    """A WeChat app that sends subscription messages: its AppID, templates and send path."""

    appid: str
    templates: dict[str, dict]
    path: str

    @property
    def official_account(self) -> bool:
        return self.path == OA_SEND_PATH


def apps() -> list[App]:
    """The apps with messages on, the one to prefer first: the mini-program, then the official account."""
    found = []
    if wechat_messages_enabled():
        found.append(App(mini_appid(), templates(), SEND_PATH))
    if oa_messages_enabled():
        found.append(App(oa_appid(), oa_templates(), OA_SEND_PATH))
    return found


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


def oa_subscriptions_record(*, openid: str, results: Mapping[str, str]) -> int:
    """Record the official account's subscription pop-up (WeChat's ``subscribe_msg_popup_event``: template
    id -> "accept" or "reject"): one more message for each accepted template of ours, for the person
    who has this openid in the official account. Returns how many acceptances were recorded (0 for an
    openid nobody signed in with: they are asked again once they have)."""
    appid = oa_appid()
    row = WeChatOpenId.objects.filter(appid=appid, openid=openid).first() if appid and openid else None
    ours = {spec["id"] for spec in oa_templates().values()}
    recorded = 0
    if row is None:
        return recorded
    now = timezone.now()
    for template_id, state in results.items():
        if template_id not in ours or state != "accept":
            continue
        with transaction.atomic():
            subscription, _created = WeChatSubscription.objects.select_for_update().get_or_create(
                openid=row, template_id=template_id
            )
            subscription.remaining = F("remaining") + 1
            subscription.accepted_at = now
            subscription.save(update_fields=["remaining", "accepted_at"])
        recorded += 1
    return recorded


def subscriptions_refused(*, openid: str, template_ids: list[str]) -> int:
    """The person turned these templates off (``subscribe_msg_change_event``) or WeChat refused a message
    of them (43101), in whichever of our apps knows the openid: no acceptance is left."""
    appids = [app.appid for app in apps()]
    return WeChatSubscription.objects.filter(
        openid__appid__in=appids, openid__openid=openid, template_id__in=template_ids
    ).update(remaining=0, refused_at=timezone.now())


def _subscriptions(appid: str, openid: str, template_id: str) -> QuerySet[WeChatSubscription]:
    return WeChatSubscription.objects.filter(
        openid__appid=appid, openid__openid=openid, template_id=template_id
    )


def _take(appid: str, openid: str, template_id: str) -> bool:
    """Use one acceptance; False when none is left."""
    return bool(
        _subscriptions(appid, openid, template_id)
        .filter(remaining__gt=0)
        .update(remaining=F("remaining") - 1)
    )


def _give_back(appid: str, openid: str, template_id: str) -> None:
    _subscriptions(appid, openid, template_id).update(remaining=F("remaining") + 1)


def _refused(appid: str, openid: str, template_id: str) -> None:
    _subscriptions(appid, openid, template_id).update(remaining=0, refused_at=timezone.now())


def _page(app: App, spec: Mapping[str, Any], facts: Mapping[str, Any]) -> str:
    """What a tap opens: the mini-program's page, or the site's page for the official account."""
    page = spec.get("page", "").format_map({key: str(value) for key, value in facts.items()})
    if page and app.official_account and not page.startswith(("https://", "http://")):
        page = getattr(settings, "SITE_URL", "").rstrip("/") + "/" + page.lstrip("/")
    return page


class WeChatChannel(ChannelBackend):
    """The person's address is their openid in the first app of ``apps`` in which they have one; a send
    tries each of their apps in that order (``_routes``) until one carries the message."""

    channel = Channel.WECHAT

    def address_for(self, user: User) -> str:
        openids = self._openids(user)
        return next(iter(openids.values()), "")

    @staticmethod
    def _openids(user: User) -> dict[str, str]:
        """appid -> the person's openid there, for the apps with messages on, in ``apps`` order."""
        order = [app.appid for app in apps()]
        if not (order and user.pk):
            return {}
        rows = dict(
            WeChatOpenId.objects.filter(identity__user=user, appid__in=order).values_list("appid", "openid")
        )
        return {appid: rows[appid] for appid in order if appid in rows}

    @staticmethod
    def _routes(address: str, event: str) -> list[tuple[App, str, dict]]:
        """``(app, openid, template)`` for each app of the person whose openid ``address`` is that has
        a template for ``event``, in ``apps`` order."""
        enabled = apps()
        appids = [app.appid for app in enabled]
        person = WeChatOpenId.objects.filter(appid__in=appids, openid=address).values("identity")
        rows = dict(
            WeChatOpenId.objects.filter(appid__in=appids, identity__in=person).values_list("appid", "openid")
        )
        routes = []
        for app in enabled:
            spec = template_for(event, app.templates)
            if app.appid in rows and spec is not None:
                routes.append((app, rows[app.appid], spec))
        return routes

    def send(self, *, address: str, message: Message) -> str | None:
        routes = self._routes(address, message.event)
        if not routes:
            raise DeliveryError(f"wechat: no template for {message.event}", retryable=False, fallback=True)
        for app, openid, spec in routes[:-1]:
            try:
                return self._send(app, openid, spec, message)
            except DeliveryError as error:
                if error.retryable or not error.fallback:
                    raise
        app, openid, spec = routes[-1]
        return self._send(app, openid, spec, message)

    def _send(self, app: App, openid: str, spec: dict, message: Message) -> str | None:
        try:
            data = template_data(spec, message.facts)
            page = _page(app, spec, message.facts)
        except (KeyError, ValueError) as error:
            raise DeliveryError(
                f"wechat: template {spec['id'][:12]} cannot carry {message.event}: {error}"[:300],
                retryable=False,
                fallback=True,
            ) from error
        if not _take(app.appid, openid, spec["id"]):
            raise DeliveryError("wechat: not subscribed to this message", retryable=False, fallback=True)
        body: dict[str, Any] = {"touser": openid, "template_id": spec["id"], "data": data}
        if not app.official_account:
            body["miniprogram_state"] = getattr(settings, "WECHAT_MINI_STATE", "formal")
            body["lang"] = LANGS.get(translation.get_language() or "", "zh_CN")
        if page:
            body["page"] = page
        try:
            answer = wechat_api.call(app.appid, "POST", app.path, json=body)
        except WeChatAPIError as error:
            raise self._failure(error, app.appid, openid, spec["id"]) from error
        # The mini-program answers the message's msgid; the official account's bizsend may not (then
        # its delivery push cannot be matched to the notification: notifications.wechat_push).
        return str(answer.get("msgid") or "") or None

    @staticmethod
    def _failure(error: WeChatAPIError, appid: str, openid: str, template_id: str) -> DeliveryError:
        if error.errcode == REFUSED:
            _refused(appid, openid, template_id)
            return DeliveryError(
                "wechat 43101: the person refused this message", retryable=False, fallback=True
            )
        _give_back(appid, openid, template_id)
        if error.errcode is None or error.retryable:  # busy, frequency limits, timeouts
            return DeliveryError(f"wechat: {error.message}"[:300], retryable=True)
        if error.errcode == INVALID_OPENID:
            return DeliveryError(
                "wechat 40003: WeChat does not know this openid", retryable=False, fallback=True
            )
        return DeliveryError(f"wechat: {error.message}"[:300], retryable=False, fallback=True)
