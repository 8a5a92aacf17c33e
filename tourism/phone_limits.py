"""How many sign-in codes may go out by SMS, against SMS pumping (strangers' numbers sent codes at our
cost) and against flooding one person's phone.

Each code counts against its phone number (``SMS_CODE_PER_PHONE_PER_HOUR``, ``..._PER_DAY``) and the
client's address (``SMS_CODE_PER_ADDRESS_PER_HOUR``, ``..._PER_DAY``; behind proxies see
``TRUSTED_PROXY_COUNT``), and every message against the site's daily budget
(``notifications.sms.budget``). allauth's own limits come first (``ACCOUNT_RATE_LIMITS``:
``request_login_code``, ``verify_phone``, ``change_phone``, ``signup``), and it allows
``ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS`` / ``ACCOUNT_PHONE_VERIFICATION_MAX_ATTEMPTS`` guesses per code.
Once a client has used ``SMS_HUMAN_CHECK_PERCENT`` of a limit, the sign-up and code pages ask for a
picture code (django-simple-captcha) too.
"""

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest

from common.ratelimit import address_network, attempt_count, attempts_counted, client_address
from notifications.sms.budget import sms_budget, sms_sent_today

HOUR = 3600
DAY = 86400
DEFAULTS = {
    "SMS_CODE_PER_PHONE_PER_HOUR": 5,
    "SMS_CODE_PER_PHONE_PER_DAY": 10,
    "SMS_CODE_PER_ADDRESS_PER_HOUR": 10,
    "SMS_CODE_PER_ADDRESS_PER_DAY": 30,
}


@dataclass(frozen=True)
class Limit:
    setting: str
    window: int

    @property
    def amount(self) -> int:
        return int(getattr(settings, self.setting, DEFAULTS[self.setting]))


PER_PHONE = (Limit("SMS_CODE_PER_PHONE_PER_HOUR", HOUR), Limit("SMS_CODE_PER_PHONE_PER_DAY", DAY))
PER_ADDRESS = (Limit("SMS_CODE_PER_ADDRESS_PER_HOUR", HOUR), Limit("SMS_CODE_PER_ADDRESS_PER_DAY", DAY))


def _counts(request: HttpRequest, phone: str | None) -> list[tuple[str, Limit]]:
    counts = [(f"sms:code:phone:{phone}", limit) for limit in PER_PHONE] if phone else []
    address = client_address(request)
    if address:
        counts += [(f"sms:code:address:{address_network(address)}", limit) for limit in PER_ADDRESS]
    return counts


def sms_code_wait(request: HttpRequest, phone: str, *, dry_run: bool = False) -> int:
    """Count one code to ``phone`` asked from this request's address (or, with ``dry_run``, only look):
    0 when it may go, else the seconds to wait. Nothing is counted when one of the limits is reached."""
    counts = _counts(request, phone)
    waits = [attempt_count(name, limit.amount, window=limit.window, dry_run=True) for name, limit in counts]
    if any(waits) or dry_run:
        return max(waits, default=0)
    for name, limit in counts:
        attempt_count(name, limit.amount, window=limit.window)
    return 0


def sms_code_near_limit(request: HttpRequest, phone: str | None) -> bool:
    """Whether this address (or this number, when known) has used ``SMS_HUMAN_CHECK_PERCENT`` of one of
    its limits: from then on the pages ask for a picture code (captcha) before sending another."""
    percent = int(getattr(settings, "SMS_HUMAN_CHECK_PERCENT", 50))
    return any(
        attempts_counted(name, window=limit.window) * 100 >= limit.amount * percent
        for name, limit in _counts(request, phone)
    )


def sms_budget_spent() -> bool:
    return sms_sent_today() >= sms_budget()
