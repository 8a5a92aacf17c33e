"""A declaration's allocations for the group, as CSV (UTF-8 with a byte-order mark, for spreadsheet
programs in China) or an Excel workbook. Names, share-days and money only: never a phone, ID or bank
number (DESIGN invariant 7); names typed by people never run as spreadsheet formulas."""

import csv
from collections.abc import Iterable
from io import BytesIO

from django.http import HttpResponse
from openpyxl import Workbook

from shareholders.models import Allocation, DividendDeclaration

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HEADER = [
    "股东 Shareholder",
    "类别 Kind",
    "股·天 Share-days",
    "金额 Amount",
    "村集体出 From the collective",
    "集团出 From the group",
    "付款日期 Paid on",
    "转账单号 Bank reference",
]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _safe(text: str) -> str:
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _rows(allocations: Iterable[Allocation]) -> list[list]:
    rows = []
    for allocation in allocations:
        payout = getattr(allocation, "payout", None)
        rows.append(
            [
                _safe(allocation.shareholder.name),
                str(allocation.shareholder.get_kind_display()),
                allocation.share_days,
                allocation.amount,
                allocation.collective_part,
                allocation.group_part,
                payout.paid_on.isoformat() if payout else "",
                _safe(payout.reference) if payout else "",
            ]
        )
    return rows


def _filename(declaration: DividendDeclaration, extension: str) -> str:
    return (
        f"dividend-{declaration.village.slug}-{declaration.period_start.isoformat()}"
        f"-{declaration.period_end.isoformat()}.{extension}"
    )


def allocations_csv(declaration: DividendDeclaration, allocations: Iterable[Allocation]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(declaration, "csv")}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(HEADER)
    writer.writerows([[str(cell) for cell in row] for row in _rows(allocations)])
    writer.writerow(
        ["合计 Total", "", "", declaration.total, declaration.collective_amount, declaration.group_amount]
    )
    return response


def allocations_xlsx(declaration: DividendDeclaration, allocations: Iterable[Allocation]) -> HttpResponse:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "分红 Dividends"
    sheet.append(HEADER)
    for row in _rows(allocations):
        sheet.append(row)
        for cell in sheet[sheet.max_row][3:6]:
            cell.number_format = "0.00"
    sheet.append(
        ["合计 Total", "", "", declaration.total, declaration.collective_amount, declaration.group_amount]
    )
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{_filename(declaration, "xlsx")}"'
    return response
