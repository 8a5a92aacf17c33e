import logging
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from bookings.guests import (
    mask_document_number,
    resident_id_check_character,
    validate_document,
)
from bookings.models import Guest

DocumentType = Guest.DocumentType
VALID_ID = "11010519491231002X"  # the specimen number of GB 11643


def make_id(region: str, born: date, serial: str) -> str:
    first17 = f"{region}{born:%Y%m%d}{serial}"
    return first17 + resident_id_check_character(first17)


def test_valid_resident_id_is_accepted():
    assert validate_document(DocumentType.RESIDENT_ID, VALID_ID) == VALID_ID


def test_resident_id_with_lower_case_x_and_spaces_is_normalized():
    assert validate_document(DocumentType.RESIDENT_ID, " 110105 19491231 002x ") == VALID_ID


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("11010519491231002", "id_format"),  # 17 characters
        ("110105194912310021X", "id_format"),  # 19 characters
        ("1101051949123100AX", "id_format"),  # letter inside
        ("110105194912310029", "id_check_digit"),  # wrong check digit
        (make_id("110105", date(1990, 1, 1), "123")[:10] + "1332" + "1234", "id_content"),  # 13th month
        ("990105" + "19900101" + "123" + "0", "id_content"),  # no such province
        (make_id("110105", date(2027, 1, 1), "123"), "id_content"),  # born in the future
        (make_id("110105", date(1899, 12, 31), "123"), "id_content"),
    ],
)
def test_malformed_resident_id_is_refused(number, code):
    with pytest.raises(ValidationError) as refused:
        validate_document(DocumentType.RESIDENT_ID, number)
    assert refused.value.code == code


@given(
    region=st.sampled_from(["110105", "141102", "440305", "650102"]),
    born=st.dates(min_value=date(1920, 1, 1), max_value=date(2020, 12, 31)),
    serial=st.from_regex(r"\A\d{3}\Z"),
)
def test_every_well_formed_resident_id_passes_and_any_other_check_digit_fails(region, born, serial):
    number = make_id(region, born, serial)
    assert validate_document(DocumentType.RESIDENT_ID, number) == number
    for wrong in set("0123456789X") - {number[-1]}:
        with pytest.raises(ValidationError):
            validate_document(DocumentType.RESIDENT_ID, number[:17] + wrong)


@pytest.mark.parametrize(
    ("document_type", "number"),
    [
        (DocumentType.PASSPORT, "E12345678"),
        (DocumentType.PASSPORT, "ea1234567"),
        (DocumentType.PASSPORT, "533380006"),
        (DocumentType.HK_MACAO_PERMIT, "H12345678"),
        (DocumentType.HK_MACAO_PERMIT, "M1234567801"),
        (DocumentType.TAIWAN_PERMIT, "12345678"),
        (DocumentType.TAIWAN_PERMIT, "1234567890B"),
    ],
)
def test_passports_and_permits_in_their_usual_formats_are_accepted(document_type, number):
    assert validate_document(document_type, number) == number.upper()


@pytest.mark.parametrize(
    ("document_type", "number"),
    [
        (DocumentType.PASSPORT, "ABCDEFGH"),
        (DocumentType.PASSPORT, "E12"),
        (DocumentType.PASSPORT, "E1234567#"),
        (DocumentType.HK_MACAO_PERMIT, "X12345678"),
        (DocumentType.HK_MACAO_PERMIT, "H1234567"),
        (DocumentType.TAIWAN_PERMIT, "1234567"),
        (DocumentType.TAIWAN_PERMIT, "A2345678"),
        ("driving_licence", "12345678"),
    ],
)
def test_malformed_passports_and_permits_are_refused(document_type, number):
    with pytest.raises(ValidationError):
        validate_document(document_type, number)


def test_error_messages_never_contain_the_number(caplog):
    caplog.set_level(logging.DEBUG)
    number = "110105194912310029"
    with pytest.raises(ValidationError) as refused:
        validate_document(DocumentType.RESIDENT_ID, number)
    assert number not in str(refused.value)
    assert number[:14] not in " ".join(refused.value.messages)
    assert number not in caplog.text


def test_error_message_is_chinese_then_english():
    with pytest.raises(ValidationError) as refused:
        validate_document(DocumentType.RESIDENT_ID, "123")
    assert refused.value.message.startswith("身份证号码应为18位")
    assert "A resident ID number has 18 characters" in refused.value.message


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        (VALID_ID, "1101**********002X"),
        ("E12345678", "E1*****78"),
        ("H1234567801", "H1*******01"),
        ("12345", "*****"),
        ("", ""),
    ],
)
def test_document_numbers_are_masked(number, masked):
    assert mask_document_number(number) == masked


def test_guest_shows_its_name_never_its_number():
    guest = Guest(name="李四", document_type=DocumentType.RESIDENT_ID, document_number=VALID_ID)
    assert VALID_ID not in str(guest)
    assert VALID_ID not in repr(guest)
