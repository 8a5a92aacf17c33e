"""How often one user may try to book: ``BOOKING_CREATE_RATE_PER_MINUTE`` attempts per calendar minute
(default 20), counted in Django's cache. The booking page's form and ``POST /api/bookings`` share one
count, so a user gets the same number of attempts whichever way they book. With the default cache
(LocMemCache) every server process counts on its own, so N processes allow up to N times as many; set
``REDIS_URL`` to share one count."""

import math

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

DEFAULT_PER_MINUTE = 20
WINDOW_SECONDS = 60


def booking_attempt_wait(*, user_id: int) -> int:
    """Count one booking attempt of the user: 0 when it is allowed, else the seconds to wait."""
    limit = getattr(settings, "BOOKING_CREATE_RATE_PER_MINUTE", DEFAULT_PER_MINUTE)
    now = timezone.now().timestamp()
    window = int(now // WINDOW_SECONDS)
    key = f"bookings:create:{user_id}:{window}"
    cache.add(key, 0, timeout=WINDOW_SECONDS * 2)
    try:
        attempts = cache.incr(key)
    except ValueError:  # a full LocMemCache evicted the count between add() and incr()
        cache.set(key, 1, timeout=WINDOW_SECONDS * 2)
        attempts = 1
    if attempts <= limit:
        return 0
    return max(1, math.ceil((window + 1) * WINDOW_SECONDS - now))
