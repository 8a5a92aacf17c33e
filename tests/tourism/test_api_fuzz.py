"""The JSON API fuzzed from its own OpenAPI document with schemathesis, as an anonymous visitor and as a
signed-in tourist (allauth's X-Session-Token, as the mini-program sends it).

Every operation gets schema-valid and schema-invalid requests; about half of the ids, slugs and
references are swapped for real ones (the tourist's own booking, another tourist's, a published homestay)
so the requests reach past the 404s. Each answer must not be a 5xx and must match the document: a
documented status code, content type and body shape, 4xx for invalid input, and 401 for an operation
that needs signing in when the credentials are taken away. Another tourist's booking is never found.

Schemathesis' ``positive_data_acceptance`` check is left out: the document cannot say that a stay must
start today or later, or that a plan's stops must exist, so a schema-valid request refused with 422 for
such a rule is the API doing its job.
"""

from datetime import timedelta

import pytest
import schemathesis
from allauth.account.models import EmailAddress
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from schemathesis.specs.openapi.checks import positive_data_acceptance

from common.clock import local_today
from tests import factories
from tests.bookings.helpers import hold
from tourism.api import api

PASSWORD = "Lishi-zaolin-2024"
MAX_EXAMPLES = 25

application = get_wsgi_application()
schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = application


@pytest.fixture(autouse=True)
def _online_payment(stripe_api):
    """Online payment is on, with Stripe's API answered in the process (``stripe_api``)."""


@pytest.fixture
def requests_keep_the_test_connection():
    """The WSGI handler closes the database connection around each request, as in production. Inside a
    test that would end the test's transaction; Django's test client turns this off the same way (and
    turns it back on after each of its own requests, so this comes after any use of the test client)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world(db, settings):
    """A small published catalogue, the tourist's booking and another tourist's; the booking rate limit
    raised so the fuzzer reaches the booking rules rather than 429 after 20 attempts."""
    settings.BOOKING_CREATE_RATE_PER_MINUTE = 10_000
    theme = factories.theme()
    village = factories.village(themes=[theme])
    attraction = factories.attraction(village=village)
    room_type = factories.room_type(homestay=factories.homestay(village=village), room_count=5)
    route = factories.route(village=village)
    tourist = factories.user(password=PASSWORD)
    EmailAddress.objects.create(user=tourist, email=tourist.email, verified=True, primary=True)
    check_in = local_today() + timedelta(days=10)
    stay = {"check_in": check_in, "check_out": check_in + timedelta(days=2)}
    mine = hold(room_type, user=tourist, payment="online", **stay)
    theirs = hold(room_type, user=factories.user(), payment="online", **stay)
    login = Client().post(
        "/_allauth/app/v1/auth/login",
        {"email": tourist.email, "password": PASSWORD},
        content_type="application/json",
    )
    return {
        "token": login.json()["meta"]["session_token"],
        "id": [attraction.pk, room_type.homestay.pk, route.pk],
        "slug": [village.slug],
        "reference": [mine.reference, theirs.reference],
        "party": {
            "room_type_id": room_type.pk,
            "rooms": 1,
            "lead_guest_name": "张三",
            "lead_guest_phone": "13800138000",
        },
        "theirs": theirs.reference,
    }


def _use_real_objects(case, world, data) -> None:
    """Half of the time, swap a generated id, slug, reference, room type or date for a real one, so the
    request gets past "not found" and "in the past" to the booking and planning rules. Requests made
    invalid on purpose are left alone: they must stay invalid."""
    if case.meta is not None and case.meta.generation.mode.is_negative:
        return
    for name in ("id", "slug", "reference"):
        if name in (case.path_parameters or {}) and data.draw(st.booleans()):
            case.path_parameters[name] = data.draw(st.sampled_from(world[name]))
    for fields in (case.query, case.body):
        if not isinstance(fields, dict):
            continue
        if "room_type_id" in fields and data.draw(st.booleans()):
            fields.update(world["party"], guests=data.draw(st.integers(1, 2)))
        if "check_in" in fields and data.draw(st.booleans()):
            check_in = local_today() + timedelta(days=data.draw(st.integers(0, 60)))
            fields["check_in"] = check_in.isoformat()
            fields["check_out"] = (check_in + timedelta(days=data.draw(st.integers(1, 5)))).isoformat()
        if "date" in fields and data.draw(st.booleans()):
            fields["date"] = (local_today() + timedelta(days=data.draw(st.integers(0, 30)))).isoformat()
            fields["stops"] = [{"attraction": data.draw(st.sampled_from(world["id"][:1]))}]
            fields["start"] = {"preset": "centre"}


IDEMPOTENCY_REFUSALS = {"idempotency_key_reused", "idempotency_key_invalid", "idempotency_key_in_use"}


def _refused_before_reading(response) -> bool:
    """Refused for the request itself, before the view reads any booking, so the same for any
    reference, someone else's or none: its shape (django-ninja's 422, one entry per bad parameter),
    or its Idempotency-Key (``common.idempotency``: a key used for another request, or in use)."""
    if response.status_code not in (409, 422):
        return False
    body = response.json()
    return isinstance(body.get("detail"), list) or body.get("code") in IDEMPOTENCY_REFUSALS


@pytest.mark.parametrize("role", ["anonymous", "tourist"])
@schema.parametrize()
@schema.given(data=st.data())
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    # Not the document's own request examples (the mini-program's): schemathesis cannot run them beside
    # the drawn ``data``; the operations' tests send them.
    phases=[Phase.generate, Phase.target, Phase.shrink],
)
def test_every_operation_answers_as_documented_and_never_5xx(
    case, data, role, world, requests_keep_the_test_connection
):
    _use_real_objects(case, world, data)
    # Schemathesis' WSGI client does not unzip, so ask for answers that are not gzipped.
    headers = {"Accept-Encoding": "identity"}
    if role == "tourist":
        headers["X-Session-Token"] = world["token"]
    response = case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])
    assert response.status_code < 500
    if (case.path_parameters or {}).get("reference") == world["theirs"]:
        assert response.status_code in (401, 404) or _refused_before_reading(response), (
            "another tourist's booking answered"
        )
