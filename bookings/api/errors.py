"""The booking engine's refusals as HTTP answers, in one place for the whole API (ninja exception
handlers, installed by ``tourism.api``). Every answer is ``{"detail": "中文 English", "code": ...}``:

* ``NightsUnavailable`` -> 409 with ``nights``;
* ``IllegalTransition`` (the transition table says no) -> 409 with the booking's ``status``;
* ``PaymentUnavailable`` (a provider cannot be reached or is not configured) -> 503, the hold is kept;
* Django's ``ValidationError`` (a booking rule refuses the input) -> 422 with its ``code``.
"""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from bookings.errors import IllegalTransition, NightsUnavailable
from bookings.payments.services import PaymentUnavailable


def install(api: NinjaAPI) -> None:
    def nights_unavailable(request: HttpRequest, error: NightsUnavailable) -> HttpResponse:
        return api.create_response(
            request, {"detail": error.message, "code": error.code, "nights": error.nights}, status=409
        )

    def illegal_transition(request: HttpRequest, error: IllegalTransition) -> HttpResponse:
        return api.create_response(
            request, {"detail": error.message, "code": error.code, "status": error.status}, status=409
        )

    def payment_unavailable(request: HttpRequest, error: PaymentUnavailable) -> HttpResponse:
        return api.create_response(request, {"detail": error.message, "code": error.code}, status=503)

    def invalid(request: HttpRequest, error: ValidationError) -> HttpResponse:
        code = getattr(error, "code", None) or "invalid"
        return api.create_response(request, {"detail": error.messages[0], "code": code}, status=422)

    api.exception_handler(NightsUnavailable)(nights_unavailable)
    api.exception_handler(IllegalTransition)(illegal_transition)
    api.exception_handler(PaymentUnavailable)(payment_unavailable)
    api.exception_handler(ValidationError)(invalid)
