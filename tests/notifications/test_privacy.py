"""Error texts and addresses as staff read them: nothing that reaches a person, everything else kept."""

import io
import logging
import sys

import pytest
from django.contrib.auth.models import AnonymousUser

from notifications.privacy import RedactNumbersFilter, mask_address, redact


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


@pytest.mark.parametrize(
    "text, shown",
    [
        ("手机13812345678号", "手机***号"),
        ("证件11010119900307123X无效", "证件***无效"),
        ("phone_13812345678", "phone_***"),
    ],
)
def test_a_number_against_chinese_text_or_an_underscore_is_hidden_too(text, shown):
    assert redact(text) == shown


# Logs: every record, through the handlers the settings install


def record(msg, *args, exc_info=None) -> logging.LogRecord:
    return logging.LogRecord("tourism.test", logging.WARNING, __file__, 1, msg, args, exc_info)


def test_the_filter_hides_numbers_in_the_message_its_arguments_and_the_traceback():
    try:
        raise ValueError("duplicate key (number)=(+8613812345678)")
    except ValueError:
        exc_info = sys.exc_info()
    entry = record(
        "code for %s, guest %s, booking %s on %s",
        "13812345678",
        "11010519491231002X",
        "WBQ63X8E",
        "2026-09-08",
        exc_info=exc_info,
    )

    assert RedactNumbersFilter().filter(entry) is True
    written = logging.Formatter().format(entry)

    assert "13812345678" not in written and "11010519491231002X" not in written
    assert "code for ***, guest ***, booking WBQ63X8E on 2026-09-08" in written
    assert "ValueError: duplicate key (number)=(***)" in written


def test_a_record_whose_arguments_do_not_fit_still_passes_without_its_numbers():
    entry = record("code %s %s for 13812345678", "only one")

    assert RedactNumbersFilter().filter(entry) is True
    assert "13812345678" not in entry.getMessage()


def test_every_handler_in_the_settings_hides_numbers(settings):
    handlers = settings.LOGGING["handlers"]

    assert handlers and all("personal_numbers" in h.get("filters", []) for h in handlers.values())
    assert (
        settings.LOGGING["filters"]["personal_numbers"]["()"] == "notifications.privacy.RedactNumbersFilter"
    )


def test_a_log_line_written_through_the_configured_logging_has_no_number():
    """The root logger's handler as the settings configured it, writing to a buffer."""
    [handler] = [
        h
        for h in logging.getLogger().handlers
        if isinstance(h, logging.StreamHandler) and any(isinstance(f, RedactNumbersFilter) for f in h.filters)
    ]
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    try:
        logging.getLogger("tourism.sms").warning("SMS to %s refused", "+8613812345678")
        logging.getLogger("django.request").warning("Bad request: phone=13812345678")
    finally:
        handler.setStream(previous)

    written = buffer.getvalue()
    assert "SMS to *** refused" in written and "phone=***" in written
    assert "13812345678" not in written


@pytest.mark.django_db
def test_error_mail_to_admins_hides_numbers_in_the_request_it_quotes(settings, mailoutbox, rf):
    settings.ADMINS = ["ops@example.com"]
    request = rf.post("/accounts/signup/", {"phone": "13812345678", "id_number": "11010519491231002X"})
    request.user = AnonymousUser()
    try:
        raise RuntimeError("could not save +8613812345678")
    except RuntimeError:
        logging.getLogger("django.request").error(
            "Internal Server Error: %s",
            request.path,
            exc_info=True,
            extra={"status_code": 500, "request": request},
        )

    [mail] = mailoutbox
    assert mail.to == ["ops@example.com"]
    text = mail.subject + mail.body + "".join(str(a) for a in mail.alternatives)
    assert "13812345678" not in text and "11010519491231002X" not in text
    assert "could not save ***" in text and "/accounts/signup/" in text
