"""WeChat Pay's daily bills (API v3), through ``wechatpayv3``.

The trade bill (``GET /v3/bill/tradebill?bill_type=ALL&tar_type=GZIP``) answers a ``download_url``, the
file's ``hash_type`` (SHA1) and ``hash_value``; the file, fetched with the same merchant signature but
not signed itself, is a gzip of a CSV in UTF-8 whose every field starts with a backtick (so spreadsheets
keep long numbers): a header, a line per payment or refund, then a summary header and a line of totals.
The hash is checked over the unzipped CSV, and the lines against the summary (count, 订单总金额,
申请退款总金额): a file that disagrees is refused, never half read.

Lines: 交易状态 SUCCESS is a payment (订单金额, 商户订单号 ours, 微信订单号 WeChat's), REFUND a refund
(申请退款金额, 商户退款单号 ours, 微信退款单号 WeChat's; done when 退款状态 is SUCCESS); others (REVOKED)
move no money and are ignored.

The profit-sharing bill (``GET /v3/profitsharing/bills``) is read the same way when splits are on
(``splits.split_hook``): 业务类型 分账 lines are splits, one per receiver (商户分账/回退单号 and 分账接收方
together are the key), 处理状态 says whether it went through; 回退 lines are split returns (分账回退, taken
back from a receiver before a refund: our out_return_no and the receiver who gave back, the amount
negative, done when 处理状态 is 回退成功); 解冻给分账方 lines (the owner's release) are ignored. Its
summary (总条数, 分账成功出资金, 分账回退金额) is checked too.

WeChat Pay answers ``NO_STATEMENT_EXIST`` for a day without any trade (an empty bill) and
``STATEMENT_CREATING`` before the bill is ready (around 10:00 the next day): that one is a failure to
run again later.
"""

import csv
import gzip
import hashlib
import io
import time
from datetime import date
from decimal import Decimal

import requests
from django.conf import settings

from bookings.payments.base import PaymentProviderError
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
from bookings.payments.wechat_pay import WeChatPay

EMPTY_DAY = "NO_STATEMENT_EXIST"
SPLIT_TYPE, SPLIT_DONE = "分账", "分账成功"
RETURN_TYPE, RETURN_DONE = "回退", "回退成功"
HASHES = {"SHA1": hashlib.sha1, "SHA256": hashlib.sha256}


def _rows(text: str) -> list[list[str]]:
    return [[cell.strip().removeprefix("`") for cell in row] for row in csv.reader(io.StringIO(text)) if row]


def _table(text: str, summary_first: str, what: str) -> tuple[list[dict[str, str]], dict[str, str]]:
    """The detail lines by column name and the summary line, split where the summary header starts."""
    rows = _rows(text.lstrip("\ufeff"))
    if not rows:
        raise BillUnavailable(f"{what}: the file is empty")
    header, rest = rows[0], rows[1:]
    split = next((index for index, row in enumerate(rest) if row[0] == summary_first), None)
    if split is None or split + 1 >= len(rest):
        raise BillUnavailable(f"{what}: the summary is missing")
    details = [dict(zip(header, row, strict=False)) for row in rest[:split]]
    summary = dict(zip(rest[split], rest[split + 1], strict=False))
    return details, summary


def _sum(rows: list[dict[str, str]], column: str, what: str) -> Decimal:
    return sum((money(row.get(column, "0") or "0", what) for row in rows), Decimal(0))


def _check(declared: str, counted: Decimal | int, what: str) -> None:
    if money(declared, what) != counted:
        raise BillUnavailable(f"{what}: the summary says {declared}, the lines add up to {counted}")


def trade_bill_read(text: str) -> Bill:
    what = "WeChat Pay trade bill"
    details, summary = _table(text, "总交易单数", what)
    _check(summary.get("总交易单数", ""), len(details), what)
    _check(summary.get("订单总金额", ""), _sum(details, "订单金额", what), what)
    _check(summary.get("申请退款总金额", ""), _sum(details, "申请退款金额", what), what)
    bill = Bill()
    for row in details:
        state, currency = row.get("交易状态", ""), row.get("货币种类") or "CNY"
        if state == "SUCCESS":
            bill.lines.append(
                BillLine(
                    PAYMENT, row["商户订单号"], row["微信订单号"], money(row["订单金额"], what), currency
                )
            )
        elif state == "REFUND":
            bill.lines.append(
                BillLine(
                    REFUND,
                    row["商户退款单号"],
                    row["微信退款单号"],
                    money(row["申请退款金额"], what),
                    currency,
                    succeeded=row.get("退款状态") == "SUCCESS",
                )
            )
        else:
            bill.ignored += 1
    return bill


