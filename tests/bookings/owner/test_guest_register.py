"""The owner's guest register (住宿登记表): every arrived guest of the owner's homestay in a date range,
with full document numbers, as XLSX and CSV, for the owner of that homestay only."""

import csv
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from bookings.guests import GuestDetails
from bookings.models import Booking
from bookings.owner.register import resident_identity
from bookings.services import booking_check_in, booking_check_out, guests_register
from tests import factories
from tests.bookings.helpers import hold
from tests.guest_ids import resident_id
from tests.xlsx import first_sheet
from villages.roles import GROUP_STAFF

pytestmark = pytest.mark.django_db

WOMAN = resident_id("14", date(1988, 2, 29), serial=124)  # even 17th digit
MAN = resident_id("11", date(1990, 3, 7), serial=113)
PASSPORT = "E12345678"
SHANGHAI = ZoneInfo("Asia/Shanghai")
QUERY = {"start": "2026-09-01", "end": "2026-09-30"}


def wall(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A Beijing wall-clock time as a spreadsheet holds it: without a zone."""
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI).replace(tzinfo=None)


def stay(room, check_in: date, check_out: date, guests: list[tuple[str, str, str]], clock, leave=False):
    booking = hold(
        room, check_in=check_in, check_out=check_out, guests=2, payment=Booking.Payment.AT_HOMESTAY
    )
    guests_register(booking=booking, guests=[GuestDetails(*guest) for guest in guests])
    clock.set(f"{check_in.isoformat()} 15:30")
    booking_check_in(booking=booking)
    if leave:
        clock.set(f"{check_out.isoformat()} 11:05")
        booking_check_out(booking=booking)
    return Booking.objects.get(pk=booking.pk)


@pytest.fixture
def register(room, other_owner, clock):
    """Two stays in September in the owner's homestay (one checked out), one in the other owner's,
    one of the owner's never checked in, one in October."""
    first = stay(
        room,
        date(2026, 9, 8),
        date(2026, 9, 10),
        [("王芳", "resident_id", WOMAN), ("John Smith", "passport", PASSPORT)],
        clock,
        leave=True,
    )
    second = stay(room, date(2026, 9, 20), date(2026, 9, 22), [("李明", "resident_id", MAN)], clock)
    other_room = other_owner.homestays.get().room_types.get()
    stay(
        other_room,
        date(2026, 9, 21),
        date(2026, 9, 22),
        [("别家客", "resident_id", resident_id(serial=135))],
        clock,
    )
    clock.set("2026-09-21 09:00")
    waiting = hold(
        room, check_in=date(2026, 9, 25), check_out=date(2026, 9, 26), payment=Booking.Payment.AT_HOMESTAY
    )
    guests_register(booking=waiting, guests=[GuestDetails("未到客", "resident_id", resident_id(serial=157))])
    stay(
        room,
        date(2026, 10, 5),
        date(2026, 10, 6),
        [("十月客", "resident_id", resident_id(serial=179))],
        clock,
    )
    return first, second


def export_url(room, file_format: str) -> str:
    return reverse("owner:guest_register_export", kwargs={"pk": room.homestay.pk, "file_format": file_format})


def test_the_owner_downloads_the_register_as_xlsx_with_full_numbers(room, register, owner_client):
    first, second = register
    response = owner_client.get(export_url(room, "xlsx"), QUERY)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Disposition"] == (
        f'attachment; filename="guest-register-{room.homestay.pk}-20260901-20260930.xlsx"'
    )
    sheet = first_sheet(response.content)
    assert [cell.value for cell in sheet[1]] == [
        "姓名",
        "性别",
        "出生日期",
        "证件类型",
        "证件号码",
        "入住时间",
        "退房时间",
        "房型",
        "预订号",
    ]
    assert sheet["A2"].value == "Name" and sheet["E2"].value == "Document number"
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=3)]
    room_name = str(room.name)
    assert rows == [
        [
            "王芳",
            "女",
            wall(1988, 2, 29),
            "居民身份证",
            WOMAN,
            wall(2026, 9, 8, 15, 30),
            wall(2026, 9, 10, 11, 5),
            room_name,
            first.reference,
        ],
        [
            "John Smith",
            None,
            None,
            "护照",
            PASSPORT,
            wall(2026, 9, 8, 15, 30),
            wall(2026, 9, 10, 11, 5),
            room_name,
            first.reference,
        ],
        [
            "李明",
            "男",
            wall(1990, 3, 7),
            "居民身份证",
            MAN,
            wall(2026, 9, 20, 15, 30),
            wall(2026, 9, 22),
            room_name,
            second.reference,
        ],
    ]
    assert sheet["E3"].data_type == "s"  # an 18-digit number stays text, never 1.4E+17


