"""The JSON API's root: the routers of every app, and the answers to requests no endpoint gets to see
(not signed in, a body too large or not JSON), in JSON like every other answer of the API."""

import logging

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError

from bookings.api import errors as booking_errors
from bookings.api import router as bookings_router
from bookings.reviews.api import router as reviews_router
from events.api import router as events_router
from shop import api as shop_api
from tourism import api_miniprogram
from tourism.api_accounts import router as accounts_router
from tourism.api_planner import router as planner_router
from villages.api import router as villages_router
from villages.api.auth import unauthorized
from villages.api.news import router as news_router

BODY_TOO_LARGE = "请求内容太大 / The request body is too large"
BODY_NOT_JSON = "请求内容不是有效的 JSON / The request body is not valid JSON"

security_log = logging.getLogger("django.security.RequestDataTooBig")  # where Django logs it too

api = NinjaAPI(
    title="离石乡村旅游 API · Lishi Rural Tourism API",
    version="1",
    description="Villages, attractions, homestays and routes of Lishi District. Field names are stable.",
    urls_namespace="api",
    # No badge from validator.swagger.io: the CSP allows images from this site only.
    docs=Swagger(settings={"validatorUrl": None}),
)
api.add_router("/", villages_router)
api.add_router("/", accounts_router)
api.add_router("/", bookings_router)
api.add_router("/", planner_router)
api.add_router("/", api_miniprogram.router)
api.add_router("/", reviews_router)
api.add_router("/", shop_api.router)
api.add_router("/", events_router)
api.add_router("/", news_router)


def body_too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    """A body over DATA_UPLOAD_MAX_MEMORY_SIZE: 413, where Django alone would answer its HTML 400 page."""
    security_log.warning("%s %s: %s", request.method, request.path, exc)
    return api.create_response(request, {"detail": BODY_TOO_LARGE, "code": "too_large"}, status=413)


def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """Ninja's own answer to an HttpError, except that a body its parser could not read (JSON it cannot
    decode: ninja raises HttpError(400) from the ValueError) gets a bilingual reason and a code."""
    if exc.status_code == 400 and isinstance(exc.__cause__, ValueError):
        return api.create_response(request, {"detail": BODY_NOT_JSON, "code": "invalid_json"}, status=400)
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


api.exception_handler(AuthenticationError)(unauthorized)
booking_errors.install(api)
shop_api.install(api)
api_miniprogram.install(api)
api.exception_handler(RequestDataTooBig)(body_too_large)
api.exception_handler(HttpError)(http_error)
