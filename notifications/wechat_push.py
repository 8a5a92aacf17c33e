"""WeChat's message push (消息推送 of the mini-program, 服务器配置 of the official account) to
``/wechat/push/``: what became of each subscription message, and the official account's subscriptions.

WeChat signs every request with the ``WECHAT_PUSH_TOKEN`` set in both consoles: ``signature`` is the
SHA-1 of the token, ``timestamp`` and ``nonce`` sorted and joined (and ``msg_signature`` the same with
the ``Encrypt`` field added, in the safe mode). ``GET`` is the console's check when the address is saved
(answer ``echostr``); ``POST`` carries an event in XML or JSON, in plaintext, compatible or safe mode
(AES-256-CBC with ``WECHAT_PUSH_AES_KEY``, the console's EncodingAESKey; the plaintext ends with the
app's AppID, which must be one of ours). A request signed more than ``MAX_AGE`` away from now, or
signed wrongly, is refused (400) and changes nothing.

Events recorded (``push_record``), each safe to receive twice (WeChat repeats a push it got no answer to):

- ``subscribe_msg_sent_event``: per message (``MsgID``), success sets the notification's
  ``delivered_at``; an error (43101: the person refused it, or turned the template off) makes it
  ``failed`` with WeChat's code and status, so staff see it on /group/attention/ and can send it again,
  and a 43101 leaves the person no acceptance of that template. A msgid we never stored is ignored.
- ``subscribe_msg_popup_event`` of the official account: each accepted template of ours allows one more
  message to that openid (the mini-program's acceptances come from its API instead, never counted twice).
- ``subscribe_msg_change_event``: templates the person turned off leave no acceptance.

Anything else is answered ``success`` and ignored with a log line.
"""

import base64
import binascii
import hashlib
import hmac
import json
import logging
import struct
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from xml.etree import ElementTree

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from notifications.models import Channel, Notification
from notifications.wechat import REFUSED, oa_subscriptions_record, subscriptions_refused

logger = logging.getLogger(__name__)

Status = Notification.Status
MAX_BODY = 64 * 1024
MAX_AGE = 600  # seconds between WeChat's timestamp and now, either way
REPEAT_WINDOW = 2 * MAX_AGE
DEPTH = 4  # how deep the event's XML or JSON is read (xml > container > List > field)
CONTAINERS = ("SubscribeMsgSentEvent", "SubscribeMsgPopupEvent", "SubscribeMsgChangeEvent")
REFUSED_TEXT = "微信用户拒收 Refused in WeChat"
UNDELIVERED = "微信消息未送达 WeChat message not delivered"


class PushRefused(Exception):
    """Not a push from WeChat we can read: a bad or stale signature, or a malformed body."""


@dataclass(frozen=True)
class Push:
    event: str
    openid: str
    created: str  # WeChat's CreateTime: with the event and openid, what names a push repeated
    items: list[dict[str, str]]

    def key(self) -> str:
        fingerprint = json.dumps([self.event, self.openid, self.created, self.items], sort_keys=True)
        return "wechat:push:" + hashlib.sha256(fingerprint.encode()).hexdigest()


def signature(*parts: str) -> str:
    """WeChat's signature: SHA-1, as WeChat computes it (not our choice of hash)."""
    return hashlib.sha1("".join(sorted(parts)).encode(errors="replace"), usedforsecurity=False).hexdigest()


def _signed(expected: str, given: str) -> bool:
    return hmac.compare_digest(expected.encode(), given.encode(errors="replace"))


def push_verify(*, query: Mapping[str, str], now: float | None = None) -> None:
    """Check the ``signature`` of a request (a GET check or a plaintext push); raises ``PushRefused``."""
    timestamp, nonce = query.get("timestamp", ""), query.get("nonce", "")
    _fresh(timestamp, now)
    if not _signed(signature(settings.WECHAT_PUSH_TOKEN, timestamp, nonce), query.get("signature", "")):
        raise PushRefused("bad signature")


