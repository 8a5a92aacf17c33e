"""Addresses that no page can have are answered with the site's 404 before any view sees them."""

from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from django.http import Http404, HttpRequest, HttpResponse

API_PREFIX = "/api/"


class UnreadablePathMiddleware:
    """A path with a NUL byte (``%00``), or with bytes that are not UTF-8 (``%C0%AF``, ``%FF``), names
    nothing here. Left to the views, a NUL reaches PostgreSQL inside a lookup (``reference='\\x00'``),
    which refuses it with an error, so the answer was a 500; an undecodable byte reaches them re-escaped as
    ``%FF``, which only happens to find nothing. Both are the site's 404, on every database and page.

    The JSON API (``/api/``, tourism/urls.py) is left to answer for itself: it checks every path parameter
    against its schema (a booking reference is 8 letters or digits) before any lookup and refuses what
    does not fit with its own JSON 422, which its clients read."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(API_PREFIX) and path_unreadable(request.path_info):
            raise Http404
        return self.get_response(request)


def path_unreadable(path: str) -> bool:
    """Django has decoded the path already and re-escaped each byte that is not UTF-8 as ``%XX`` (the raw
    bytes are gone by then), so what is still escaped must decode as UTF-8 too. A literal "%FF" (sent as
    ``%25FF``) looks the same and is refused the same: no address of this site has a "%" in it. An ASGI
    server may keep bad bytes as lone surrogates, which do not encode: refused as well."""
    if "\x00" in path:
        return True
    try:
        unquote_to_bytes(path).decode("utf-8")
    except UnicodeError:
        return True
    return False
