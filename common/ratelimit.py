"""Counting attempts in fixed windows, and from which address a request comes.

Counts live in Django's cache: with the default LocMemCache every server process counts on its own (N
processes allow up to N times as many); set ``REDIS_URL`` to share one count. Behind reverse proxies the
address comes from ``X-Forwarded-For``, read as django-allauth reads it for its own limits
(``TRUSTED_PROXY_COUNT``, see ``client_address``). An IPv6 address counts with its /64, which one
household or phone usually has to itself.
"""

import ipaddress
import math

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.http.request import split_domain_port
from django.utils import timezone

IPV6_PREFIX = 64  # as allauth's ALLAUTH_RATE_LIMIT_IPV6_PREFIX
MINUTE = 60


def client_address(request: HttpRequest) -> str | None:
    """The address of the client that sent the request.

    Each of the ``TRUSTED_PROXY_COUNT`` proxies in front appends the address it was called from to
    ``X-Forwarded-For`` (nginx's ``$proxy_add_x_forwarded_for``), so the client is the one that many
    places from the right; anything to the left of it came from the client and may be made up. With 0
    (no proxy) the header is ignored and the address is ``REMOTE_ADDR``. This is how allauth picks the
    address of its login and sign-up limits (``ALLAUTH_TRUSTED_PROXY_COUNT``, the same number), except
    that a header with fewer addresses than proxies (one of them was bypassed) gives its leftmost address
    instead of an error. None when no valid address is known.
    """
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    forwarded = request.headers.get("x-forwarded-for", "")
    if count > 0 and forwarded:
        hops = forwarded.split(",")
        address = _valid(hops[-count] if len(hops) >= count else hops[0])
        if address:
            return address
    return _valid(request.META.get("REMOTE_ADDR", ""))


def _valid(text: str) -> str | None:
    """The IP address written in ``text`` ("203.0.113.5", "203.0.113.5:4711", "[2001:db8::1]:4711"),
    normalised, or None."""
    text = text.strip()
    host, port = split_domain_port(text)
    if host and port:
        text = host.removeprefix("[").removesuffix("]")
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def address_network(address: str) -> str:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/{IPV6_PREFIX}", strict=False).network_address)
    return str(ip)


def attempt_count(name: str, limit: int, *, window: int = MINUTE, dry_run: bool = False) -> int:
    """Add one to the count of ``name`` in the current window of ``window`` seconds (or, with
    ``dry_run``, only look): 0 while the count stays within ``limit``, else the seconds left in the
    window."""
    now = timezone.now().timestamp()
    number = int(now // window)
    key = f"{name}:{window}:{number}"
    if dry_run:
        attempts = (cache.get(key) or 0) + 1
    else:
        cache.add(key, 0, timeout=window * 2)
        try:
            attempts = cache.incr(key)
        except ValueError:  # a full LocMemCache evicted the count between add() and incr()
            cache.set(key, 1, timeout=window * 2)
            attempts = 1
    if attempts <= limit:
        return 0
    return max(1, math.ceil((number + 1) * window - now))


def attempts_counted(name: str, *, window: int = MINUTE) -> int:
    """How many attempts ``name`` has counted in the current window."""
    number = int(timezone.now().timestamp() // window)
    return cache.get(f"{name}:{window}:{number}") or 0
