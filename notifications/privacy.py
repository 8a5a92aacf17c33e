"""What staff may read of a person's address and of error texts (DESIGN invariant 7): e-mail addresses,
phone and ID numbers and web addresses are hidden. Provider and mail-server errors quote the address
they refused (``SMTPRecipientsRefused`` does), so every such text shown to staff goes through
``redact``; an address on its own is shown masked, enough to recognise and not to use."""

import re

HIDDEN = "***"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
WEB_ADDRESS = re.compile(r"\b(?:https?|webcal)://\S+", re.IGNORECASE)
# Seven or more digits, perhaps with a leading + and single spaces (phones, ID numbers with their final
# X), and a mainland mobile written with dashes. Dates (2026-09-08) and amounts (1,234.00) stay.
NUMBER = re.compile(r"(?<![\w+])\+?\d(?: ?\d){6,}[Xx]?(?!\w)|(?<!\d)1[3-9]\d-\d{4}-\d{4}(?!\d)")
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
