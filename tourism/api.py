from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError

from bookings.api import errors as booking_errors
from bookings.api import router as bookings_router
from tourism.api_accounts import router as accounts_router
from tourism.api_planner import router as planner_router
from villages.api import router as villages_router
from villages.api.auth import unauthorized

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
api.add_exception_handler(AuthenticationError, unauthorized)
booking_errors.install(api)
