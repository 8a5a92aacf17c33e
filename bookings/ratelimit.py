"""How often one may try to book, and from which address a request comes.

Two counts per calendar minute, in Django's cache: ``BOOKING_CREATE_RATE_PER_MINUTE`` attempts per
signed-in user (default 20) and ``BOOKING_CREATE_RATE_PER_ADDRESS_PER_MINUTE`` per client address (default
60; an IPv6 address counts with its /64, which one household or phone usually has to itself). The booking
page's form and ``POST /api/bookings`` share both counts, so a user gets the same number of attempts
whichever way they book, and many accounts from one address do not get many times the attempts. With the
default cache (LocMemCache) every server process counts on its own, so N processes allow up to N times as
many; set ``REDIS_URL`` to share one count.

Behind reverse proxies the address comes from ``X-Forwarded-For``, read as django-allauth reads it for its
own limits (``TRUSTED_PROXY_COUNT``, see ``client_address``).
"""

from django.conf import settings

from common.ratelimit import address_network, attempt_count, client_address

__all__ = ["booking_attempt_wait", "client_address"]

DEFAULT_PER_MINUTE = 20
DEFAULT_PER_ADDRESS_PER_MINUTE = 60


def booking_attempt_wait(*, user_id: int, address: str | None = None) -> int:
    """Count one booking attempt of the user, from the client address if known: 0 when it is allowed, else
    the seconds to wait."""
    user_limit = getattr(settings, "BOOKING_CREATE_RATE_PER_MINUTE", DEFAULT_PER_MINUTE)
    waits = [attempt_count(f"bookings:create:{user_id}", user_limit)]
    if address:
        address_limit = getattr(
            settings, "BOOKING_CREATE_RATE_PER_ADDRESS_PER_MINUTE", DEFAULT_PER_ADDRESS_PER_MINUTE
        )
        waits.append(attempt_count(f"bookings:create:address:{address_network(address)}", address_limit))
    return max(waits)
