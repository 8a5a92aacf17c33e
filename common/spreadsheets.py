"""Tables as spreadsheets people download: CSV and Excel (XLSX), the same rows in both.

* CSV: UTF-8 with a byte-order mark (so Excel in China opens the Chinese right), one header row of
  "中文 English" cells, like the group's other exports (``tourism.group.exports``); numbers as plain
  digits, money with two places.
* XLSX (openpyxl): a Chinese header row, then an English one; numbers are numbers, money has the
  ``#,##0.00`` format, dates and times are real dates.

Text typed by people is never run as a formula: in CSV a leading ``= + - @`` gets an apostrophe, in
XLSX every text cell is written as text.
"""

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
SHEET_TITLE_LENGTH = 31  # Excel's limit

type Value = str | int | Decimal | date | datetime | None


@dataclass(frozen=True)
class Heading:
    zh: str
    en: str
    kind: str = "text"  # text, count, money, date, datetime

    @property
    def both(self) -> str:
        return f"{self.zh} {self.en}"


@dataclass(frozen=True)
class Sheet:
    """What a spreadsheet holds: a title, the columns and the rows (one value per column)."""

    title: str
    filename: str  # without the extension
    headings: Sequence[Heading]
    rows: Sequence[Sequence[Value]]
    totals: frozenset[int] = frozenset()  # indexes of the rows that add up others (bold in XLSX)


def safe_text(text: str) -> str:
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _csv_value(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return safe_text(value)
    return str(value)


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(sheet: Sheet) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(heading.both for heading in sheet.headings)
    writer.writerows([_csv_value(value) for value in row] for row in sheet.rows)
    return _attachment(response, f"{sheet.filename}.csv")


NUMBER_FORMATS = {"money": MONEY_FORMAT, "date": DATE_FORMAT, "datetime": DATETIME_FORMAT}


def _column_width(headings: Heading, rows: Iterable[Sequence[Value]], index: int) -> int:
    texts = [headings.zh, headings.en] + [_csv_value(row[index]) for row in rows]
    # CJK characters are about two columns wide.
    return min(max(sum(2 if ord(ch) > 0x2E80 else 1 for ch in text) for text in texts) + 2, 40)


def xlsx_bytes(sheet: Sheet) -> bytes:
    workbook = Workbook()
    worksheet = workbook.active
    assert worksheet is not None  # a new workbook has one sheet
    worksheet.title = sheet.title[:SHEET_TITLE_LENGTH]
    worksheet.append([heading.zh for heading in sheet.headings])
    worksheet.append([heading.en for heading in sheet.headings])
    bold = Font(bold=True)
    for index, row in enumerate(sheet.rows):
        worksheet.append(list(row))
        for heading, cell in zip(sheet.headings, worksheet[worksheet.max_row], strict=True):
            if index in sheet.totals:
                cell.font = bold
            if isinstance(cell.value, str):
                cell.data_type = TYPE_STRING  # never a formula
            elif heading.kind in NUMBER_FORMATS and cell.value is not None:
                cell.number_format = NUMBER_FORMATS[heading.kind]
    worksheet.freeze_panes = "A3"
    for column, heading in enumerate(sheet.headings):
        width = _column_width(heading, sheet.rows, column)
        worksheet.column_dimensions[get_column_letter(column + 1)].width = width
    output = BytesIO()
    workbook.save(output)
    return output.getvalue()


def xlsx_response(sheet: Sheet) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(sheet), content_type=XLSX_TYPE)
    return _attachment(response, f"{sheet.filename}.xlsx")


def spreadsheet_response(sheet: Sheet, file_format: str) -> HttpResponse:
    """``file_format`` is one of ``FORMATS`` (the caller answers 404 for any other)."""
    return xlsx_response(sheet) if file_format == "xlsx" else csv_response(sheet)
