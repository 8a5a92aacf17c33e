"""Alipay's daily statements (对账单), through ``python-alipay-sdk``.

``alipay.data.dataservice.bill.downloadurl.query`` answers, signed like every answer, a short-lived
``bill_download_url``; the file there is a zip of two CSVs in GBK: the details (``*_业务明细.csv``) and a
summary (``*_业务明细(汇总).csv``). The details start with ``#`` lines (account, dates), then a header and a
line per trade or refund (fields padded with tabs), then ``#`` lines with the totals:
``#交易合计：2笔，商家实收共：800.00元`` and ``#退款合计：1笔，商家实收退款共：-100.00元``. The lines are
checked against those totals; a file that disagrees is refused.

Lines: 业务类型 交易 is a payment (订单金额, 商户订单号 ours, 支付宝交易号 Alipay's), 退款 a refund (the
negative 商家实收, 退款批次号/请求号 ours, which is also its ``provider_reference``). Alipay answers
``isp.bill_not_exist`` until the day's statement is ready (after 09:00 the next day): run again later.

Royalty mode (``ALIPAY_ROYALTY``, docs/payments.md): a trade made in an owner's name (with their
``app_auth_token``) is in the owner's Alipay account, so it is on the owner's statement, not the
group's. The download accepts ``app_auth_token`` for a third-party application and then answers the
statement of the merchant who authorised it; every owner whose authorisation is on file
(``SplitAccount.alipay_app_auth_token``) has theirs downloaded too. An owner's account also holds the
owner's own business (their own QR code, other platforms), so only lines of trades we opened (商户订单号
a payment of ours) are kept; the rest count as ignored. A refund of one of our trades that we never
recorded (made in Alipay's merchant platform) is kept, and is "missing here".

Royalty settlements (``alipay.trade.order.settle``) move money out of the owner's balance, which the
trade statement does not show: when splits are reconciled, each owner's account statement (账务明细,
``bill_type`` signcustomer, ``*_账务明细.csv``) is read too. Its 业务类型 交易分账 lines paid out (支出)
are splits, one per receiver: 商户订单号 is our settlement request number (the split's
``out_order_no``), 对方账号 the receiver's Alipay user id, 业务流水号 Alipay's settlement number; lines
of settlements that are not ours are dropped like the trades. Its totals (``#收入合计``/``#支出合计``)
are checked. Other lines there (income, refunds, withdrawals) are the trade statement's money or none of
ours, and are not read.

One statement that cannot be had fails the whole run (a partial read would report every trade of the
missing owner as missing there); the message names the owner, whose authorisation may have lapsed.
"""

import csv
import io
import re
import zipfile
from datetime import date
from decimal import Decimal

import requests
from django.conf import settings

from bookings.payments.alipay import PROVIDER, Alipay
from bookings.payments.base import PaymentProviderError
from bookings.payments.models import Payment, Split, SplitAccount
from bookings.payments.reconciliation.bills import (
    PAYMENT,
    REFUND,
    SPLIT,
    Bill,
    BillLine,
    BillUnavailable,
    money,
    split_key,
)

METHOD = "alipay.data.dataservice.bill.downloadurl.query"
WHAT = "Alipay statement"
TRADE, ACCOUNT = "trade", "signcustomer"  # bill_type: trade details (业务明细), account details (账务明细)
FILES = {TRADE: "业务明细.csv", ACCOUNT: "账务明细.csv"}
ROYALTY = "交易分账"
TOTAL = re.compile(
    r"#(交易|退款)合计[：:]\s*(\d+)\s*笔\s*[，,]\s*商家实收(?:退款)?共[：:]\s*(-?[\d.,]+)\s*元"
)
ACCOUNT_TOTAL = re.compile(r"#(收入|支出)合计[：:]\s*(\d+)\s*笔\s*[，,]\s*共\s*[：:]?\s*(-?[\d.,]+)\s*元")


