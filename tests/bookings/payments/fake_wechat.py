"""A WeChat Pay API v3 on a local port, for the real ``wechatpayv3`` client: it checks the merchant's
signature on every request, signs every answer with the platform key (RSA-SHA256 over
``timestamp\\nnonce\\nbody\\n``), keeps orders and refunds like WeChat Pay (the same order or refund
number answers the same), and builds payment and refund notifications signed and encrypted (AES-256-GCM
with the APIv3 key) as WeChat Pay sends them. Keys are generated for the test run."""

import base64
import gzip
import hashlib
import itertools
import json
import os
import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.x509.oid import NameOID

MCHID = "1900000109"
APPID = "wx0123456789abcdef"
OA_APPID = "wx0fa0000000000001"  # the official account (JSAPI inside WeChat's browser), as tests/conftest.py
MINI_APPID = "wx0mini000000000002"  # the mini-program, as tests/conftest.py
BOUND_APPIDS = {APPID, OA_APPID, MINI_APPID}  # the AppIDs bound to the merchant number
MERCHANT_SERIAL = "3775B6A45ACD588826D15E583A95F5DD2C5A8D17"
APIV3_KEY = "0123456789abcdef0123456789abcdef"  # 32 bytes
PUBLIC_KEY_ID = "PUB_KEY_ID_0119000001092025000000000001"
NOTIFY_URL = "/payments/wechat/notify/"
PARTNER_ORDERS = ("/v3/pay/partner/transactions/native", "/v3/pay/partner/transactions/h5")

CHINA = ZoneInfo("Asia/Shanghai")
TRADE_BILL_HEADER = (
    "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,"
    "应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,"
    "手续费,费率,订单金额,申请退款金额,费率备注"
)
TRADE_BILL_SUMMARY = (
    "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额"
)
SPLIT_BILL_HEADER = (
    "分账发起时间,分账方商户号,分账出资商户号,微信订单号,微信分账/回退单号,资金流水单号,商户分账/回退单号,"
    "分账接收方类型,分账接收方,动账金额,业务类型,处理状态,动账描述,备注"
)
SPLIT_BILL_SUMMARY = "总条数,分账成功出资金,分账失败出资金,解冻金额,分账回退金额"

_numbers = itertools.count(1)


def _yuan(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"


def _cells(values) -> str:
    return ",".join(f"`{value}" for value in values)


def _beijing_day(stamp: str) -> str:
    return datetime.fromisoformat(stamp).astimezone(CHINA).date().isoformat()


def _beijing(stamp: str) -> str:
    return datetime.fromisoformat(stamp).astimezone(CHINA).strftime("%Y-%m-%d %H:%M:%S")


def _pem_private(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def _pem_public(key: rsa.RSAPublicKey) -> str:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def _sign(key: rsa.RSAPrivateKey, message: str) -> str:
    return base64.b64encode(key.sign(message.encode(), padding.PKCS1v15(), hashes.SHA256())).decode()


def _certificate(key: rsa.RSAPrivateKey) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Tenpay.com Root CA test")])
    now = datetime.now(UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365))
        .sign(key, hashes.SHA256())
    )


class Keys:
    """The merchant's API key and WeChat Pay's platform key (with its self-signed certificate)."""

    def __init__(self):
        self.merchant = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.platform = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.certificate = _certificate(self.platform)

    @property
    def merchant_pem(self) -> str:
        return _pem_private(self.merchant)

    @property
    def platform_public_pem(self) -> str:
        return _pem_public(self.platform.public_key())

    @property
    def certificate_pem(self) -> str:
        return self.certificate.public_bytes(serialization.Encoding.PEM).decode()

    @property
    def certificate_serial(self) -> str:
        return format(self.certificate.serial_number, "X")


def encrypt(plaintext: str, associated_data: str = "transaction", key: str = APIV3_KEY) -> dict:
    nonce = uuid.uuid4().hex[:12]
    ciphertext = AESGCM(key.encode()).encrypt(nonce.encode(), plaintext.encode(), associated_data.encode())
    return {
        "algorithm": "AEAD_AES_256_GCM",
        "ciphertext": base64.b64encode(ciphertext).decode(),
        "associated_data": associated_data,
        "nonce": nonce,
    }


@dataclass
class Notification:
    body: str
    headers: dict[str, str]


