"""Alipay's daily statement (对账单), through ``python-alipay-sdk``.

``alipay.data.dataservice.bill.downloadurl.query`` (``bill_type`` trade) answers, signed like every
answer, a short-lived ``bill_download_url``; the file there is a zip of two CSVs in GBK: the details
(``*_业务明细.csv``) and a summary (``*_业务明细(汇总).csv``). The details start with ``#`` lines (account,
dates), then a header and a line per trade or refund (fields padded with tabs), then ``#`` lines with the
totals: ``#交易合计：2笔，商家实收共：800.00元`` and ``#退款合计：1笔，商家实收退款共：-100.00元``. The
lines are checked against those totals; a file that disagrees is refused.

Lines: 业务类型 交易 is a payment (订单金额, 商户订单号 ours, 支付宝交易号 Alipay's), 退款 a refund (the
negative 商家实收, 退款批次号/请求号 ours, which is also its ``provider_reference``). Alipay answers
``isp.bill_not_exist`` until the day's statement is ready (after 09:00 the next day): run again later.
"""

import csv
import io
import re
import zipfile
from datetime import date
from decimal import Decimal

import requests
from django.conf import settings

from bookings.payments.alipay import Alipay
from bookings.payments.base import PaymentProviderError
from bookings.payments.reconciliation.bills import PAYMENT, REFUND, Bill, BillLine, BillUnavailable, money

METHOD = "alipay.data.dataservice.bill.downloadurl.query"
WHAT = "Alipay statement"
TOTAL = re.compile(
    r"#(交易|退款)合计[：:]\s*(\d+)\s*笔\s*[，,]\s*商家实收(?:退款)?共[：:]\s*(-?[\d.,]+)\s*元"
)


def _member_name(info: zipfile.ZipInfo) -> str:
    """Alipay's zips name their files in GBK without saying so (zip's UTF-8 flag unset)."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gbk")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def _details(content: bytes) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = {_member_name(info): info for info in archive.infolist()}
        name = next(name for name in members if name.endswith("业务明细.csv"))
        return archive.read(members[name]).decode("gbk")
    except (zipfile.BadZipFile, StopIteration, UnicodeDecodeError, KeyError) as error:
        raise BillUnavailable(f"{WHAT}: the file does not read ({error.__class__.__name__})") from error


def statement_read(text: str) -> Bill:
    body = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    totals = {kind: (int(count), money(amount, WHAT)) for kind, count, amount in TOTAL.findall(text)}
    if not body or set(totals) != {"交易", "退款"}:
        raise BillUnavailable(f"{WHAT}: the header or the totals are missing")
    rows = [
        {key.strip(): (value or "").strip() for key, value in row.items() if key}
        for row in csv.DictReader(io.StringIO("\n".join(body)))
    ]
    bill = Bill()
    counted: dict[str, list[Decimal]] = {"交易": [], "退款": []}
    for row in rows:
        kind = row.get("业务类型", "")
        if kind not in counted:
            bill.ignored += 1
            continue
        received = money(row.get("商家实收（元）", ""), WHAT)
        counted[kind].append(received)
        if kind == "交易":
            bill.lines.append(
                BillLine(PAYMENT, row["商户订单号"], row["支付宝交易号"], money(row["订单金额（元）"], WHAT))
            )
        else:
            number = row.get("退款批次号/请求号", "")
            bill.lines.append(BillLine(REFUND, number, number, -received))
    for kind, (count, amount) in totals.items():
        if (count, amount) != (len(counted[kind]), sum(counted[kind], Decimal(0))):
            raise BillUnavailable(
                f"{WHAT}: the {kind} totals say {count} lines and {amount}, the lines disagree"
            )
    return bill


def statement(day: date) -> Bill:
    provider = Alipay()
    response = METHOD.replace(".", "_") + "_response"
    biz = {"bill_type": "trade", "bill_date": day.isoformat()}
    try:
        answer = provider._call(
            "bill", lambda api: api.verified_sync_response(api.build_body(METHOD, biz), response)
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
    return statement_read(_details(response_.content))
