"""The figures of one slice of the dashboard (a village, a homestay, a month, everything) and the
lodging KPIs derived from them. Every field adds up across slices, so slices are summed, never
averaged; the KPIs are ratios of sums.

Booking figures count the bookings arriving (check-in) in the period:

* ``bookings``: stays sold (confirmed, in house, completed or no-show).
* ``confirmed``/``cancelled``: bookings ever confirmed, and those of them later cancelled: the
  cancellation rate. Requests declined or holds that expired were never confirmed and do not count.
* ``gross``: gross booking value, the totals of the bookings ever confirmed.
* ``stay_nights``/``lead_days``: nights and days booked ahead (from the Beijing date the booking was
  made) of the stays sold: average length of stay and lead time.
* Money from the ledger: ``refunds`` paid back to guests, ``commission``, ``collective`` and ``owner``
  (what each party earned after cancellations); net revenue is their sum.

Night figures count each night on its own date: ``room_nights`` sold and their ``room_revenue`` (the
price per room each night was sold at), ``available`` room-nights (rooms of bookable room types, less the
rooms the owner closed; nights sold on another platform stay available): occupancy, ADR, RevPAR.
"""

from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal

from common.money import ZERO, quantize

RATIO = Decimal("0.0001")
TENTH = Decimal("0.1")


def _ratio(part, whole, places: Decimal = RATIO) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(places, rounding=ROUND_HALF_UP)


@dataclass
class Figures:
    bookings: int = 0
    confirmed: int = 0
    cancelled: int = 0
    stay_nights: int = 0
    lead_days: int = 0
    gross: Decimal = ZERO
    room_nights: int = 0
    room_revenue: Decimal = ZERO
    available: int = 0
    refunds: Decimal = ZERO
    commission: Decimal = ZERO
    collective: Decimal = ZERO
    owner: Decimal = ZERO

    def __iadd__(self, other: "Figures") -> "Figures":
        for name in FIELD_NAMES:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        return self

    def __add__(self, other: "Figures") -> "Figures":
        total = Figures()
        total += self
        total += other
        return total

    @property
    def net_revenue(self) -> Decimal:
        return self.commission + self.collective + self.owner

    @property
    def occupancy(self) -> Decimal | None:
        """Room-nights sold / room-nights available (a fraction; may pass 1 if rooms were removed)."""
        return _ratio(self.room_nights, self.available)

    @property
    def adr(self) -> Decimal | None:
        """Average daily rate: room revenue per room-night sold."""
        return quantize(self.room_revenue / self.room_nights) if self.room_nights else None

    @property
    def revpar(self) -> Decimal | None:
        """Room revenue per room-night available."""
        return quantize(self.room_revenue / self.available) if self.available else None

    @property
    def average_stay(self) -> Decimal | None:
        """Average length of stay in nights."""
        return _ratio(self.stay_nights, self.bookings, TENTH)

    @property
    def cancellation_rate(self) -> Decimal | None:
        return _ratio(self.cancelled, self.confirmed)

    @property
    def lead_time(self) -> Decimal | None:
        """Average days between booking and arrival."""
        return _ratio(self.lead_days, self.bookings, TENTH)


FIELD_NAMES = tuple(f.name for f in fields(Figures))
