"""What staff may read of a person's address and of error texts (DESIGN invariant 7): e-mail addresses,
phone and ID numbers and web addresses are hidden. Provider and mail-server errors quote the address
they refused (``SMTPRecipientsRefused`` does), so every such text shown to staff goes through
``redact``; an address on its own is shown masked, enough to recognise and not to use."""

import logging
import re

from django.utils.log import AdminEmailHandler

HIDDEN = "***"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
WEB_ADDRESS = re.compile(r"\b(?:https?|webcal)://\S+", re.IGNORECASE)
# Seven or more digits, perhaps with a leading + and single spaces (phones, ID numbers with their final
# X), and a mainland mobile written with dashes. Dates (2026-09-08) and amounts (1,234.00) stay. The
# edges are ASCII letters and digits, not \w: in Chinese a number sits right against the characters
# around it (手机13812345678), which \w counts as letters.
NUMBER = re.compile(
    r"(?<![A-Za-z0-9+])\+?\d(?: ?\d){6,}[Xx]?(?![A-Za-z0-9])|(?<!\d)1[3-9]\d-\d{4}-\d{4}(?!\d)"
)
VISIBLE_DIGITS = 4


def redact(text: str) -> str:
    for pattern in (WEB_ADDRESS, EMAIL, NUMBER):
        text = pattern.sub(HIDDEN, text)
    return text


def mask_address(address: str) -> str:
    """``zhao.min@example.cn`` -> ``z***@example.cn``; ``+8613800138000`` -> ``***8000``."""
    if not address:
        return ""
    name, at, domain = address.partition("@")
    if at:
        return f"{name[:1]}{HIDDEN}@{domain}"
    return HIDDEN + address[-VISIBLE_DIGITS:] if len(address) > VISIBLE_DIGITS else HIDDEN


def redact_numbers(text: str) -> str:
    """Only the phone and ID numbers hidden: what logs need hidden, keeping the addresses (URLs) they
    name and the e-mail of a refused message readable for whoever mends things."""
    return NUMBER.sub(HIDDEN, text)


class RedactNumbersFilter(logging.Filter):
    """Every log record with its phone and ID numbers hidden (DESIGN invariant 7): the message with its
    arguments, the traceback and the stack. Installed on every handler (``LOGGING`` in the settings), so
    a number that reaches a log line, from our code, a library or an exception's text (a database error
    quotes the row it refused), is never written out."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # arguments that do not fit the message: logging reports it when formatting
            message = str(record.msg)
        record.msg, record.args = redact_numbers(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_numbers(record.exc_text)
        if record.stack_info:
            record.stack_info = redact_numbers(record.stack_info)
        return True


class RedactedAdminEmailHandler(AdminEmailHandler):
    """Django's error e-mail to ``ADMINS`` in plain text with phone and ID numbers hidden: besides the
    record, it quotes the request (its form fields, where people type their numbers)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs["include_html"] = False
        super().__init__(*args, **kwargs)

    def send_mail(self, subject, message, *args, **kwargs) -> None:
        kwargs.pop("html_message", None)
        super().send_mail(redact_numbers(subject), redact_numbers(message), *args, **kwargs)
