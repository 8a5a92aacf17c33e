"""Download another platform's iCal feed, within limits: an address the owner typed is untrusted.

* only ``http`` and ``https``, at most ``MAX_REDIRECTS`` redirects;
* the server must be on the public internet: the address actually connected to is checked, so a name
  that resolves to this machine or the private network is refused even if its DNS answer changes
  (``ICAL_SYNC_ALLOW_PRIVATE_HOSTS = True`` lifts this, for tests against 127.0.0.1);
* a deadline for the whole download (``ICAL_SYNC_TIMEOUT_SECONDS``), so a server that sends one byte
  at a time cannot hold a worker, and a size cap (``ICAL_SYNC_MAX_BYTES``).

Every failure raises ``FeedError`` with a message for the owner; nothing else escapes.
"""

import http.client
import ipaddress
import ssl
import time
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

TIMEOUT_SECONDS = 20
MAX_BYTES = 2 * 1024 * 1024
MAX_REDIRECTS = 3
REDIRECTS = {301, 302, 303, 307, 308}
CHUNK = 64 * 1024
USER_AGENT = "LishiTourism-CalendarSync/1.0"


class FeedError(Exception):
    """The feed could not be read; ``message`` says why, for the owner (Chinese first)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _limits() -> tuple[float, int, bool]:
    return (
        float(getattr(settings, "ICAL_SYNC_TIMEOUT_SECONDS", TIMEOUT_SECONDS)),
        int(getattr(settings, "ICAL_SYNC_MAX_BYTES", MAX_BYTES)),
        bool(getattr(settings, "ICAL_SYNC_ALLOW_PRIVATE_HOSTS", False)),
    )


class _PublicPeerOnly(http.client.HTTPConnection):
    """Refuse the connection when the address connected to is not a public one."""

    allow_private = False

    def connect(self) -> None:
        super().connect()
        address = ipaddress.ip_address(self.sock.getpeername()[0].split("%")[0])
        if not (address.is_global or self.allow_private):
            self.sock.close()
            raise FeedError(_("日历地址不是公网地址 The calendar address is not on the public internet"))


class _HTTPConnection(_PublicPeerOnly, http.client.HTTPConnection):
    pass


class _HTTPSConnection(_PublicPeerOnly, http.client.HTTPSConnection):
    pass


def validate_feed_url(url: str) -> None:
    """Raise ``FeedError`` unless ``url`` is an http(s) address with a host."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FeedError(_("日历地址必须以 http:// 或 https:// 开头 The address must start with http(s)://"))
    try:
        parts.port  # noqa: B018  (raises ValueError for a port out of range)
    except ValueError:
        raise FeedError(_("日历地址的端口无效 The address has an invalid port")) from None


def _connection(url: str, timeout: float, allow_private: bool) -> tuple[http.client.HTTPConnection, str]:
    validate_feed_url(url)
    parts = urlsplit(url)
    connection_class = _HTTPSConnection if parts.scheme == "https" else _HTTPConnection
    assert parts.hostname  # validate_feed_url refuses an address without one
    connection = connection_class(parts.hostname, parts.port, timeout=timeout)
    connection.allow_private = allow_private
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return connection, target


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError
    return left


def _read_body(sock, response, deadline: float, max_bytes: int) -> bytes:
    length = response.getheader("Content-Length")
    if length and length.isdigit() and int(length) > max_bytes:
        raise FeedError(_too_big(max_bytes))
    body = bytearray()
    while True:
        sock.settimeout(_remaining(deadline))
        chunk = response.read1(CHUNK)
        if not chunk:
            return bytes(body)
        body += chunk
        if len(body) > max_bytes:
            raise FeedError(_too_big(max_bytes))


def _too_big(max_bytes: int) -> str:
    return _("日历文件太大(超过%(mb)sMB) The calendar file is too large (over %(mb)s MB)") % {
        "mb": round(max_bytes / 1024 / 1024, 1)
    }


def _get(url: str, deadline: float, max_bytes: int, allow_private: bool) -> tuple[int, str, bytes]:
    """One request: (status, Location header, body of a 200 response)."""
    connection, target = _connection(url, _remaining(deadline), allow_private)
    try:
        connection.request(
            "GET",
            target,
            headers={"User-Agent": USER_AGENT, "Accept": "text/calendar, */*", "Accept-Encoding": "identity"},
        )
        sock = connection.sock  # the connection forgets it once the response says it will close
        response = connection.getresponse()
        if response.status != 200:
            return response.status, response.getheader("Location", ""), b""
        return 200, "", _read_body(sock, response, deadline, max_bytes)
    finally:
        connection.close()


def fetch_feed(url: str) -> bytes:
    """The body of the feed at ``url``; raises ``FeedError``."""
    timeout, max_bytes, allow_private = _limits()
    deadline = time.monotonic() + timeout
    try:
        for _redirect in range(MAX_REDIRECTS + 1):
            status, location, body = _get(url, deadline, max_bytes, allow_private)
            if status == 200:
                return body
            if status not in REDIRECTS or not location:
                raise FeedError(
                    _("日历服务器返回错误 %(status)s The calendar server answered HTTP %(status)s")
                    % {"status": status}
                )
            url = urljoin(url, location)
        raise FeedError(_("日历地址重定向次数过多 The calendar address redirects too many times"))
    except TimeoutError:
        raise FeedError(
            _("日历服务器在%(s)s秒内没有完成响应 The calendar server did not answer within %(s)s seconds")
            % {"s": round(timeout, 1)}
        ) from None
    except ssl.SSLError:
        raise FeedError(_("无法建立安全连接 The secure connection failed")) from None
    except http.client.HTTPException:
        raise FeedError(_("日历服务器的响应无效 The calendar server sent an invalid response")) from None
    except (OSError, UnicodeError):
        raise FeedError(_("无法连接日历服务器 Could not connect to the calendar server")) from None
