"""WeChat's message push as WeChat sends it: events in XML or JSON, the query signed with the token
(``signature``: SHA-1 of the token, timestamp and nonce, sorted and joined), and in the safe mode the
body encrypted (AES-256-CBC with the EncodingAESKey, IV its first 16 bytes, PKCS#7 to 32 bytes, the
plaintext being 16 random bytes, the length, the message and the AppID) and signed in ``msg_signature``.
"""

import base64
import hashlib
import json
import secrets
import struct
import time

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

TOKEN = "LishiPushToken2026"
AES_KEY = base64.b64encode(bytes(range(32))).decode().rstrip("=")  # 43 characters, as the console's


def sha1(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode(), usedforsecurity=False).hexdigest()


def signed(token: str = TOKEN, *, at: float | None = None, **extra: str) -> dict[str, str]:
    """The query of a request signed at ``at`` (now by default)."""
    timestamp, nonce = str(int(time.time() if at is None else at)), str(secrets.randbelow(10**9))
    return {"signature": sha1(token, timestamp, nonce), "timestamp": timestamp, "nonce": nonce, **extra}


def _xml_items(container: str, items: list[dict[str, str | int]]) -> str:
    lists = "".join(
        "<List>" + "".join(_xml_field(k, v) for k, v in item.items()) + "</List>" for item in items
    )
    return f"<{container}>{lists}</{container}>"


def _xml_field(name: str, value: str | int) -> str:
    return f"<{name}>{value}</{name}>" if isinstance(value, int) else f"<{name}><![CDATA[{value}]]></{name}>"


def event_xml(event: str, openid: str, container: str, items: list[dict[str, str | int]]) -> bytes:
    return (
        "<xml><ToUserName><![CDATA[gh_0a1b2c3d4e5f]]></ToUserName>"
        f"<FromUserName><![CDATA[{openid}]]></FromUserName><CreateTime>{int(time.time())}</CreateTime>"
        f"<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[{event}]]></Event>"
        f"{_xml_items(container, items)}</xml>"
    ).encode()


def event_json(event: str, openid: str, container: str, items: list[dict[str, str | int]]) -> bytes:
    """As the mini-program pushes in JSON: one item's ``List`` is an object, several a list."""
    return json.dumps(
        {
            "ToUserName": "gh_0a1b2c3d4e5f",
            "FromUserName": openid,
            "CreateTime": int(time.time()),
            "MsgType": "event",
            "Event": event,
            container: {"List": items[0] if len(items) == 1 else items},
        },
        ensure_ascii=False,
    ).encode()


def sent(openid: str, *results: tuple[str, str | int, int, str], form: str = "xml") -> bytes:
    """``subscribe_msg_sent_event`` with (template id, msgid, error code, error status) per message."""
    items: list[dict[str, str | int]] = [
        {"TemplateId": template, "MsgID": msgid, "ErrorCode": code, "ErrorStatus": status}
        for template, msgid, code, status in results
    ]
    build = event_xml if form == "xml" else event_json
    return build("subscribe_msg_sent_event", openid, "SubscribeMsgSentEvent", items)


def popup(openid: str, results: dict[str, str], form: str = "xml") -> bytes:
    items: list[dict[str, str | int]] = [
        {"TemplateId": template, "SubscribeStatusString": state, "PopupScene": 1}
        for template, state in results.items()
    ]
    build = event_xml if form == "xml" else event_json
    return build("subscribe_msg_popup_event", openid, "SubscribeMsgPopupEvent", items)


def change(openid: str, *templates: str) -> bytes:
    items: list[dict[str, str | int]] = [
        {"TemplateId": t, "SubscribeStatusString": "reject"} for t in templates
    ]
    return event_xml("subscribe_msg_change_event", openid, "SubscribeMsgChangeEvent", items)


def encrypted(
    body: bytes, *, appid: str, key: str = AES_KEY, token: str = TOKEN, form: str = "xml"
) -> tuple[dict[str, str], bytes]:
    """The safe mode's (query, body) for a plaintext push ``body`` sent by ``appid``."""
    aes_key = base64.b64decode(key + "=")
    plain = secrets.token_bytes(16) + struct.pack(">I", len(body)) + body + appid.encode()
    pad = 32 - len(plain) % 32
    plain += bytes([pad]) * pad
    encryptor = Cipher(algorithms.AES(aes_key), modes.CBC(aes_key[:16])).encryptor()
    secret = base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode()
    query = signed(token, encrypt_type="aes")
    query["msg_signature"] = sha1(token, query["timestamp"], query["nonce"], secret)
    if form == "json":
        return query, json.dumps({"ToUserName": "gh_0a1b2c3d4e5f", "Encrypt": secret}).encode()
    return (
        query,
        f"<xml><ToUserName><![CDATA[gh_0a1b2c3d4e5f]]></ToUserName><Encrypt><![CDATA[{secret}]]></Encrypt></xml>".encode(),
    )
