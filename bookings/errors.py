"""Domain errors of the booking engine. Messages are bilingual, Chinese first, and never contain personal
data. Rule violations in the request itself (dates, guests, ID formats) raise Django's
``ValidationError`` instead, with a ``code``; these are about the state of the world."""

from datetime import date

from django.utils.translation import gettext as _

from common.errors import DomainError


class BookingError(DomainError):
    code = "booking_error"


class NightsUnavailable(BookingError):
    """Not enough free rooms on some night of the stay (HTTP 409)."""

    code = "nights_unavailable"

    def __init__(self, nights: list[date]):
        self.nights = sorted(nights)
        listed = ", ".join(night.isoformat() for night in self.nights)
        super().__init__(
            _("所选日期已订满:%(nights)s Not enough rooms left on: %(nights)s") % {"nights": listed}
        )


class IllegalTransition(BookingError):
    """The booking's current state does not allow the action (HTTP 409)."""

    code = "illegal_transition"

    def __init__(self, message: str, *, status: str, action: str):
        super().__init__(message)
        self.status = status
        self.action = action
