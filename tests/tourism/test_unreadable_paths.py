"""A path with a NUL byte or with bytes that are not UTF-8 names no page: the answer is the site's 404,
never a 500, for visitors and for signed-in tourists and owners, on SQLite and on PostgreSQL (where a NUL
reaching a database lookup is an error). Run the file with DATABASE_URL=postgres://... for the latter.
The JSON API refuses such path parameters with its own JSON 422 (tests/bookings/test_api.py)."""

import pytest
from django.test import Client

from tests import factories

pytestmark = pytest.mark.django_db

NUL = [
    "/owner/ical/%00.ics",
    "/owner/ical/feed%00token.ics",
    "/payments/%00/done/",
    "/payments/%00/cancelled/",
    "/payments/%00/start/",
    "/bookings/%00/",
    "/bookings/ABCD%00EF/",
    "/bookings/%00/cancel/",
    "/en/bookings/%00/",
    "/owner/bookings/%00/",
    "/owner/bookings/%00/guests/",
    "/owner/bookings/%00/check_in/",
    "/villages/%00/",
    "/group/villages/%00/statement/",
]
NOT_UTF8 = [
    "/bookings/%C0%AF/",  # an overlong "/"
    "/bookings/%FF/",
    "/owner/bookings/%FF/guests/",
    "/owner/ical/%C0%AF.ics",
    "/payments/%FF/done/",
    "/villages/%ED%A0%80/",  # a UTF-16 surrogate
    "/en/villages/%E6%9D%91%FF/",
]
API = ["/api/bookings/%00", "/api/bookings/ABCD%FFEF", "/api/villages/%00", "/api/villages/%C0%AF"]


@pytest.fixture(params=["visitor", "owner"])
def visitor(request):
    """Anonymous, or signed in as a homestay owner (also a tourist), so views that need a sign-in get as
    far as looking the booking up."""
    client = Client(raise_request_exception=False)
    if request.param == "owner":
        owner = factories.user()
        factories.homestay(owner=owner)
        client.force_login(owner)
    return client


@pytest.mark.parametrize("path", NUL + NOT_UTF8)
@pytest.mark.parametrize("method", ["get", "post"])
def test_an_unreadable_path_is_the_sites_404(visitor, method, path):
    response = getattr(visitor, method)(path)

    assert response.status_code == 404
    assert 'class="error-page"' in response.content.decode()


@pytest.mark.parametrize("path", API)
def test_the_api_refuses_an_unreadable_path_parameter_in_json(visitor, path):
    response = visitor.get(path)

    assert response.status_code in {401, 422}  # the sign-in comes first for my bookings
    assert response["Content-Type"].startswith("application/json")
