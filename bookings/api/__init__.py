"""JSON API of bookings, the base of the mini-program's booking screens.

* ``GET /api/availability``: public search of the homestays free for a stay, with prices.
* ``POST /api/bookings``, ``GET /api/bookings``, ``GET /api/bookings/{reference}``,
  ``POST /api/bookings/{reference}/cancel``: the signed-in guest's own bookings; cancelling refunds
  what is due through the payment provider at once.
* ``GET /api/room-types/{id}/calendar``: public price calendar of a room type, night by night
  (``bookings.api.calendar``).
* ``POST /api/bookings/{reference}/pay``: open the online payment of a booking held for it (the
  booking's ``pay_url``) with the provider named (WeChat Pay, Alipay or card) or the first offered, and
  answer how the guest pays: a page to open, or WeChat Pay's code to show as a QR code.
* ``POST /api/bookings/{reference}/wechat-pay``: in the mini-program, WeChat Pay's ``wx.requestPayment``
  parameters for the booking (``bookings.api.mini_program``).

Conventions of the catalogue API (``villages.api``): stable English field names, text a person reads as
{"zh", "en"}, money as a decimal string with two places plus "currency": "CNY". Refusals come as
``{"detail": "中文 English", "code": "..."}`` in both languages whatever the request's language; a body or
parameter of the wrong shape is 422 with ninja's list of problems, as in the catalogue.
"""

from bookings.api import (
    calendar,  # noqa: F401  (registers its operation on the router)
    mini_program,  # noqa: F401 (its operation joins the router)
)
from bookings.api.endpoints import router

__all__ = ["router"]
