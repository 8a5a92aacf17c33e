"""CSV exports of the dashboard's tables and of a dividend statement: UTF-8 with a byte-order mark
(so spreadsheet programs in China open the Chinese right), bilingual headers, plain numbers. No guest's
personal data is ever exported: bookings appear by reference only."""

import csv
from collections.abc import Iterable
from datetime import date

from django.http import HttpResponse

from bookings.revenue.periods import Period
from bookings.revenue.selectors import Dashboard, Row, Statement
from tourism.group.columns import COLUMNS, exported

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TABLES = {
    "villages": ("村庄 Village", lambda report: report.villages),
    "homestays": ("民宿 Homestay", lambda report: report.homestays),
    "months": ("月份 Month", lambda report: report.months),
}


def _safe(text: str) -> str:
    """Names typed by people never run as spreadsheet formulas."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _response(filename: str, header: list[str], rows: Iterable[list[str]]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows(rows)
    return response


def _figures_row(first: list[str], row_figures) -> list[str]:
    return first + [exported(column.kind, column.value(row_figures)) for column in COLUMNS]


def dashboard_csv(report: Dashboard, table: str) -> HttpResponse:
    name_header, rows_of = TABLES[table]
    header = [name_header] + [column.header for column in COLUMNS]
    if table == "homestays":
        header.insert(1, "村庄 Village")
    rows = []
    for row in rows_of(report):
        first = [_label(row, table)]
        if table == "homestays":
            first.append(_safe(row.village.name))
        rows.append(_figures_row(first, row.figures))
    rows.append(_figures_row(["合计 Total"] + ([""] if table == "homestays" else []), report.total))
    return _response(_filename(f"revenue-{table}", report.period), header, rows)


def _label(row: Row[object], table: str) -> str:
    return row.key.strftime("%Y-%m") if isinstance(row.key, date) else _safe(row.label)


def _filename(stem: str, period: Period) -> str:
    return f"{stem}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.csv"


STATEMENT_HEADER = [
    "预订号 Booking",
    "民宿 Homestay",
    "入住 Check-in",
    "退房 Check-out",
    "状态 Status",
    "营收 Revenue",
    "村集体分成 Collective share",
]
PAYOUT_HEADER = ["付款日期 Paid on", "转账单号 Reference", "说明 Note", "金额 Amount"]


def statement_csv(statement: Statement) -> HttpResponse:
    """The bookings and what the collective is owed from each, then the payouts and what is left."""
    rows = [
        [
            line.reference,
            _safe(line.homestay),
            line.check_in.isoformat(),
            line.check_out.isoformat(),
            line.status,
            str(line.revenue),
            str(line.collective),
        ]
        for line in statement.lines
    ]
    rows += [
        ["合计 Total", "", "", "", "", str(statement.revenue), str(statement.owed)],
        [],
        PAYOUT_HEADER,
        *(
            [payout.paid_on.isoformat(), _safe(payout.reference), _safe(payout.note), str(payout.amount)]
            for payout in statement.payouts
        ),
        ["已付合计 Paid", "", "", str(statement.paid)],
        ["未付 Outstanding", "", "", str(statement.outstanding)],
    ]
    return _response(
        _filename(f"dividends-{statement.village.slug}", statement.period), STATEMENT_HEADER, rows
    )