def _fresh(timestamp: str, now: float | None) -> None:
    if not timestamp.isascii() or not timestamp.isdigit() or len(timestamp) > 12:
        raise PushRefused("no timestamp")
    if abs((time.time() if now is None else now) - int(timestamp)) > MAX_AGE:
        raise PushRefused("stale timestamp")


def push_read(*, query: Mapping[str, str], body: bytes, now: float | None = None) -> Push:
    """The event of a POST, its signature checked (and decrypted in the safe mode)."""
    if len(body) > MAX_BODY:
        raise PushRefused("body too large")
    if query.get("encrypt_type", "raw") == "aes":
        envelope = _document(body)
        encrypted = envelope.get("Encrypt")
        if not isinstance(encrypted, str) or not encrypted or not encrypted.isascii():
            raise PushRefused("no Encrypt field")
        timestamp, nonce = query.get("timestamp", ""), query.get("nonce", "")
        _fresh(timestamp, now)
        expected = signature(settings.WECHAT_PUSH_TOKEN, timestamp, nonce, encrypted)
        if not _signed(expected, query.get("msg_signature", "")):
            raise PushRefused("bad signature")
        body = _decrypt(encrypted)
    else:
        push_verify(query=query, now=now)
    return _push(_document(body))


def _decrypt(encrypted: str) -> bytes:
    """WeChat's safe mode: AES-256-CBC, key = the EncodingAESKey decoded, IV its first 16 bytes, PKCS#7
    padding to 32 bytes; the plaintext is 16 random bytes, the length (4 bytes, big-endian), the message
    and the AppID of the app that sent it."""
    try:
        key = base64.b64decode(settings.WECHAT_PUSH_AES_KEY + "=", validate=True)
        data = base64.b64decode(encrypted, validate=True)
    except (binascii.Error, ValueError) as error:
        raise PushRefused("not base64") from error
    if len(key) != 32 or not data or len(data) % 16:
        raise PushRefused("no key, or not a whole number of blocks")
    decryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor()
    plain = decryptor.update(data) + decryptor.finalize()
    pad = plain[-1]
    if not 1 <= pad <= 32 or len(plain) < 20 + pad:
        raise PushRefused("bad padding")
    plain = plain[:-pad]
    (length,) = struct.unpack(">I", plain[16:20])
    message, appid = plain[20 : 20 + length], plain[20 + length :]
    if len(message) != length or appid.decode(errors="replace") not in (settings.WECHAT_APPS or {}):
        raise PushRefused("not for one of our apps")
    return message


def _document(body: bytes) -> dict:
    """The push's XML or JSON as a dict (XML ``List`` elements as a list)."""
    try:
        text = body.decode("utf-8").strip()
    except UnicodeDecodeError as error:
        raise PushRefused("not UTF-8") from error
    if text.startswith("{"):
        try:
            document = json.loads(text)
        except (ValueError, RecursionError) as error:
            raise PushRefused("not JSON") from error
        if not isinstance(document, dict):
            raise PushRefused("not an object")
        return document
    if not text.startswith("<") or "<!" in text.replace("<![CDATA[", ""):
        raise PushRefused("not XML, or XML with a DOCTYPE")  # no entities: nothing to expand
    try:
        root = ElementTree.fromstring(text)  # noqa: S314 (no DOCTYPE, so no entities; nothing fetched)
    except ElementTree.ParseError as error:
        raise PushRefused("malformed XML") from error
    element = _element(root, DEPTH)
    if not isinstance(element, dict):
        raise PushRefused("empty XML")
    return element


def _element(element: ElementTree.Element, depth: int) -> dict | str:
    children = list(element) if depth > 0 else []
    if not children:
        return (element.text or "").strip()
    read: dict = {}
    for child in children:
        value = _element(child, depth - 1)
        if child.tag == "List":
            read.setdefault("List", []).append(value)
        else:
            read[child.tag] = value
    return read


