"""An Alipay open-platform gateway on a local port, for the real ``alipay`` client: it checks the
application's RSA2 signature on every request, answers like Alipay (``{"<method>_response": {...},
"sign": ...}`` signed with Alipay's key over the response object's exact text), keeps trades and refunds
(the same refund request number answers the same), and builds asynchronous notifications signed like
Alipay's (RSA2 over the sorted parameters without ``sign`` and ``sign_type``). Keys are generated for the
test run.

Statements are per merchant, as Alipay's: a download with an owner's ``app_auth_token`` answers the
statement of that owner's account (the trades made with their token, and in the account statement the
royalty settlements paid out of it); without a token, the group's (the trades made without one)."""

import base64
import io
import itertools
import json
import threading
import time
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

APP_ID = "2021000000000001"
SELLER_ID = "2088000000000001"
NOTIFY_URL = "/payments/alipay/notify/"
CHINA = ZoneInfo("Asia/Shanghai")

ACCOUNT_HEADER = (
    "账务流水号,业务流水号,商户订单号,商品名称,发生时间,对方账号,收入金额（+元）,支出金额（-元）,账户余额（元）,"
    "交易渠道,业务类型,备注"
)
STATEMENT_HEADER = (
    "支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,"
    "商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,"
    "商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注"
)

_numbers = itertools.count(1)


def _sign(key: rsa.RSAPrivateKey, message: str) -> str:
    return base64.b64encode(key.sign(message.encode(), padding.PKCS1v15(), hashes.SHA256())).decode()


def _content(params: dict, *, leave_out: tuple[str, ...]) -> str:
    return "&".join(f"{key}={value}" for key, value in sorted(params.items()) if key not in leave_out)


class Keys:
    def __init__(self):
        self.app = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.alipay = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    @property
    def app_private_pem(self) -> str:
        return self.app.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        ).decode()

    @property
    def alipay_public_pem(self) -> str:
        return (
            self.alipay.public_key()
            .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
            .decode()
        )


def beijing(when: datetime | None = None) -> str:
    return (when or datetime.now(UTC)).astimezone(CHINA).strftime("%Y-%m-%d %H:%M:%S")


class _GbkName(zipfile.ZipInfo):
    """Alipay's zips name their files in GBK and do not say so (zip's UTF-8 flag unset)."""

    def _encodeFilenameFlags(self):
        return self.filename.encode("gbk"), self.flag_bits


