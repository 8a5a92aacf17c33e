"""Reading back a downloaded Excel workbook in tests."""

import io

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet


def first_sheet(content: bytes) -> Worksheet:
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    assert isinstance(sheet, Worksheet)
    return sheet
