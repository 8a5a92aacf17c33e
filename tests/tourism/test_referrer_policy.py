"""No page posts a form under a referrer policy that makes Chromium send ``Origin: null``.

Under ``no-referrer`` (a ``<meta name="referrer">``, a ``rel="noreferrer"`` on the form, or the response's
Referrer-Policy header) Chromium sends ``Origin: null`` with a form's POST, and Django's CSRF check refuses
it: the form can never be saved. The site's header policy (``same-origin``) already keeps every page's
address from third parties, so no page needs more.
"""

from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from bookings.models import Booking
from bookings.services import booking_hold
from common.clock import local_today
from tests import factories

NO_REFERRER = "no-referrer"
# Policies that keep the path of a page from other sites and still send the Origin with its own POSTs.
PRIVATE_POLICIES = {"same-origin", "strict-origin", "strict-origin-when-cross-origin"}
TEMPLATE_DIRS = [Path(folder) for engine in settings.TEMPLATES for folder in engine["DIRS"]]


class _NullOriginPolicies(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = {name.lower(): (value or "").lower() for name, value in attrs}
        text = self.get_starttag_text() or ""
        if tag == "meta" and attributes.get("name") == "referrer":
            if NO_REFERRER in (policy.strip() for policy in attributes.get("content", "").split(",")):
                self.found.append(text)
        elif tag == "form" and (
            "noreferrer" in attributes.get("rel", "").split()
            or attributes.get("referrerpolicy") == NO_REFERRER
        ):
            self.found.append(text)


def null_origin_policies(html: str) -> list[str]:
    """The tags in ``html`` that put a page's forms, or one form, under ``no-referrer``."""
    parser = _NullOriginPolicies()
    parser.feed(html)
    parser.close()
    return parser.found


def test_the_check_catches_each_way_of_asking_for_no_referrer():
    html = (
        '{% block extra_head %}{{ block.super }}<meta name="referrer" content="no-referrer">{% endblock %}'
        '<meta name="Referrer" content="origin, No-Referrer">'
        '<form method="post" rel="noopener noreferrer"></form>'
        '<form method="post" referrerpolicy="no-referrer"></form>'
    )

    assert len(null_origin_policies(html)) == 4


def test_the_check_leaves_links_and_other_policies_alone():
    html = (
        '<meta name="referrer" content="same-origin">'
        '<meta name="description" content="no-referrer">'
        '<a href="https://example.com/" rel="noopener noreferrer" referrerpolicy="no-referrer">x</a>'
        '<form method="post" rel="nofollow"></form>'
    )

    assert null_origin_policies(html) == []


def test_no_template_asks_for_no_referrer():
    templates = [path for folder in TEMPLATE_DIRS for path in sorted(folder.rglob("*.html"))]
    found = {
        str(path.relative_to(settings.BASE_DIR)): tags
        for path in templates
        if (tags := null_origin_policies(path.read_text(encoding="utf-8")))
    }

    assert len(templates) > 50
    assert found == {}


@pytest.fixture
def pages(db):
    """Pages with a form that posts: the owner's guest registration and booking, and the tourist's
    booking form and cancellation, and logging in; each with the client of the person who sees it."""
    owner, tourist = factories.user(), factories.user()
    room = factories.room_type(homestay=factories.homestay(owner=owner))
    booking = booking_hold(
        room_type=room,
        check_in=local_today() + timedelta(days=7),
        check_out=local_today() + timedelta(days=9),
        guests=2,
        user=tourist,
        lead_guest_name="王芳",
        lead_guest_phone="13812345678",
        payment=Booking.Payment.AT_HOMESTAY,
    )
    assert booking.status == Booking.Status.CONFIRMED
    as_owner, as_tourist = Client(), Client()
    as_owner.force_login(owner)
    as_tourist.force_login(tourist)
    reference = booking.reference
    return {
        "owner guest registration": (as_owner, f"/owner/bookings/{reference}/guests/"),
        "owner booking": (as_owner, f"/owner/bookings/{reference}/"),
        "booking form": (as_tourist, f"/stays/{room.pk}/book/"),
        "cancellation": (as_tourist, f"/bookings/{reference}/cancel/"),
        "log in": (Client(), "/accounts/login/"),
    }


@pytest.mark.parametrize(
    "name",
    ["owner guest registration", "owner booking", "booking form", "cancellation", "log in"],
)
def test_pages_with_forms_keep_their_address_private_and_their_posts_same_origin(pages, name):
    client, url = pages[name]

    response = client.get(url)

    assert response.status_code == 200
    assert 'method="post"' in response.text
    assert response["Referrer-Policy"] in PRIVATE_POLICIES
    assert null_origin_policies(response.text) == []
