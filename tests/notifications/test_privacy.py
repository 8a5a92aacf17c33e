"""Error texts and addresses as staff read them: nothing that reaches a person, everything else kept."""

import pytest

from notifications.privacy import mask_address, redact


@pytest.mark.parametrize(
    "text, shown",
    [
        (
            "SMTPRecipientsRefused: {'zhao.min@guest.example': (550, b'5.1.1 no such user')}",
            "SMTPRecipientsRefused: {'***': (550, b'5.1.1 no such user')}",
        ),
        ("短信发送失败 13712345678 停机", "短信发送失败 *** 停机"),
        ("call +86 137 1234 5678 now", "call *** now"),
        ("mobile 137-1234-5678", "mobile ***"),
        ("证件 11010119900307123X 无效", "证件 *** 无效"),
        ("landline 0358 8123456", "landline ***"),
        ("see https://calendar.example.com/owner-private.ics?k=abc then", "see *** then"),
    ],
)
def test_what_reaches_a_person_is_hidden(text, shown):
    assert redact(text) == shown


@pytest.mark.parametrize(
    "text",
    [
        "预订 WBQ63X8E 于 2026-09-08 入住,¥1,234.00",
        "Stripe answered HTTP 503 after 30 s",
        "amount 400.00 CNY, expected 399.99",
        "",
    ],
)
def test_references_dates_amounts_and_status_codes_stay(text):
    assert redact(text) == text


@pytest.mark.parametrize(
    "address, shown",
    [
        ("zhao.min@guest.example", "z***@guest.example"),
        ("+8613712345678", "***5678"),
        ("123", "***"),
        ("", ""),
    ],
)
def test_an_address_is_masked_enough_to_recognise_and_not_to_use(address, shown):
    assert mask_address(address) == shown
