"""Identity documents for guest registration (实名登记): validation and masking.

Document numbers are personal data. Nothing here puts a number into a message or a log line; show them
through ``mask_document_number`` everywhere except the owner's check-in screen.
"""

import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from bookings.models import Guest
from common.clock import local_today

DocumentType = Guest.DocumentType

# GB 11643-1999: ISO 7064 MOD 11-2 over the first 17 digits.
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARACTERS = "10X98765432"
ID_PATTERN = re.compile(r"^\d{17}[\dX]$")
# First two digits: province-level division codes (GB/T 2260).
PROVINCE_CODES = frozenset(
    {"11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41"}
    | {"42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65"}
)
EARLIEST_BIRTH_DATE = date(1900, 1, 1)

PATTERNS: dict[str, re.Pattern[str]] = {
    # Chinese passports E/G + 8 digits, or foreign passports: 5 to 17 letters and digits with a digit.
    DocumentType.PASSPORT: re.compile(r"^(?=.*\d)[A-Z0-9]{5,17}$"),
    # 回乡证: H (Hong Kong) or M (Macao) + 8 digits; older cards carry 2 more digits.
    DocumentType.HK_MACAO_PERMIT: re.compile(r"^[HM]\d{8}(\d{2})?$"),
    # 台胞证: 8 digits; older cards 10 digits, sometimes with a letter.
    DocumentType.TAIWAN_PERMIT: re.compile(r"^\d{8}(\d{2}[A-Z]?)?$"),
}

MASK = "*"


@dataclass(frozen=True)
class GuestDetails:
    """One guest as entered at check-in, before validation."""

    name: str
    document_type: str
    document_number: str
    is_lead: bool = False


def normalize_document_number(number: str) -> str:
    return re.sub(r"[\s-]", "", number or "").upper()


def resident_id_check_character(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARACTERS[total % 11]


def resident_id_birth_date(number: str) -> date | None:
    """The birth date a resident ID number holds (digits 7 to 14), if it is a real past date."""
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None
    return born if EARLIEST_BIRTH_DATE <= born <= local_today() else None


def _invalid(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def validate_resident_id(number: str) -> None:
    if not ID_PATTERN.match(number):
        raise _invalid(
            _("身份证号码应为18位,最后一位可以是X A resident ID number has 18 characters, the last may be X"),
            "id_format",
        )
    if number[:2] not in PROVINCE_CODES or resident_id_birth_date(number) is None:
        raise _invalid(
            _("身份证号码的地区或出生日期不正确 The region or birth date in the ID number is not valid"),
            "id_content",
        )
    if resident_id_check_character(number[:17]) != number[17]:
        raise _invalid(
            _("身份证号码校验位不正确,请核对 The ID number's check digit is wrong, please check it"),
            "id_check_digit",
        )


def validate_document(document_type: str, number: str) -> str:
    """The normalized number (no spaces, upper case) if valid, else ``ValidationError``."""
    number = normalize_document_number(number)
    if document_type == DocumentType.RESIDENT_ID:
        validate_resident_id(number)
        return number
    pattern = PATTERNS.get(document_type)
    if pattern is None:
        raise _invalid(_("请选择证件类型 Choose a document type"), "document_type")
    if not pattern.match(number):
        raise _invalid(
            _("证件号码格式不正确 The document number does not look right for this document"),
            "document_format",
        )
    return number


def mask_document_number(number: str) -> str:
    """``110101199003071234`` → ``1101**********1234``: the first and last four characters of long
    numbers, two of shorter ones, nothing of very short ones."""
    number = normalize_document_number(number)
    keep = 4 if len(number) >= 12 else 2 if len(number) >= 6 else 0
    if not keep:
        return MASK * len(number)
    return number[:keep] + MASK * (len(number) - 2 * keep) + number[-keep:]
