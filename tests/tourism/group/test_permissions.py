"""Only group staff see revenue: anonymous visitors are sent to sign in, tourists and owners get 403."""

import pytest

from tests import factories
from tests.bookings.revenue.helpers import rule

pytestmark = pytest.mark.django_db

PAGES = [
    ("get", "/group/"),
    ("get", "/group/attention/"),
    ("get", "/group/export/villages.csv"),
    ("get", "/group/villages/{slug}/statement/"),
    ("get", "/group/villages/{slug}/statement.csv"),
    ("post", "/group/villages/{slug}/payouts/"),
    ("get", "/group/rules/"),
    ("post", "/group/rules/"),
    ("post", "/group/rules/{rule}/delete/"),
    ("get", "/en/group/"),
]


@pytest.fixture
def village(db):
    return factories.village(slug="yancun")


def _url(template, village):
    return template.format(slug=village.slug, rule=rule(village, "0.1", "0.05").pk)


@pytest.mark.parametrize("method, template", PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, village, method, template):
    response = getattr(client, method)(_url(template, village))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("method, template", PAGES)
def test_tourists_are_refused(client, village, method, template):
    client.force_login(factories.user())
    assert getattr(client, method)(_url(template, village)).status_code == 403


@pytest.mark.parametrize("method, template", PAGES)
def test_homestay_owners_are_refused(client, village, method, template):
    owner = factories.user()
    factories.homestay(owner=owner, village=village)
    client.force_login(owner)
    assert getattr(client, method)(_url(template, village)).status_code == 403


@pytest.mark.parametrize("template", [template for method, template in PAGES if method == "get"])
def test_group_staff_see_every_page(staff_client, village, template):
    assert staff_client.get(_url(template, village)).status_code == 200


def test_an_inactive_staff_member_is_refused(staff_client, staff):
    staff.is_active = False
    staff.save()
    assert staff_client.get("/group/").status_code == 302


def test_django_staff_without_the_group_are_refused(client):
    admin = factories.user(is_staff=True)
    client.force_login(admin)
    assert client.get("/group/").status_code == 403
