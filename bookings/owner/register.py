"""The owner's guest register (旅馆业治安管理 住宿登记): every registered guest of a homestay's stays, as a
spreadsheet for the police, with the full document numbers. It is the owner's own register, so it is
reached only through the owner console for a homestay the owner owns (DESIGN invariant 7: the group's
exports never list a person).

Columns: 姓名, 性别 and 出生日期 (read from a resident ID number; empty for other documents), 证件类型,
证件号码, 入住时间 and 退房时间 (when the owner checked the guests in and out, Beijing time; the
booked dates while they are still in house), 房型 (the platform knows room types, not room numbers),
预订号. 民族 and 户籍地址 are not collected at check-in, so they are not in the register.

A stay is in the register for a date range when its guests were in the house on any day of it
(arrival on or before the last day, departure on or after the first) and they arrived: checked in or
completed. Guests registered for a booking that was never checked in are not in it.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from bookings.guests import resident_id_birth_date
from bookings.models import Booking, Guest
from common.spreadsheets import Heading, Sheet, Value
from villages.models import Homestay

Status = Booking.Status
ARRIVED = (Status.CHECKED_IN, Status.COMPLETED)
DocumentType = Guest.DocumentType
HEADINGS = [
    Heading("姓名", "Name"),
    Heading("性别", "Sex"),
    Heading("出生日期", "Date of birth", "date"),
    Heading("证件类型", "Document type"),
    Heading("证件号码", "Document number"),
    Heading("入住时间", "Checked in", "datetime"),
    Heading("退房时间", "Checked out", "datetime"),
    Heading("房型", "Room type"),
    Heading("预订号", "Booking"),
]
DOCUMENT_NAMES = {
    DocumentType.RESIDENT_ID: "居民身份证",
    DocumentType.PASSPORT: "护照",
    DocumentType.HK_MACAO_PERMIT: "港澳居民来往内地通行证",
    DocumentType.TAIWAN_PERMIT: "台湾居民来往大陆通行证",
}


@dataclass(frozen=True)
class Identity:
    sex: str
    born: date | None


def resident_identity(document_type: str, number: str) -> Identity:
    """Sex (the 17th digit: odd 男, even 女) and birth date read from a resident ID number; nothing for
    other documents or a number that does not hold them."""
    if document_type != DocumentType.RESIDENT_ID or len(number) != 18 or not number[:17].isdigit():
        return Identity("", None)
    return Identity("男" if int(number[16]) % 2 else "女", resident_id_birth_date(number))


def _local(moment: datetime | None, fallback: date) -> date | datetime:
    """A time as Beijing wall-clock time without a zone (a spreadsheet has none), or the booked date."""
    if moment is None:
        return fallback
    return timezone.localtime(moment, timezone.get_default_timezone()).replace(
        tzinfo=None, second=0, microsecond=0
    )


def _room(booking: Booking) -> str:
    name = str(booking.room_type.name)
    return f"{name} ×{booking.rooms}" if booking.rooms > 1 else name


def guest_register(*, homestay: Homestay, start: date, end: date) -> Sheet:
    guests = (
        Guest.objects.filter(
            booking__homestay=homestay,
            booking__status__in=ARRIVED,
            booking__check_in__lte=end,
            booking__check_out__gte=start,
        )
        .select_related("booking__room_type")
        .order_by("booking__check_in", "booking__checked_in_at", "booking_id", "-is_lead", "id")
    )
    rows: list[list[Value]] = []
    for guest in guests:
        booking = guest.booking
        identity = resident_identity(guest.document_type, guest.document_number)
        rows.append(
            [
                guest.name,
                identity.sex,
                identity.born,
                DOCUMENT_NAMES.get(DocumentType(guest.document_type), guest.document_type),
                guest.document_number,
                _local(booking.checked_in_at, booking.check_in),
                _local(booking.completed_at, booking.check_out),
                _room(booking),
                booking.reference,
            ]
        )
    return Sheet(
        title="住宿登记 Guest register",
        filename=f"guest-register-{homestay.pk}-{start:%Y%m%d}-{end:%Y%m%d}",
        headings=HEADINGS,
        rows=rows,
    )