@dataclass
class FakeAlipay:
    """``fail``: the next answers, ``(code, sub_code)``; ``delay``: seconds before answering;
    ``fund_change``: what a refund answers (``"Y"``: the money moved now)."""

    keys: Keys
    trades: dict[str, dict] = field(default_factory=dict)
    refunds: dict[str, dict] = field(default_factory=dict)
    requests: list[tuple[str, dict]] = field(default_factory=list)
    fail: list[tuple[str, str]] = field(default_factory=list)
    delay: float = 0.0
    fund_change: str = "Y"
    # Royalty (分账) for trades made with an owner's app_auth_token: receivers bound per token, and
    # settlements by our out_request_no; refused above ``max_ratio_percent`` of the trade.
    # ``settle_state``: each receiver's state in a new settlement (PROCESSING until ``finish_settles``).
    bound: dict[tuple[str, str], str] = field(default_factory=dict)
    settles: dict[str, dict] = field(default_factory=dict)
    max_ratio_percent: int = 30
    settle_state: str = "SUCCESS"
    # ``slow``: seconds a method's answer is held back after Alipay has done it (a lost answer);
    # ``clock``: when things happen at Alipay (payments, refunds, settlements), the tests' frozen clock
    # if they like.
    slow: dict[str, float] = field(default_factory=dict)
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    lock: threading.Lock = field(default_factory=threading.Lock)
    # The statements, built from the trades and refunds above on their Beijing day. ``bill_ready``:
    # False answers isp.bill_not_exist; ``bill_tamper``: a function over the details file's text.
    base_url: str = ""
    bill_ready: bool = True
    bill_tamper: Callable[[str], str] | None = None
    files: dict[str, bytes] = field(default_factory=dict)
    # Bumped by ``reset``: a request still waiting out a ``delay`` when its test ended (its client timed
    # out) is dropped instead of being recorded and answered into the next test's state.
    generation: int = 0

    def reset(self) -> None:
        self.generation += 1
        self.bill_ready = True
        self.bill_tamper = None
        self.files.clear()
        self.trades.clear()
        self.refunds.clear()
        self.requests.clear()
        self.fail.clear()
        self.delay = 0.0
        self.fund_change = "Y"
        self.bound.clear()
        self.settles.clear()
        self.max_ratio_percent = 30
        self.settle_state = "SUCCESS"
        self.slow.clear()
        self.clock = lambda: datetime.now(UTC)

    def calls(self, method: str) -> list[dict]:
        return [biz for name, biz in self.requests if name == method]

    def check_signature(self, params: dict) -> bool:
        try:
            self.keys.app.public_key().verify(
                base64.b64decode(params["sign"]),
                _content(params, leave_out=("sign",)).encode(),
                padding.PKCS1v15(),
                hashes.SHA256(),
            )
        except (InvalidSignature, KeyError, ValueError):
            return False
        return params.get("app_id") == APP_ID and params.get("sign_type") == "RSA2"

    def respond(self, method: str, body: dict) -> str:
        key = method.replace(".", "_") + "_response"
        inner = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
        return f'{{"{key}":{inner},"sign":"{_sign(self.keys.alipay, inner)}"}}'

    def answer(self, method: str, biz: dict, token: str = "") -> dict:
        if self.fail:
            code, sub_code = self.fail.pop(0)
            return {
                "code": code,
                "msg": "Business Failed",
                "sub_code": sub_code,
                "sub_msg": "refused by the fake",
            }
        trade = self.trades.get(biz.get("out_trade_no", ""))
        if trade is not None and trade.get("app_auth_token", "") != token:
            trade = None  # another merchant's trade: invisible without its owner's authorisation
        if method.startswith(("alipay.trade.royalty.", "alipay.trade.order.settle")):
            return self.royalty(method, biz, token)
        if method == "alipay.trade.query":
            if trade is None:
                return {"code": "40004", "msg": "Business Failed", "sub_code": "ACQ.TRADE_NOT_EXIST"}
            return {"code": "10000", "msg": "Success", **self.trade_fields(trade)}
        if method == "alipay.trade.close":
            if trade is None:
                return {"code": "40004", "msg": "Business Failed", "sub_code": "ACQ.TRADE_NOT_EXIST"}
            if trade["trade_status"] != "WAIT_BUYER_PAY":
                return {"code": "40004", "msg": "Business Failed", "sub_code": "ACQ.TRADE_STATUS_ERROR"}
            trade["trade_status"] = "TRADE_CLOSED"
            return {"code": "10000", "msg": "Success", "out_trade_no": trade["out_trade_no"]}
        if method == "alipay.trade.refund":
            return self.refund(trade, biz)
        if method == "alipay.trade.fastpay.refund.query":
            refund = self.refunds.get(biz["out_request_no"])
            if refund is None:
                return {"code": "10000", "msg": "Success"}
            return {"code": "10000", "msg": "Success", **refund, "refund_status": "REFUND_SUCCESS"}
        if method == "alipay.data.dataservice.bill.downloadurl.query":
            return self.bill(biz, token)
        return {"code": "40004", "msg": "Business Failed", "sub_code": "ACQ.INVALID_METHOD"}

    # The statements

    @staticmethod
    def pid(token: str) -> str:
        """The Alipay user id of the merchant whose statement a token opens (the group's without one)."""
        return f"2088{sum(map(ord, token)) % 10**12:012d}" if token else SELLER_ID

    def _theirs(self, trade: dict, token: str) -> bool:
        return trade.get("app_auth_token", "") == token

    def statement(self, day: str, token: str = "") -> str:
        """The day's details file as Alipay writes it: ``#`` lines, the header, tab-padded lines, totals;
        of the merchant whose ``token`` it is (the group's without one)."""
        rows, paid, refunded = [], [], []
        for trade in self.trades.values():
            if trade.get("paid", "").startswith(day) and self._theirs(trade, token):
                amount = trade["paid_amount"]
                paid.append(Decimal(amount))
                rows.append(
                    [
                        trade["trade_no"],
                        trade["out_trade_no"],
                        "交易",
                        trade["subject"],
                        trade["paid"],
                        trade["paid"],
                        "",
                        "",
                        "",
                        "",
                        "159****5620",
                        amount,
                        amount,
                        *["0.00"] * 4,
                        "0.00",
                        "",
                        "0.00",
                        "0.00",
                        "",
                        "0.00",
                        "0.00",
                        "",
                    ]
                )
        for refund in self.refunds.values():
            trade = self.trades[refund["out_trade_no"]]
            if refund["gmt_refund_pay"].startswith(day) and self._theirs(trade, token):
                amount = Decimal(refund["refund_amount"])
                refunded.append(-amount)
                rows.append(
                    [
                        trade["trade_no"],
                        trade["out_trade_no"],
                        "退款",
                        trade["subject"],
                        refund["gmt_refund_pay"],
                        refund["gmt_refund_pay"],
                        "",
                        "",
                        "",
                        "",
                        "159****5620",
                        f"{-amount:.2f}",
                        f"{-amount:.2f}",
                        *["0.00"] * 4,
                        "0.00",
                        "",
                        "0.00",
                        "0.00",
                        refund["out_request_no"],
                        "0.00",
                        "0.00",
                        "",
                    ]
                )
        lines = [
            "#支付宝业务明细查询",
            f"#账号：[{self.pid(token)}]",
            f"#起始日期：[{day} 00:00:00]   终止日期：[{day} 23:59:59]",
            "#-----------------------------------------业务明细列表----------------------------------------",
            STATEMENT_HEADER,
            *(",".join(f"{cell}\t" for cell in row) for row in rows),
            "#-----------------------------------------业务明细列表结束------------------------------------",
            f"#交易合计：{len(paid)}笔，商家实收共：{sum(paid, Decimal(0)):.2f}元，商家优惠共：0.00元",
            f"#退款合计：{len(refunded)}笔，商家实收退款共：{sum(refunded, Decimal(0)):.2f}元，"
            "商家优惠退款共：0.00元",
            f"#导出时间：[{beijing()}]",
        ]
        return "\r\n".join(lines) + "\r\n"

    def account_statement(self, day: str, token: str = "") -> str:
        """The day's account details (账务明细) of the merchant whose ``token`` it is: the trades' income,
        the refunds and the royalty settlements paid out (交易分账, one line per receiver)."""
        rows: list[tuple[str, ...]] = []
        for trade in self.trades.values():
            if trade.get("paid", "").startswith(day) and self._theirs(trade, token):
                head = (trade["trade_no"], trade["out_trade_no"], trade["subject"], trade["paid"])
                rows.append((*head, "159****5620", trade["paid_amount"], "", "在线支付"))
        for refund in self.refunds.values():
            trade = self.trades[refund["out_trade_no"]]
            if refund["gmt_refund_pay"].startswith(day) and self._theirs(trade, token):
                head = (trade["trade_no"], trade["out_trade_no"], trade["subject"], refund["gmt_refund_pay"])
                rows.append((*head, "159****5620", "", f"-{refund['refund_amount']}", "交易退款"))
        for settle in self.settles.values():
            if settle["app_auth_token"] != token:
                continue
            for detail in settle["royalty_detail_list"]:
                if detail["state"] == "SUCCESS" and detail["execute_dt"].startswith(day):
                    head = (settle["settle_no"], settle["out_request_no"], "分账", detail["execute_dt"])
                    rows.append((*head, detail["trans_in"], "", f"-{detail['amount']}", "交易分账"))
        lines = []
        income: list[Decimal] = []
        paid_out: list[Decimal] = []
        for number, (trade_no, order, subject, when, other, received, spent, kind) in enumerate(rows, 1):
            income += [Decimal(received)] if received else []
            paid_out += [Decimal(spent)] if spent else []
            cells = (f"2026{number:014d}", trade_no, order, subject, when, other, received, spent)
            lines.append(",".join(f"{cell}\t" for cell in (*cells, "0.00", "商户", kind, "")))
        text = [
            "#支付宝账务明细查询",
            f"#账号：[{self.pid(token)}]",
            f"#起始日期：[{day} 00:00:00]   终止日期：[{day} 23:59:59]",
            "#-----------------------------------------账务明细列表----------------------------------------",
            ACCOUNT_HEADER,
            *lines,
            "#-----------------------------------------账务明细列表结束------------------------------------",
            f"#收入合计：{len(income)}笔，共{sum(income, Decimal(0)):.2f}元",
            f"#支出合计：{len(paid_out)}笔，共{sum(paid_out, Decimal(0)):.2f}元",
            f"#导出时间：[{beijing()}]",
        ]
        return "\r\n".join(text) + "\r\n"

    def bill(self, biz: dict, token: str = "") -> dict:
        if not self.bill_ready:
            return {
                "code": "40004",
                "msg": "Business Failed",
                "sub_code": "isp.bill_not_exist",
                "sub_msg": "账单不存在",
            }
        kind = biz.get("bill_type")
        if kind not in ("trade", "signcustomer") or not biz.get("bill_date"):
            return {"code": "40004", "msg": "Business Failed", "sub_code": "isv.invalid-bill-type"}
        day = biz["bill_date"]
        text = self.statement(day, token) if kind == "trade" else self.account_statement(day, token)
        if self.bill_tamper is not None:
            text = self.bill_tamper(text)
        compact = day.replace("-", "")
        name = "业务明细" if kind == "trade" else "账务明细"
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for member, content in (
                (f"{self.pid(token)}0156_{compact}_{name}.csv", text),
                (f"{self.pid(token)}0156_{compact}_{name}(汇总).csv", f"#支付宝{name}汇总查询\r\n"),
            ):
                archive.writestr(_GbkName(member), content.encode("gbk"))
        file_token = uuid.uuid4().hex
        self.files[file_token] = buffer.getvalue()
        return {
            "code": "10000",
            "msg": "Success",
            "bill_download_url": f"{self.base_url}/bills/{file_token}.zip",
        }

    def royalty(self, method: str, biz: dict, token: str) -> dict:
        refused = {"code": "40004", "msg": "Business Failed"}
        if not token:
            return {**refused, "sub_code": "isv.invalid-app-auth-token"}
        if method == "alipay.trade.royalty.relation.bind":
            for receiver in biz["receiver_list"]:
                self.bound[token, receiver["account"]] = receiver["name"]
            return {"code": "10000", "msg": "Success", "result_code": "SUCCESS"}
        if method == "alipay.trade.order.settle.query":
            settle = self.settles.get(biz.get("out_request_no", ""))
            if settle is None or settle["app_auth_token"] != token:
                return {**refused, "sub_code": "ACQ.TRADE_SETTLE_NOT_EXIST"}
            return {"code": "10000", "msg": "Success", **self._settle_answer(biz["out_request_no"])}
        if method != "alipay.trade.order.settle":
            return {**refused, "sub_code": "ACQ.INVALID_METHOD"}
        with self.lock:
            number = biz["out_request_no"]
            if number in self.settles:
                return {"code": "10000", "msg": "Success", **self._settle_answer(number)}
            trade = next((t for t in self.trades.values() if t.get("trade_no") == biz["trade_no"]), None)
            if trade is None or trade.get("app_auth_token", "") != token:
                return {**refused, "sub_code": "ACQ.TRADE_NOT_EXIST"}
            if trade.get("extend_params", {}).get("royalty_freeze") != "true":
                return {**refused, "sub_code": "ACQ.TRADE_NOT_ALLOW_SETTLE"}
            lines = biz["royalty_parameters"]
            if any((token, line["trans_in"]) not in self.bound for line in lines):
                return {**refused, "sub_code": "ACQ.TRANS_IN_NOT_BIND"}
            total = sum((Decimal(line["amount"]) for line in lines), Decimal(0))
            if total * 100 > Decimal(trade["paid_amount"]) * self.max_ratio_percent:
                return {**refused, "sub_code": "ACQ.ALLOC_AMOUNT_VALIDATE_ERROR"}
            when = beijing(self.clock())
            self.settles[number] = {
                "app_auth_token": token,
                "trade_no": trade["trade_no"],
                "settle_no": f"2026{next(_numbers):020d}",
                "out_request_no": number,
                "royalty_finish": biz.get("extend_params", {}).get("royalty_finish", "false"),
                "royalty_detail_list": [
                    {
                        "operation_type": "transfer",
                        "trans_in": line["trans_in"],
                        "amount": line["amount"],
                        "state": self.settle_state,
                        "execute_dt": when,
                    }
                    for line in lines
                ],
            }
            return {"code": "10000", "msg": "Success", **self._settle_answer(number)}

    def _settle_answer(self, number: str) -> dict:
        return {key: value for key, value in self.settles[number].items() if key != "app_auth_token"}

    def finish_settles(self) -> None:
        """Alipay finishes the settlements still processing, now."""
        for settle in self.settles.values():
            for detail in settle["royalty_detail_list"]:
                if detail["state"] == "PROCESSING":
                    detail |= {"state": "SUCCESS", "execute_dt": beijing(self.clock())}

    def refund(self, trade: dict | None, biz: dict) -> dict:
        if trade is None or trade["trade_status"] not in ("TRADE_SUCCESS", "TRADE_CLOSED"):
            return {"code": "40004", "msg": "Business Failed", "sub_code": "ACQ.TRADE_NOT_EXIST"}
        number = biz["out_request_no"]
        with self.lock:
            if number in self.refunds:
                return {"code": "10000", "msg": "Success", **self.refunds[number], "fund_change": "N"}
            refunded = sum(
                Decimal(refund["refund_amount"])
                for refund in self.refunds.values()
                if refund["out_trade_no"] == trade["out_trade_no"]
            )
            if refunded + Decimal(biz["refund_amount"]) > Decimal(trade["paid_amount"]):
                return {
                    "code": "40004",
                    "msg": "Business Failed",
                    "sub_code": "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL",
                }
            self.refunds[number] = {
                "trade_no": trade["trade_no"],
                "out_trade_no": trade["out_trade_no"],
                "out_request_no": number,
                "refund_amount": biz["refund_amount"],
                "refund_fee": f"{refunded + Decimal(biz['refund_amount']):.2f}",
                "gmt_refund_pay": beijing(self.clock()),
            }
        return {"code": "10000", "msg": "Success", **self.refunds[number], "fund_change": self.fund_change}

    def trade_fields(self, trade: dict) -> dict:
        fields = {
            "out_trade_no": trade["out_trade_no"],
            "trade_status": trade["trade_status"],
            "total_amount": trade.get("paid_amount", trade["total_amount"]),
        }
        if "trade_no" in trade:
            fields |= {
                "trade_no": trade["trade_no"],
                "buyer_logon_id": "159****5620",
                "send_pay_date": trade["paid"],
            }
        return fields

    # The guest's side: opening Alipay's page (the signed address we built) and paying

    def open_page(self, url: str) -> dict:
        """What Alipay does when the guest opens our signed address: check it and keep the trade."""
        params = dict(parse_qsl(urlsplit(url).query))
        assert self.check_signature(params), "the page address is not signed by the application"
        biz = json.loads(params["biz_content"])
        self.trades.setdefault(
            biz["out_trade_no"],
            {
                **biz,
                "trade_status": "WAIT_BUYER_PAY",
                "method": params["method"],
                "app_auth_token": params.get("app_auth_token", ""),
            },
        )
        return {**params, "biz_content": biz}

    def pay(self, out_trade_no: str, *, amount: str | None = None) -> dict:
        trade = self.trades[out_trade_no]
        trade["trade_status"] = "TRADE_SUCCESS"
        trade.setdefault("trade_no", f"2026090122001{next(_numbers):015d}")
        trade["paid_amount"] = amount or trade["total_amount"]
        trade["paid"] = beijing(self.clock())
        return trade

    def notification(
        self,
        trade: dict,
        *,
        notify_id: str | None = None,
        notify_time: datetime | None = None,
        signer: rsa.RSAPrivateKey | None = None,
        app_id: str = APP_ID,
        **extra: str,
    ) -> dict[str, str]:
        params = {
            "notify_time": beijing(notify_time),
            "notify_type": "trade_status_sync",
            "notify_id": notify_id or uuid.uuid4().hex,
            "charset": "utf-8",
            "version": "1.0",
            "app_id": app_id,
            "seller_id": SELLER_ID,
            "out_trade_no": trade["out_trade_no"],
            "trade_no": trade.get("trade_no", ""),
            "trade_status": trade["trade_status"],
            "total_amount": trade.get("paid_amount", trade["total_amount"]),
            "receipt_amount": trade.get("paid_amount", trade["total_amount"]),
            "subject": trade["subject"],
            "gmt_create": beijing(datetime.now(UTC) - timedelta(minutes=1)),
            **({"gmt_payment": trade["paid"]} if "paid" in trade else {}),
            **extra,
        }
        params["sign"] = _sign(signer or self.keys.alipay, _content(params, leave_out=("sign", "sign_type")))
        params["sign_type"] = "RSA2"
        return params

    def refund_notification(self, out_request_no: str, **options) -> dict[str, str]:
        refund = self.refunds[out_request_no]
        trade = self.trades[refund["out_trade_no"]]
        full = Decimal(refund["refund_fee"]) == Decimal(trade["paid_amount"])
        state = {**trade, "trade_status": "TRADE_CLOSED" if full else "TRADE_SUCCESS"}
        return self.notification(
            state, out_biz_no=out_request_no, refund_fee=refund["refund_fee"], gmt_refund=beijing(), **options
        )


