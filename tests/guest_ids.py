"""Valid resident ID numbers (GB 11643) for tests: a province, a birth date and a serial whose last
digit is the sex (odd: male, even: female)."""

from datetime import date

from bookings.guests import resident_id_check_character


def resident_id(province: str = "14", born: date = date(1990, 3, 7), serial: int = 123) -> str:
    first17 = f"{province}0102{born:%Y%m%d}{serial:03d}"
    return first17 + resident_id_check_character(first17)