def test_the_csv_has_a_bom_and_the_same_guests(room, register, owner_client):
    response = owner_client.get(export_url(room, "csv"), QUERY)
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    header, *rows = list(csv.reader(io.StringIO(text[1:])))
    assert header[:5] == [
        "姓名 Name",
        "性别 Sex",
        "出生日期 Date of birth",
        "证件类型 Document type",
        "证件号码 Document number",
    ]
    assert [row[0] for row in rows] == ["王芳", "John Smith", "李明"]
    assert rows[0][1:7] == ["女", "1988-02-29", "居民身份证", WOMAN, "2026-09-08 15:30", "2026-09-10 11:05"]
    for absent in ("别家客", "未到客", "十月客"):
        assert absent not in text


def test_a_range_catches_a_stay_that_began_before_it(room, register, owner_client):
    response = owner_client.get(export_url(room, "csv"), {"start": "2026-09-10", "end": "2026-09-10"})
    assert "王芳" in response.content.decode() and "李明" not in response.content.decode()


def test_the_page_counts_the_guests_and_links_the_downloads(room, register, owner_client):
    response = owner_client.get(reverse("owner:guest_register", kwargs={"pk": room.homestay.pk}), QUERY)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    text = response.content.decode()
    assert "3 位登记的客人" in text
    assert export_url(room, "xlsx") + "?start=2026-09-01&amp;end=2026-09-30" in text
    assert WOMAN not in text  # the numbers are in the download only


def test_the_page_defaults_to_the_last_30_days(room, register, clock, owner_client):
    clock.set("2026-09-23 10:00")
    response = owner_client.get(reverse("owner:guest_register", kwargs={"pk": room.homestay.pk}))
    assert 'value="2026-08-25"' in response.content.decode()
    assert "3 位登记的客人" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ({"start": "2026-09-30", "end": "2026-09-01"}, 400),
        ({"start": "2025-01-01", "end": "2026-09-01"}, 400),
        ({"start": "yesterday", "end": "2026-09-01"}, 400),
    ],
)
def test_a_bad_range_is_refused(owner_client, room, query, status):
    assert owner_client.get(export_url(room, "csv"), query).status_code == status
    page = owner_client.get(reverse("owner:guest_register", kwargs={"pk": room.homestay.pk}), query)
    assert page.status_code == status


def test_an_unknown_format_is_not_found(owner_client, room):
    assert owner_client.get(export_url(room, "pdf"), QUERY).status_code == 404


def test_another_owner_gets_404_and_no_guest(client, room, register, other_owner):
    client.force_login(other_owner)
    for url in (
        export_url(room, "xlsx"),
        export_url(room, "csv"),
        reverse("owner:guest_register", kwargs={"pk": room.homestay.pk}),
    ):
        response = client.get(url, QUERY)
        assert response.status_code == 404
        assert WOMAN.encode() not in response.content


def test_group_staff_and_tourists_are_refused(client, room, register):
    staff = factories.user(is_staff=True)
    staff.groups.add(Group.objects.get_or_create(name=GROUP_STAFF)[0])
    for person in (staff, factories.user()):
        client.force_login(person)
        response = client.get(export_url(room, "csv"), QUERY)
        assert response.status_code == 403
        assert WOMAN.encode() not in response.content
    client.logout()
    assert client.get(export_url(room, "csv"), QUERY).status_code == 302


def test_group_staff_have_no_register_of_their_own(client):
    staff = factories.user()
    staff.groups.add(Group.objects.get_or_create(name=GROUP_STAFF)[0])
    client.force_login(staff)
    for url in ("/group/reports/register.csv", "/group/reports/guests.xlsx", "/group/register/"):
        assert client.get(url, QUERY).status_code == 404


@pytest.mark.parametrize(
    ("document_type", "number", "sex", "born"),
    [
        ("resident_id", WOMAN, "女", date(1988, 2, 29)),
        ("resident_id", MAN, "男", date(1990, 3, 7)),
        ("passport", "E12345678", "", None),
        ("resident_id", "12345", "", None),
    ],
)
def test_sex_and_birth_date_come_from_the_resident_id(document_type, number, sex, born):
    identity = resident_identity(document_type, number)
    assert (identity.sex, identity.born) == (sex, born)