class _Handler(BaseHTTPRequestHandler):
    fake: FakeAlipay

    def log_message(self, format, *args):
        pass

    def do_GET(self):
        fake = self.fake
        if fake.delay:
            generation = fake.generation
            time.sleep(fake.delay)
            if fake.generation != generation:  # the test that asked is over; so is this request
                self.close_connection = True
                return
        if self.path.startswith("/bills/"):  # the statement's file: a plain download, not signed
            content = fake.files.get(self.path.removeprefix("/bills/").removesuffix(".zip"))
            self.send_response(200 if content else 404)
            self.send_header("Content-Type", "application/oct-stream")
            self.send_header("Content-Length", str(len(content or b"")))
            self.end_headers()
            self.wfile.write(content or b"")
            return
        params = dict(parse_qsl(urlsplit(self.path).query))
        if not fake.check_signature(params):
            text = json.dumps(
                {
                    "error_response": {
                        "code": "40002",
                        "msg": "Invalid Arguments",
                        "sub_code": "isv.invalid-signature",
                    }
                }
            )
        else:
            biz = json.loads(params.get("biz_content") or "{}")
            fake.requests.append((params["method"], biz))
            answer = fake.answer(params["method"], biz, params.get("app_auth_token", ""))
            text = fake.respond(params["method"], answer)
            time.sleep(fake.slow.get(params["method"], 0))  # done, but the answer comes late
        try:
            self.send_response(200)
            self.send_header("Content-Type", "text/html;charset=utf-8")
            self.send_header("Content-Length", str(len(text.encode())))
            self.end_headers()
            self.wfile.write(text.encode())
        except (BrokenPipeError, ConnectionResetError):
            pass


def serve(fake: FakeAlipay) -> tuple[ThreadingHTTPServer, str]:
    handler = type("Handler", (_Handler,), {"fake": fake})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    fake.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    return server, f"{fake.base_url}/gateway.do"