def split_bill_read(text: str) -> Bill:
    what = "WeChat Pay profit-sharing bill"
    details, summary = _table(text, "总条数", what)
    _check(summary.get("总条数", ""), len(details), what)
    splits = [row for row in details if row.get("业务类型") == SPLIT_TYPE]
    returns = [row for row in details if row.get("业务类型") == RETURN_TYPE]
    done = [row for row in splits if row.get("处理状态") == SPLIT_DONE]
    returned = [row for row in returns if row.get("处理状态") == RETURN_DONE]
    _check(summary.get("分账成功出资金", ""), _sum(done, "动账金额", what), what)
    if "分账回退金额" in summary:
        _check(summary["分账回退金额"], abs(_sum(returned, "动账金额", what)), what)
    bill = Bill(ignored=len(details) - len(splits) - len(returns))
    for rows, sign, succeeded in ((splits, 1, done), (returns, -1, returned)):
        for row in rows:
            bill.lines.append(
                BillLine(
                    SPLIT,
                    split_key(row["商户分账/回退单号"], row["分账接收方"]),
                    row["微信分账/回退单号"],
                    sign * abs(money(row["动账金额"], what)),
                    succeeded=row in succeeded,
                )
            )
    return bill


def _apply(provider: WeChatPay, what: str, call) -> dict | None:
    """Ask for a bill's address; None when WeChat Pay says the day had no trade at all."""
    try:
        _code, body = provider._call(what, call)
    except PaymentProviderError as error:
        if EMPTY_DAY in error.message:
            return None
        raise BillUnavailable(error.message) from error
    if not isinstance(body.get("download_url"), str):
        raise BillUnavailable(f"WeChat Pay {what}: the answer has no download_url")
    return body


def _download(provider: WeChatPay, what: str, answer: dict) -> str:
    """The bill's file, unzipped, its hash checked; tried again after a network failure."""
    tries = 1 + int(settings.PAYMENT_PROVIDER_RETRIES)
    for attempt in range(tries):
        try:
            code, content = provider.client().download_bill(answer["download_url"])
        except requests.RequestException as error:
            failure = f"WeChat Pay {what} download: {error.__class__.__name__}"
        except PaymentProviderError as error:
            raise BillUnavailable(error.message) from error
        else:
            if code != 200 or not isinstance(content, bytes):
                raise BillUnavailable(f"WeChat Pay {what} download: {code} {str(content)[:100]}")
            try:
                raw = gzip.decompress(content)
            except (OSError, EOFError) as error:
                raise BillUnavailable(f"WeChat Pay {what}: the file is not gzip ({error})") from error
            digest = HASHES.get(str(answer.get("hash_type", "")).upper())
            expected = str(answer.get("hash_value", "")).lower()
            if digest is None or digest(raw, usedforsecurity=False).hexdigest() != expected:
                raise BillUnavailable(f"WeChat Pay {what}: the file's hash does not match")
            try:
                return raw.decode("utf-8")
            except UnicodeDecodeError as error:
                raise BillUnavailable(f"WeChat Pay {what}: the file is not UTF-8") from error
        if attempt + 1 < tries:
            time.sleep(0.5 * (attempt + 1))
    raise BillUnavailable(failure)


def trade_bill(day: date) -> Bill:
    provider = WeChatPay()
    what = "trade bill"
    answer = _apply(provider, what, lambda api: api.trade_bill(bill_date=day.isoformat(), bill_type="ALL"))
    return Bill() if answer is None else trade_bill_read(_download(provider, what, answer))


def split_bill(day: date) -> Bill:
    provider = WeChatPay()
    what = "profit-sharing bill"
    answer = _apply(provider, what, lambda api: api.profitsharing_bill(bill_date=day.isoformat()))
    return Bill() if answer is None else split_bill_read(_download(provider, what, answer))


def bill(day: date, *, splits: bool) -> Bill:
    """The day's trade bill, with the profit-sharing bill's lines when splits are reconciled."""
    found = trade_bill(day)
    if splits:
        shared = split_bill(day)
        found.lines += shared.lines
        found.ignored += shared.ignored
    return found