def _member_name(info: zipfile.ZipInfo) -> str:
    """Alipay's zips name their files in GBK without saying so (zip's UTF-8 flag unset)."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gbk")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def _details(content: bytes, suffix: str = FILES[TRADE]) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = {_member_name(info): info for info in archive.infolist()}
        name = next(name for name in members if name.endswith(suffix))
        return archive.read(members[name]).decode("gbk")
    except (zipfile.BadZipFile, StopIteration, UnicodeDecodeError, KeyError) as error:
        raise BillUnavailable(f"{WHAT}: the file does not read ({error.__class__.__name__})") from error


def _rows(text: str) -> list[dict[str, str]]:
    body = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    if not body:
        raise BillUnavailable(f"{WHAT}: the header is missing")
    return [
        {key.strip(): (value or "").strip() for key, value in row.items() if key}
        for row in csv.DictReader(io.StringIO("\n".join(body)))
    ]


def statement_read(text: str) -> Bill:
    totals = {kind: (int(count), money(amount, WHAT)) for kind, count, amount in TOTAL.findall(text)}
    if set(totals) != {"交易", "退款"}:
        raise BillUnavailable(f"{WHAT}: the header or the totals are missing")
    bill = Bill()
    counted: dict[str, list[Decimal]] = {"交易": [], "退款": []}
    for row in _rows(text):
        kind = row.get("业务类型", "")
        if kind not in counted:
            bill.ignored += 1
            continue
        received = money(row.get("商家实收（元）", ""), WHAT)
        counted[kind].append(received)
        order = row.get("商户订单号", "")
        if kind == "交易":
            bill.lines.append(
                BillLine(PAYMENT, order, row["支付宝交易号"], money(row["订单金额（元）"], WHAT), order=order)
            )
        else:
            number = row.get("退款批次号/请求号", "")
            bill.lines.append(BillLine(REFUND, number, number, -received, order=order))
    for kind, (count, amount) in totals.items():
        if (count, amount) != (len(counted[kind]), sum(counted[kind], Decimal(0))):
            raise BillUnavailable(
                f"{WHAT}: the {kind} totals say {count} lines and {amount}, the lines disagree"
            )
    return bill


def account_statement_read(text: str) -> Bill:
    """The royalties paid out of an account (its 账务明细): one split line per receiver."""
    totals = {kind: (int(count), money(amount, WHAT)) for kind, count, amount in ACCOUNT_TOTAL.findall(text)}
    if set(totals) != {"收入", "支出"}:
        raise BillUnavailable(f"{WHAT}: the account statement's totals are missing")
    counted: dict[str, list[Decimal]] = {"收入": [], "支出": []}
    bill = Bill()
    for row in _rows(text):
        income = money(row.get("收入金额（+元）") or "0", WHAT)
        paid_out = money(row.get("支出金额（-元）") or "0", WHAT)
        if income:
            counted["收入"].append(income)
        if paid_out:
            counted["支出"].append(paid_out)
        if row.get("业务类型") == ROYALTY and paid_out:
            order = row.get("商户订单号", "")
            bill.lines.append(
                BillLine(
                    SPLIT,
                    split_key(order, row.get("对方账号", "")),
                    row.get("业务流水号", ""),
                    abs(paid_out),
                    order=order,
                )
            )
    for kind, (count, amount) in totals.items():
        if (count, abs(amount)) != (len(counted[kind]), abs(sum(counted[kind], Decimal(0)))):
            raise BillUnavailable(
                f"{WHAT}: the {kind} totals say {count} lines and {amount}, the lines disagree"
            )
    return bill


def _download(day: date, bill_type: str, token: str = "") -> str:
    """One statement's details file: the group's, or (``token``) the authorising owner's."""
    response = METHOD.replace(".", "_") + "_response"
    biz = {"bill_type": bill_type, "bill_date": day.isoformat()}
    try:
        answer = Alipay()._call(
            "bill", lambda api: api.verified_sync_response(api.build_body(METHOD, biz), response), token
        )
    except PaymentProviderError as error:
        raise BillUnavailable(error.message) from error
    url = answer.get("bill_download_url")
    if not isinstance(url, str) or not url.startswith(("https://", "http://")):
        raise BillUnavailable(f"{WHAT}: the answer has no bill_download_url")
    timeout = (
        float(settings.PAYMENT_PROVIDER_CONNECT_TIMEOUT),
        float(settings.PAYMENT_PROVIDER_READ_TIMEOUT),
    )
    try:
        response_ = requests.get(url, timeout=timeout)
    except requests.RequestException as error:
        raise BillUnavailable(f"{WHAT} download: {error.__class__.__name__}") from error
    if response_.status_code != 200:
        raise BillUnavailable(f"{WHAT} download: {response_.status_code}")
    return _details(response_.content, FILES[bill_type])


def owners_authorising() -> dict[str, str]:
    """``{app_auth_token: name}`` of every owner whose authorisation of our application is on file
    (active or not: yesterday's trades may be theirs)."""
    owners: dict[str, str] = {}
    rows = (
        SplitAccount.objects.filter(party=SplitAccount.Party.OWNER)
        .exclude(alipay_app_auth_token="")
        .order_by("id")
        .values_list("alipay_app_auth_token", "name")
    )
    for token, name in rows:
        owners.setdefault(token, name)
    return owners


def _ours(bill: Bill, known: set[str]) -> Bill:
    """The lines of an owner's statement that belong to an order of ours; the others count as ignored."""
    kept = [line for line in bill.lines if line.order in known]
    return Bill(lines=kept, ignored=bill.ignored + len(bill.lines) - len(kept))


def _owner_statement(day: date, token: str, *, royalty: bool) -> Bill:
    trades = statement_read(_download(day, TRADE, token))
    orders = {line.order for line in trades.lines}
    bill = _ours(
        trades,
        set(
            Payment.objects.filter(provider=PROVIDER, idempotency_key__in=orders).values_list(
                "idempotency_key", flat=True
            )
        ),
    )
    if royalty:
        settled = account_statement_read(_download(day, ACCOUNT, token))
        numbers = {line.order for line in settled.lines}
        bill.add(
            _ours(
                settled,
                set(
                    Split.objects.filter(payment__provider=PROVIDER, out_order_no__in=numbers).values_list(
                        "out_order_no", flat=True
                    )
                ),
            )
        )
    return bill


def statement(day: date, *, royalty: bool = False) -> Bill:
    """The day's lines: the group's statement and every authorising owner's (with their royalty
    settlements when ``royalty``: splits are reconciled)."""
    bill = statement_read(_download(day, TRADE))
    for token, name in owners_authorising().items():
        try:
            bill.add(_owner_statement(day, token, royalty=royalty))
        except BillUnavailable as error:
            raise BillUnavailable(f"{WHAT} of {name}: {error.message}") from error
    return bill