@dataclass
class FakeWeChatPay:
    """The fake's state. ``fail``: the next answers, ``(status, code)``; ``delay``: seconds to wait before
    answering (a timeout); ``serial``: the platform key id the answers name (public key mode, or the
    certificate's serial in certificate mode)."""

    keys: Keys
    serial: str = PUBLIC_KEY_ID
    orders: dict[str, dict] = field(default_factory=dict)
    refunds: dict[str, dict] = field(default_factory=dict)
    requests: list[tuple[str, str, dict]] = field(default_factory=list)
    openids: dict[str, str] = field(default_factory=dict)  # openid -> the AppID it belongs to
    fail: list[tuple[int, str]] = field(default_factory=list)
    refund_status: str = "PROCESSING"
    delay: float = 0.0
    # Profit sharing (service-provider mode): receivers added per sub-merchant, split and return orders
    # by our numbers, the state a new split answers and each receiver's result.
    receivers: dict[tuple[str, str], str] = field(default_factory=dict)
    splits: dict[str, dict] = field(default_factory=dict)
    returns: dict[str, dict] = field(default_factory=dict)
    split_state: str = "FINISHED"
    receiver_result: str = "SUCCESS"
    return_result: str = "SUCCESS"
    max_ratio_percent: int = 30
    lock: threading.Lock = field(default_factory=threading.Lock)
    # The bills: built from the orders and refunds above on their Beijing day. ``bill_error``: what the
    # bill endpoints answer instead, ``(status, code)``; ``split_lines``: more profit-sharing bill lines
    # (the bill also lists the splits and returns made here, on the Beijing day they finished);
    # ``bill_tamper``: a function over the bill's file text (a file that disagrees with its summary).
    # ``clock``: when payments, refunds, splits and returns happen here (the tests' frozen clock if
    # they like).
    base_url: str = ""
    bill_error: tuple[int, str] | None = None
    split_lines: list[dict] = field(default_factory=list)
    bill_tamper: Callable[[str], str] | None = None
    files: dict[str, bytes] = field(default_factory=dict)
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    # Bumped by ``reset``: a request still waiting out a ``delay`` when its test ended (its client timed
    # out) is dropped instead of being recorded and answered into the next test's state.
    generation: int = 0

    def reset(self, serial: str = PUBLIC_KEY_ID) -> None:
        self.generation += 1
        self.bill_error = None
        self.split_lines.clear()
        self.clock = lambda: datetime.now(UTC)
        self.bill_tamper = None
        self.files.clear()
        self.serial = serial
        self.orders.clear()
        self.refunds.clear()
        self.requests.clear()
        self.openids.clear()
        self.fail.clear()
        self.refund_status = "PROCESSING"
        self.delay = 0.0
        self.receivers.clear()
        self.splits.clear()
        self.returns.clear()
        self.split_state = "FINISHED"
        self.receiver_result = "SUCCESS"
        self.return_result = "SUCCESS"
        self.max_ratio_percent = 30

    def calls(self, path_start: str) -> list[tuple[str, str, dict]]:
        return [call for call in self.requests if call[1].startswith(path_start)]

    # The merchant's side of the API

    def check_authorization(self, method: str, path: str, body: str, header: str) -> bool:
        fields = dict(re.findall(r'(\w+)="([^"]*)"', header))
        if not header.startswith("WECHATPAY2-SHA256-RSA2048 ") or fields.get("mchid") != MCHID:
            return False
        if (
            fields.get("serial_no") != MERCHANT_SERIAL
            or abs(time.time() - int(fields.get("timestamp", 0))) > 300
        ):
            return False
        message = f"{method}\n{path}\n{fields['timestamp']}\n{fields['nonce_str']}\n{body}\n"
        try:
            self.keys.merchant.public_key().verify(
                base64.b64decode(fields["signature"]), message.encode(), padding.PKCS1v15(), hashes.SHA256()
            )
        except (InvalidSignature, KeyError, ValueError):
            return False
        return True

    def answer(self, method: str, path: str, body: dict) -> tuple[int, dict | None]:
        if self.fail:
            status, code = self.fail.pop(0)
            return status, {"code": code, "message": "refused by the fake"}
        url = urlsplit(path)
        parts = url.path.split("/")
        if method == "POST" and url.path in ("/v3/pay/transactions/native", "/v3/pay/transactions/h5"):
            return self.order(body, h5=url.path.endswith("h5"))
        if method == "POST" and url.path == "/v3/pay/transactions/jsapi":
            return self.order(body, jsapi=True)
        if method == "POST" and url.path in PARTNER_ORDERS:
            return self.partner_order(body, h5=url.path.endswith("h5"))
        if method == "GET" and url.path in ("/v3/bill/tradebill", "/v3/profitsharing/bills"):
            return self.bill_apply(url.path, {key: values[0] for key, values in parse_qs(url.query).items()})
        if url.path.startswith("/v3/profitsharing/"):
            return self.profit_sharing(method, url.path, parse_qs(url.query), body)
        if method == "POST" and url.path.endswith("/close"):
            order = self.orders.get(parts[-2])
            if order is None:
                return 404, {"code": "ORDER_NOT_EXIST", "message": "订单不存在"}
            if order["trade_state"] == "SUCCESS":
                return 400, {"code": "ORDERPAID", "message": "订单已支付"}
            order["trade_state"] = "CLOSED"
            return 204, None
        if method == "GET" and url.path.startswith(
            ("/v3/pay/transactions/out-trade-no/", "/v3/pay/partner/transactions/out-trade-no/")
        ):
            order = self.orders.get(parts[-1])
            if order is None:
                return 404, {"code": "ORDER_NOT_EXIST", "message": "订单不存在"}
            if order.get("sub_mchid") != next(iter(parse_qs(url.query).get("sub_mchid") or []), None):
                return 404, {"code": "ORDER_NOT_EXIST", "message": "订单不存在(子商户不符)"}
            return 200, self.transaction(order)
        if method == "POST" and url.path == "/v3/refund/domestic/refunds":
            return self.refund(body)
        if method == "GET" and url.path == "/v3/certificates":
            return 200, self.certificates()
        return 404, {"code": "NOT_FOUND", "message": url.path}

    def order(self, body: dict, *, h5: bool = False, jsapi: bool = False) -> tuple[int, dict]:
        number = body["out_trade_no"]
        if body.get("mchid") != MCHID or body.get("appid") not in BOUND_APPIDS or not body.get("notify_url"):
            return 400, {"code": "PARAM_ERROR", "message": "mchid, appid and notify_url are required"}
        if h5 and not body.get("scene_info", {}).get("payer_client_ip"):
            return 400, {"code": "PARAM_ERROR", "message": "scene_info.payer_client_ip is required"}
        openid = body.get("payer", {}).get("openid")
        if jsapi and not openid:
            return 400, {"code": "PARAM_ERROR", "message": "payer.openid is required"}
        if jsapi and self.openids.get(openid, body["appid"]) != body["appid"]:
            return 400, {"code": "PARAM_ERROR", "message": "appid和openid不匹配"}
        kind = "JSAPI" if jsapi else "MWEB" if h5 else "NATIVE"
        with self.lock:
            order = self.orders.setdefault(
                number, {**body, "trade_state": "NOTPAY", "prepay": uuid.uuid4().hex, "trade_type": kind}
            )
        if (
            order["amount"] != body["amount"]
            or order["trade_type"] != kind
            or order["appid"] != body["appid"]
        ):
            return 400, {"code": "INVALID_REQUEST", "message": "201 商户订单号重复"}
        if jsapi:
            return 200, {"prepay_id": f"wx{order['prepay']}"}
        if h5:
            return 200, {
                "h5_url": f"https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id={order['prepay']}"
            }
        return 200, {"code_url": f"weixin://wxpay/bizpayurl?pr={order['prepay'][:10]}"}

    def partner_order(self, body: dict, *, h5: bool) -> tuple[int, dict]:
        """An order of the service provider for a sub-merchant; frozen for profit sharing when
        ``settle_info.profit_sharing`` says so."""
        if body.get("sp_mchid") != MCHID or body.get("sp_appid") != APPID or not body.get("sub_mchid"):
            return 400, {"code": "PARAM_ERROR", "message": "sp_mchid, sp_appid and sub_mchid are required"}
        direct = {key: value for key, value in body.items() if key not in ("sp_mchid", "sp_appid")}
        status, answer = self.order({**direct, "mchid": MCHID, "appid": APPID}, h5=h5)
        order = self.orders.get(body["out_trade_no"])
        if order is not None and order.get("sub_mchid") != body["sub_mchid"]:
            return 400, {"code": "INVALID_REQUEST", "message": "201 商户订单号重复"}
        return status, answer

    def profit_sharing(self, method: str, path: str, query: dict, body: dict) -> tuple[int, dict]:
        if method == "POST" and path == "/v3/profitsharing/receivers/add":
            if not body.get("sub_mchid") or body.get("type") != "MERCHANT_ID" or not body.get("name"):
                return 400, {"code": "PARAM_ERROR", "message": "sub_mchid, type and name are required"}
            name = self.decrypt_name(body["name"])
            if name is None:
                return 400, {"code": "PARAM_ERROR", "message": "name 解密失败"}
            self.receivers[body["sub_mchid"], body["account"]] = name
            return 200, {"sub_mchid": body["sub_mchid"], "type": body["type"], "account": body["account"]}
        if method == "POST" and path == "/v3/profitsharing/orders":
            return self.split_order(body)
        if method == "POST" and path == "/v3/profitsharing/orders/unfreeze":
            return self.unfreeze(body)
        if method == "GET" and path.startswith("/v3/profitsharing/orders/"):
            split = self.splits.get(path.rsplit("/", 1)[-1])
            if split is None or split["sub_mchid"] != (query.get("sub_mchid") or [None])[0]:
                return 404, {"code": "RESOURCE_NOT_EXISTS", "message": "记录不存在"}
            return 200, split
        if method == "POST" and path == "/v3/profitsharing/return-orders":
            return self.split_return(body)
        return 404, {"code": "NOT_FOUND", "message": path}

    def decrypt_name(self, ciphertext: str) -> str | None:
        try:
            return self.keys.platform.decrypt(
                base64.b64decode(ciphertext),
                # WeChat Pay's own choice for sensitive fields: RSA-OAEP with SHA-1
                padding.OAEP(
                    mgf=padding.MGF1(algorithm=hashes.SHA1()),  # noqa: S303
                    algorithm=hashes.SHA1(),  # noqa: S303
                    label=None,
                ),
            ).decode()
        except ValueError:
            return None

    def _frozen_order(self, body: dict) -> tuple[dict | None, tuple[int, dict] | None]:
        order = next(
            (o for o in self.orders.values() if o.get("transaction_id") == body.get("transaction_id")), None
        )
        if order is None or order.get("sub_mchid") != body.get("sub_mchid"):
            return None, (404, {"code": "RESOURCE_NOT_EXISTS", "message": "订单不存在"})
        if not order.get("settle_info", {}).get("profit_sharing"):
            return None, (403, {"code": "NO_AUTH", "message": "该订单不需要分账"})
        return order, None

    def split_order(self, body: dict) -> tuple[int, dict]:
        with self.lock:
            number = body["out_order_no"]
            if number in self.splits:  # the same number answers the same order
                return 200, self.splits[number]
            order, refused = self._frozen_order(body)
            if refused:
                return refused
            assert order is not None
            if any(split["transaction_id"] == order["transaction_id"] for split in self.splits.values()):
                return 400, {"code": "INVALID_REQUEST", "message": "订单已分账完成(已解冻)"}
            lines = body["receivers"]
            for line in lines:
                name = self.decrypt_name(line.get("name", ""))
                if (body["sub_mchid"], line["account"]) not in self.receivers:
                    return 400, {"code": "RECEIVER_INVALID", "message": "分账接收方未添加"}
                if name != self.receivers[body["sub_mchid"], line["account"]]:
                    return 400, {"code": "PARAM_ERROR", "message": "分账接收方全称不匹配"}
            total = sum(line["amount"] for line in lines)
            if total * 100 > order["paid_total"] * self.max_ratio_percent:
                return 400, {"code": "INVALID_REQUEST", "message": "分账金额超出最大分账比例"}
            closed = self.receiver_result == "CLOSED"
            self.splits[number] = {
                "sub_mchid": body["sub_mchid"],
                "transaction_id": body["transaction_id"],
                "out_order_no": number,
                "order_id": f"30000{next(_numbers):023d}",
                "state": "FINISHED" if closed else self.split_state,
                "receivers": [
                    {
                        "amount": line["amount"],
                        "description": line["description"],
                        "type": line["type"],
                        "account": line["account"],
                        "result": self.receiver_result
                        if self.split_state == "FINISHED" or closed
                        else "PENDING",
                        "fail_reason": "ACCOUNT_ABNORMAL" if closed else "",
                        "detail_id": f"36011{next(_numbers):023d}",
                        "create_time": self.clock().astimezone().isoformat(timespec="seconds"),
                        "finish_time": self.clock().astimezone().isoformat(timespec="seconds"),
                    }
                    for line in lines
                ],
                "unfreeze_unsplit": body["unfreeze_unsplit"],
            }
            return 200, self.splits[number]

    def finish_splits(self) -> None:
        """WeChat Pay finishes the splits still processing."""
        for split in self.splits.values():
            split["state"] = "FINISHED"
            for receiver in split["receivers"]:
                if receiver["result"] != "SUCCESS":
                    receiver["result"] = "SUCCESS"
                    receiver["finish_time"] = self.clock().astimezone().isoformat(timespec="seconds")

    def unfreeze(self, body: dict) -> tuple[int, dict]:
        with self.lock:
            number = body["out_order_no"]
            if number not in self.splits:
                _order, refused = self._frozen_order(body)
                if refused:
                    return refused
                self.splits[number] = {
                    "sub_mchid": body["sub_mchid"],
                    "transaction_id": body["transaction_id"],
                    "out_order_no": number,
                    "order_id": f"30000{next(_numbers):023d}",
                    "state": "FINISHED",
                    "receivers": [],
                }
            return 200, self.splits[number]

    def split_return(self, body: dict) -> tuple[int, dict]:
        with self.lock:
            number = body["out_return_no"]
            if number in self.returns:
                return 200, self.returns[number]
            split = self.splits.get(body.get("out_order_no", ""))
            if split is None or split["sub_mchid"] != body.get("sub_mchid"):
                return 404, {"code": "RESOURCE_NOT_EXISTS", "message": "分账单不存在"}
            receiver = next((r for r in split["receivers"] if r["account"] == body["return_mchid"]), None)
            returned = sum(
                r["amount"]
                for r in self.returns.values()
                if r["out_order_no"] == split["out_order_no"] and r["return_mchid"] == body["return_mchid"]
            )
            if receiver is None or body["amount"] + returned > receiver["amount"]:
                return 400, {"code": "INVALID_REQUEST", "message": "回退金额超过分账金额"}
            self.returns[number] = {
                "sub_mchid": body["sub_mchid"],
                "order_id": split["order_id"],
                "out_order_no": split["out_order_no"],
                "out_return_no": number,
                "return_id": f"40000{next(_numbers):023d}",
                "return_mchid": body["return_mchid"],
                "amount": body["amount"],
                "description": body["description"],
                "result": self.return_result,
                "fail_reason": "ACCOUNT_ABNORMAL" if self.return_result == "FAILED" else "",
                "finish_time": self.clock().astimezone().isoformat(timespec="seconds"),
            }
            return 200, self.returns[number]

    def refund(self, body: dict) -> tuple[int, dict]:
        number = body["out_refund_no"]
        order = next(
            (
                order
                for order in self.orders.values()
                if order.get("transaction_id") == body.get("transaction_id")
                or order["out_trade_no"] == body.get("out_trade_no")
            ),
            None,
        )
        if order is None or order["trade_state"] not in ("SUCCESS", "REFUND"):
            return 404, {"code": "RESOURCE_NOT_EXISTS", "message": "订单不存在"}
        if order.get("sub_mchid") != body.get("sub_mchid"):
            return 404, {"code": "RESOURCE_NOT_EXISTS", "message": "订单不存在(子商户不符)"}
        if body["amount"]["total"] != order["paid_total"]:
            return 400, {"code": "PARAM_ERROR", "message": "订单金额或退款金额与之前请求不一致"}
        with self.lock:
            if number not in self.refunds:
                self.refunds[number] = {
                    "refund_id": f"50000{next(_numbers):010d}",
                    "out_refund_no": number,
                    "transaction_id": order["transaction_id"],
                    "out_trade_no": order["out_trade_no"],
                    "status": self.refund_status,
                    "amount": {**body["amount"], "payer_refund": body["amount"]["refund"]},
                }
                if self.refund_status == "SUCCESS":
                    self.refunds[number]["success_time"] = (
                        self.clock().astimezone().isoformat(timespec="seconds")
                    )
                order["trade_state"] = "REFUND"
        return 200, self.refunds[number]

    # The bills

    def trade_bill(self, day: str) -> str:
        """The day's trade bill (bill_type ALL) as WeChat Pay writes it: backtick-prefixed fields, then the
        summary. A payment's line on the day it succeeded, a refund's on the day it did."""
        rows = []
        for order in self.orders.values():
            if "success_time" in order and _beijing_day(order["success_time"]) == day:
                rows.append(self._bill_row(order, order["success_time"], "SUCCESS", None))
        for refund in self.refunds.values():
            if refund.get("success_time") and _beijing_day(refund["success_time"]) == day:
                order = self.orders[refund["out_trade_no"]]
                rows.append(self._bill_row(order, refund["success_time"], "REFUND", refund))
        orders_total = sum(row[1] for row in rows)
        refunds_total = sum(row[2] for row in rows)
        settled = sum(row[3] for row in rows)
        lines = [TRADE_BILL_HEADER, *(row[0] for row in rows), TRADE_BILL_SUMMARY]
        lines.append(
            _cells(
                [
                    len(rows),
                    _yuan(settled),
                    _yuan(refunds_total),
                    "0.00",
                    "0.00000",
                    _yuan(orders_total),
                    _yuan(refunds_total),
                ]
            )
        )
        return "\r\n".join(lines) + "\r\n"

    def _bill_row(self, order: dict, when: str, state: str, refund: dict | None) -> tuple[str, int, int, int]:
        paid = order["paid_total"] if refund is None else 0
        refunded = refund["amount"]["refund"] if refund else 0
        values = [
            _beijing(when),
            APPID,
            MCHID,
            order.get("sub_mchid") or "0",
            "",
            order["transaction_id"],
            order["out_trade_no"],
            "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
            "NATIVE",
            state,
            "OTHERS",
            order["paid_currency"],
            _yuan(paid),
            "0.00",
            refund["refund_id"] if refund else "0",
            refund["out_refund_no"] if refund else "0",
            _yuan(refunded),
            "0.00",
            "ORIGINAL" if refund else "",
            refund["status"] if refund else "",
            order["description"],
            order.get("attach", ""),
            _yuan(paid * 6 // 1000) + "000",
            "0.60%",
            _yuan(paid),
            _yuan(refunded),
            "",
        ]
        return _cells(values), paid, refunded, paid

    def split_bill_lines(self, day: str) -> list[dict]:
        """The profit-sharing bill's lines of the day: each receiver of a split here that finished that
        day (分账), each return that finished (回退), then ``split_lines``."""
        made = []
        for split in self.splits.values():
            for receiver in split["receivers"]:
                finished = receiver["result"] in ("SUCCESS", "CLOSED")
                if finished and _beijing_day(receiver["finish_time"]) == day:
                    made.append(
                        {
                            "day": day,
                            "sub_mchid": split["sub_mchid"],
                            "transaction_id": split["transaction_id"],
                            "order_id": split["order_id"],
                            "out_order_no": split["out_order_no"],
                            "receiver": receiver["account"],
                            "amount": receiver["amount"],
                            "type": "分账",
                            "status": "分账成功" if receiver["result"] == "SUCCESS" else "分账失败",
                        }
                    )
        for back in self.returns.values():
            if back["result"] in ("SUCCESS", "FAILED") and _beijing_day(back["finish_time"]) == day:
                split = self.splits[back["out_order_no"]]
                made.append(
                    {
                        "day": day,
                        "sub_mchid": back["sub_mchid"],
                        "transaction_id": split["transaction_id"],
                        "order_id": back["return_id"],
                        "out_order_no": back["out_return_no"],
                        "receiver": back["return_mchid"],
                        "amount": back["amount"],
                        "type": "回退",
                        "status": "回退成功" if back["result"] == "SUCCESS" else "回退失败",
                    }
                )
        return made + [split for split in self.split_lines if split["day"] == day]

    def split_bill(self, day: str) -> str:
        rows = self.split_bill_lines(day)
        done = sum(
            split["amount"] for split in rows if split["status"] == "分账成功" and split["type"] == "分账"
        )
        failed = sum(
            split["amount"] for split in rows if split["status"] != "分账成功" and split["type"] == "分账"
        )
        returned = sum(
            split["amount"] for split in rows if split["status"] == "回退成功" and split["type"] == "回退"
        )
        lines = [SPLIT_BILL_HEADER]
        for split in rows:
            lines.append(
                _cells(
                    [
                        f"{day} 12:00:00",
                        MCHID,
                        split.get("sub_mchid", MCHID),
                        split["transaction_id"],
                        split["order_id"],
                        f"FL{next(_numbers):010d}",
                        split["out_order_no"],
                        split.get("receiver_type", "MERCHANT_ID"),
                        split["receiver"],
                        _yuan(split["amount"]),
                        split["type"],
                        split["status"],
                        "分给商户" if split["type"] == "分账" else "退款回退",
                        "",
                    ]
                )
            )
        summary = [len(rows), _yuan(done), _yuan(failed), "0.00", _yuan(returned)]
        lines += [SPLIT_BILL_SUMMARY, _cells(summary)]
        return "\r\n".join(lines) + "\r\n"

    def bill_apply(self, path: str, query: dict) -> tuple[int, dict]:
        if self.bill_error is not None:
            status, code = self.bill_error
            return status, {"code": code, "message": "refused by the fake"}
        if query.get("tar_type") != "GZIP" or not query.get("bill_date"):
            return 400, {"code": "PARAM_ERROR", "message": "bill_date and tar_type"}
        day = query["bill_date"]
        text = self.trade_bill(day) if path.endswith("tradebill") else self.split_bill(day)
        if self.bill_tamper is not None:
            text = self.bill_tamper(text)
        raw = text.encode("utf-8")
        token = uuid.uuid4().hex
        self.files[token] = gzip.compress(raw)
        return 200, {
            "hash_type": "SHA1",
            "hash_value": hashlib.sha1(raw, usedforsecurity=False).hexdigest(),
            "download_url": f"{self.base_url}/v3/billdownload/file?token={token}",
        }

    def certificates(self) -> dict:
        pem = self.keys.certificate_pem
        return {
            "data": [
                {
                    "serial_no": self.keys.certificate_serial,
                    "effective_time": "2020-01-01T00:00:00+08:00",
                    "expire_time": "2099-01-01T00:00:00+08:00",
                    "encrypt_certificate": encrypt(pem, "certificate"),
                }
            ]
        }

    def transaction(self, order: dict) -> dict:
        result = {
            "appid": order.get("appid", APPID),
            "mchid": MCHID,
            "out_trade_no": order["out_trade_no"],
            "trade_state": order["trade_state"],
            "trade_state_desc": order["trade_state"],
            "attach": order.get("attach", ""),
        }
        if "transaction_id" in order:
            result |= {
                "transaction_id": order["transaction_id"],
                "trade_type": order["trade_type"],
                "bank_type": "OTHERS",
                "success_time": order["success_time"],
                "payer": {"openid": order.get("payer", {}).get("openid", "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o")},
                "amount": {
                    "total": order["paid_total"],
                    "payer_total": order["paid_total"],
                    "currency": order["paid_currency"],
                    "payer_currency": order["paid_currency"],
                },
            }
        return result

    # WeChat's side of JSAPI: the pay sheet checks what the page hands it

    def order_for_package(self, params: dict) -> dict | None:
        """The order a ``getBrandWCPayRequest`` / ``wx.requestPayment`` call would pay, as WeChat checks
        it: every field present, ``signType`` RSA, ``paySign`` the merchant's RSA-SHA256 signature over
        ``appId\ntimeStamp\nnonceStr\npackage\n``, a fresh timestamp and a prepay of this app."""
        fields = ("appId", "timeStamp", "nonceStr", "package", "signType", "paySign")
        if not all(isinstance(params.get(name), str) and params[name] for name in fields):
            return None
        if params["signType"] != "RSA" or abs(time.time() - int(params["timeStamp"])) > 300:
            return None
        message = "".join(f"{params[name]}\n" for name in fields[:4])
        try:
            self.keys.merchant.public_key().verify(
                base64.b64decode(params["paySign"]), message.encode(), padding.PKCS1v15(), hashes.SHA256()
            )
        except (InvalidSignature, ValueError):
            return None
        return next(
            (
                order
                for order in self.orders.values()
                if order["trade_type"] == "JSAPI"
                and params["package"] == f"prepay_id=wx{order['prepay']}"
                and order["appid"] == params["appId"]
            ),
            None,
        )

    # WeChat Pay's side: the guest pays, WeChat Pay notifies

    def pay(self, out_trade_no: str, *, total: int | None = None, currency: str = "CNY") -> dict:
        """The guest pays the order (``total`` fen, by default what it asks); returns the transaction."""
        order = self.orders[out_trade_no]
        order["trade_state"] = "SUCCESS"
        order.setdefault("transaction_id", f"42000{next(_numbers):023d}")
        order["paid_total"] = order["amount"]["total"] if total is None else total
        order["paid_currency"] = currency
        order["success_time"] = self.clock().astimezone().isoformat(timespec="seconds")
        return self.transaction(order)

    def notification(
        self,
        resource: dict,
        *,
        event_type: str = "TRANSACTION.SUCCESS",
        notification_id: str | None = None,
        timestamp: int | None = None,
        signer: rsa.RSAPrivateKey | None = None,
        apiv3_key: str = APIV3_KEY,
    ) -> Notification:
        kind = "refund" if event_type.startswith("REFUND.") else "transaction"
        body = json.dumps(
            {
                "id": notification_id or str(uuid.uuid4()),
                "create_time": datetime.now(UTC).astimezone().isoformat(timespec="seconds"),
                "resource_type": "encrypt-resource",
                "event_type": event_type,
                "summary": "支付成功" if kind == "transaction" else "退款状态变更",
                "resource": {
                    **encrypt(json.dumps(resource, ensure_ascii=False), kind, apiv3_key),
                    "original_type": kind,
                },
            },
            ensure_ascii=False,
        )
        return Notification(body, self.signed_headers(body, timestamp=timestamp, signer=signer))

    def refund_notification(self, out_refund_no: str, status: str = "SUCCESS", **options) -> Notification:
        refund = self.refunds[out_refund_no]
        refund["status"] = status
        if status == "SUCCESS":
            refund.setdefault("success_time", datetime.now(UTC).astimezone().isoformat(timespec="seconds"))
        resource = {
            "mchid": MCHID,
            "out_trade_no": refund["out_trade_no"],
            "transaction_id": refund["transaction_id"],
            "out_refund_no": out_refund_no,
            "refund_id": refund["refund_id"],
            "refund_status": status,
            "amount": refund["amount"],
        }
        return self.notification(resource, event_type=f"REFUND.{status}", **options)

    def signed_headers(
        self, body: str, *, timestamp: int | None = None, signer: rsa.RSAPrivateKey | None = None
    ) -> dict[str, str]:
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        nonce = uuid.uuid4().hex.upper()
        return {
            "Wechatpay-Timestamp": stamp,
            "Wechatpay-Nonce": nonce,
            "Wechatpay-Serial": self.serial,
            "Wechatpay-Signature": _sign(signer or self.keys.platform, f"{stamp}\n{nonce}\n{body}\n"),
            "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048",
        }


class _Handler(BaseHTTPRequestHandler):
    fake: FakeWeChatPay

    def log_message(self, format, *args):
        pass

    def _handle(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode() if length else ""
        fake = self.fake
        if fake.delay:
            generation = fake.generation
            time.sleep(fake.delay)
            if fake.generation != generation:  # the test that asked is over; so is this request
                self.close_connection = True
                return
        answer: dict | None
        if not fake.check_authorization(method, self.path, raw, self.headers.get("Authorization", "")):
            status, answer = 401, {"code": "SIGN_ERROR", "message": "签名错误"}
        elif urlsplit(self.path).path == "/v3/billdownload/file":  # the file itself: not signed, gzip
            token = parse_qs(urlsplit(self.path).query).get("token", [""])[0]
            fake.requests.append((method, self.path, {}))
            self._file(fake.files.get(token))
            return
        else:
            body = json.loads(raw) if raw else {}
            fake.requests.append((method, self.path, body))
            status, answer = fake.answer(method, self.path, body)
        text = "" if answer is None else json.dumps(answer, ensure_ascii=False)
        headers = fake.signed_headers(text)
        try:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            if answer is not None:
                self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(text.encode())))
            self.end_headers()
            self.wfile.write(text.encode())
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout test)
            pass

    def _file(self, content: bytes | None) -> None:
        try:
            if content is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def do_GET(self):
        self._handle("GET")

    def do_POST(self):
        self._handle("POST")


def serve(fake: FakeWeChatPay) -> tuple[ThreadingHTTPServer, str]:
    handler = type("Handler", (_Handler,), {"fake": fake})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    fake.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    return server, fake.base_url


def certificate_dir(keys: Keys, directory: str) -> str:
    """A platform certificate directory as WeChat Pay's tool leaves it (``<serial>.pem``)."""
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, f"{keys.certificate_serial}.pem"), "w") as file:
        file.write(keys.certificate_pem)
    return directory
