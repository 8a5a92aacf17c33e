"""URL parts of the booking pages that can only be one shape, so anything else is a 404 at the router:
a booking reference is 8 characters of ``REFERENCE_ALPHABET`` (either case: the views upper-case it), an
iCal feed's token is URL-safe base64 (``secrets.token_urlsafe``). Django's converters are global, so
they are registered once, when the app is ready (``BookingsConfig.ready``)."""

from django.urls import register_converter

from bookings.models import REFERENCE_ALPHABET, REFERENCE_LENGTH


class BookingReferenceConverter:
    regex = f"[{REFERENCE_ALPHABET}{REFERENCE_ALPHABET.lower()}]{{{REFERENCE_LENGTH}}}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class FeedTokenConverter:
    regex = "[A-Za-z0-9_-]{1,64}"  # CalendarExport.token: max_length 64

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


def register() -> None:
    register_converter(BookingReferenceConverter, "reference")
    register_converter(FeedTokenConverter, "feed_token")