def _push(document: dict) -> Push:
    lists = [document.get("List")]  # the mini-program's JSON puts a popup's List at the top
    lists += [
        container.get("List") for name in CONTAINERS if isinstance(container := document.get(name), dict)
    ]
    items = []
    for found in lists:
        for item in found if isinstance(found, list) else [found]:
            if isinstance(item, dict):
                items.append(
                    {key: _text(value) for key, value in item.items() if isinstance(value, str | int)}
                )
    return Push(
        event=_text(document.get("Event")),
        openid=_text(document.get("FromUserName")),
        created=_text(document.get("CreateTime")),
        items=items,
    )


def _text(value: object) -> str:
    """A field as text the database takes: printable characters only (no NUL, no lone surrogate, which
    JSON can carry and PostgreSQL refuses), at most 200."""
    if not isinstance(value, str | int) or isinstance(value, bool):
        return ""
    return "".join(ch for ch in str(value)[:200] if ch.isprintable()).strip()


# What each event records.


def push_record(*, push: Push) -> int:
    """Record the push's event; returns how many things it changed (0 for a repeat or an unknown id).
    A push seen in the last ``REPEAT_WINDOW`` is not recorded again: WeChat repeats a push it got no
    answer to within five seconds, and an acceptance must count once (deliveries are idempotent anyway)."""
    handler = HANDLERS.get(push.event)
    if handler is None:
        logger.info("WeChat push %r ignored", push.event[:40])
        return 0
    if cache.get(push.key()):
        return 0
    changed = handler(push)
    cache.set(push.key(), True, REPEAT_WINDOW)
    return changed


def _sent(push: Push) -> int:
    changed = 0
    for item in push.items:
        msgid, code = item.get("MsgID", ""), _code(item.get("ErrorCode", "0"))
        if not (msgid.isascii() and msgid.isdigit() and len(msgid) <= 100):  # WeChat's msgids are numbers
            continue
        if code == 0:
            changed += _delivered(msgid)
            continue
        changed += _undelivered(msgid, code, item.get("ErrorStatus", ""))
        if code == REFUSED and item.get("TemplateId"):
            subscriptions_refused(openid=push.openid, template_ids=[item["TemplateId"]])
    return changed


def _code(text: str) -> int:
    """WeChat's ErrorCode; anything unreadable counts as an error (-1), never as delivered."""
    try:
        return int(text) if len(text) < 12 else -1
    except ValueError:
        return -1


def _awaiting(msgid: str):
    return Notification.objects.filter(
        channel=Channel.WECHAT, provider_id=msgid, status=Status.SENT, delivered_at__isnull=True
    )


def _delivered(msgid: str) -> int:
    now = timezone.now()
    updated = _awaiting(msgid).update(delivered_at=now, updated_at=now)
    if not updated:
        logger.info("WeChat delivery of a msgid we do not await: ignored")
    return updated


@transaction.atomic
def _undelivered(msgid: str, code: int, status: str) -> int:
    text = f"{REFUSED_TEXT if code == REFUSED else UNDELIVERED}: {code} {status}".strip()
    updated = 0
    for notification in _awaiting(msgid).select_for_update():
        logger.warning("notification %s (%s) not delivered by WeChat", notification.pk, notification.event)
        notification.status = Status.FAILED
        notification.last_error = text[:300]
        notification.save(update_fields=["status", "last_error", "updated_at"])
        updated += 1
    return updated


def _popup(push: Push) -> int:
    results = {item.get("TemplateId", ""): item.get("SubscribeStatusString", "") for item in push.items}
    return oa_subscriptions_record(openid=push.openid, results=results)


def _change(push: Push) -> int:
    refused = [
        item.get("TemplateId", "") for item in push.items if item.get("SubscribeStatusString") == "reject"
    ]
    return subscriptions_refused(openid=push.openid, template_ids=refused) if refused else 0


HANDLERS: dict[str, Callable[[Push], int]] = {
    "subscribe_msg_sent_event": _sent,
    "subscribe_msg_popup_event": _popup,
    "subscribe_msg_change_event": _change,
}
