"""Every address of the site and every operation of the API, tried by each of six people (see
permission_table.py for the table and the rules): the status each one gets, the sign-in redirect or 401
for anonymous visitors, nothing changed by a refused POST, and no answer showing another person's private
details. A new address or operation fails here until the table says who may use it.

django-allauth's own account pages and headless API are checked as a group (an anonymous visitor reaches
each without an error 500), the admin as a group too (staff only); uploaded media are not ours to check.
"""

import json
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.test import Client
from django.urls import resolve, reverse
from django.utils import translation

from bookings.models import Booking
from bookings.payments.views import return_token
from bookings.reviews.models import Review
from bookings.sync.models import CalendarFeed
from bookings.sync.services import calendar_export_regenerate
from common.clock import local_today
from events.models import Event, TicketSlot
from events.services import ticket_register
from tests import factories
from tests.bookings.helpers import hold
from tests.bookings.revenue.helpers import rule
from tests.tourism.permission_table import (
    API_REFUSALS,
    LOGIN,
    OPERATIONS,
    PAGES,
    POST_DATA,
    REFUSALS,
    ROLES,
    SIGNED_IN_ROLES,
    Secret,
    World,
    api_operations,
    expected,
    is_admin,
    is_allauth,
    is_media,
    openapi_path,
    sample_path,
    site_routes,
)
from tourism.api import api
from villages.api.auth import SIGN_IN_REQUIRED
from villages.staff_group import staff_group_sync

pytestmark = pytest.mark.django_db

PASSWORD = "Lishi-zaolin-2024"
TABLE = "tests/tourism/permission_table.py"
CHECKED_APPS = ("villages", "bookings", "shop", "events", "shareholders", "auth", "django_tasks_database")
ADMIN_OPEN = {"admin:login", "admin:logout"}  # the admin's own sign-in and sign-out


@pytest.fixture(autouse=True)
def _online_payment(stripe_api):
    """Online payment on, so the payment URLs are reachable (``stripe_api`` in tests/conftest.py)."""


def _person(role: str):
    user = factories.user(username=role, email=f"mail-{role}@people.example", password=PASSWORD)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def _session_token(user) -> str:
    response = Client().post(
        "/_allauth/app/v1/auth/login",
        {"email": user.email, "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return response.json()["meta"]["session_token"]


@pytest.fixture
def world(db) -> World:
    users = {role: _person(role) for role in SIGNED_IN_ROLES}
    users["staff"].is_staff = True
    users["staff"].save()
    users["staff"].groups.add(staff_group_sync())
    village = factories.village(themes=[factories.theme()])
    homestay = factories.homestay(village=village, owner=users["owner"], instant_book=False)
    room_type = factories.room_type(homestay=homestay, room_count=3)
    other_room_type = factories.room_type(
        homestay=factories.homestay(village=village, owner=users["other_owner"]), room_count=3
    )
    check_in = local_today() + timedelta(days=14)
    stay = {"check_in": check_in, "check_out": check_in + timedelta(days=2)}
    booking = hold(
        room_type,
        user=users["tourist"],
        payment="online",
        lead_guest_name="王甲乙",
        lead_guest_phone="13911110001",
        **stay,
    )
    other_booking = hold(
        other_room_type,
        user=users["other_tourist"],
        payment="at_homestay",
        lead_guest_name="李丙丁",
        lead_guest_phone="13922220002",
        **stay,
    )
    feed = CalendarFeed.objects.create(
        room_type=room_type, name="Airbnb", url="https://calendar.example.com/owner-private-feed.ics"
    )
    export = calendar_export_regenerate(room_type=room_type)
    other_export = calendar_export_regenerate(room_type=other_room_type)
    guest, host = "tourist", "owner"
    other_guest, other_host = "other_tourist", "other_owner"
    secrets = [
        Secret("the tourist's name", "王甲乙", frozenset({guest, host})),
        Secret("the tourist's phone", "13911110001", frozenset({guest, host})),
        Secret("the tourist's email", users[guest].email, frozenset({guest, host})),
        Secret("the tourist's booking", booking.reference, frozenset({guest, host, "staff"})),
        Secret("the other tourist's name", "李丙丁", frozenset({other_guest, other_host})),
        Secret("the other tourist's phone", "13922220002", frozenset({other_guest, other_host})),
        Secret("the other tourist's email", users[other_guest].email, frozenset({other_guest, other_host})),
        Secret(
            "the other tourist's booking",
            other_booking.reference,
            frozenset({other_guest, other_host, "staff"}),
        ),
        Secret("the owner's calendar feed", feed.url, frozenset({host})),
        Secret("the owner's calendar address", export.token, frozenset({host})),
        Secret("the other owner's calendar address", other_export.token, frozenset({other_host})),
    ]
    earlier = hold(
        room_type,
        user=users["tourist"],
        payment="at_homestay",
        lead_guest_name="王甲乙",
        lead_guest_phone="13911110001",
        check_in=check_in + timedelta(days=7),
        check_out=check_in + timedelta(days=8),
    )
    Booking.objects.filter(pk=earlier.pk).update(status=Booking.Status.COMPLETED)
    review = Review.objects.create(
        booking=earlier,
        homestay=homestay,
        author=users["tourist"],
        author_name="王**",
        overall=4,
        cleanliness=4,
        host=5,
        location=4,
        value=4,
        text="房间干净,房东热情。",
        language="zh-hans",
        status=Review.Status.PUBLISHED,
    )
    event = Event.objects.create(
        village=village,
        slug="gourd-art",
        kind=Event.Kind.EXHIBITION,
        title_zh_hans="葫芦文化艺术展",
        place_zh_hans="葫芦文化园",
        starts_on=check_in,
        ends_on=check_in,
        is_published=True,
    )
    slot = TicketSlot.objects.create(
        event=event,
        starts_at=datetime.combine(check_in, time(10), tzinfo=ZoneInfo("Asia/Shanghai")),
        ends_at=datetime.combine(check_in, time(12), tzinfo=ZoneInfo("Asia/Shanghai")),
        capacity=20,
    )
    ticket = ticket_register(
        slot=slot, holder=users["tourist"], holder_name="赵戊己", holder_phone="13933330003", quantity=2
    ).ticket
    secrets += [
        Secret("the ticket holder's name", "赵戊己", frozenset({guest})),
        Secret("the ticket holder's phone", "13933330003", frozenset({guest})),
        Secret("the tourist's ticket code", ticket.code, frozenset({guest, "staff"})),
    ]
    return World(
        event=event,
        slot=slot,
        ticket=ticket,
        review=review,
        users=users,
        village=village,
        attraction=factories.attraction(village=village),
        route=factories.route(village=village),
        homestay=homestay,
        room_type=room_type,
        other_room_type=other_room_type,
        photo=factories.photo(homestay=homestay, size=(64, 40)),
        booking=booking,
        feed=feed,
        export=export,
        rule=rule(village, "0.1", "0.05", effective_from=date(2020, 1, 1)),
        check_in=check_in,
        secrets=secrets,
        tokens={role: _session_token(user) for role, user in users.items()},
    )


def _snapshot() -> list:
    """Every row of our apps (and of users and groups): what a refused request must leave alone."""
    return [
        list(model._default_manager.order_by("pk").values())
        for model in apps.get_models()
        if model._meta.app_label in CHECKED_APPS
    ]


def _body(response) -> str:
    """The answer as text, JSON with its Chinese unescaped."""
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    if response.get("Content-Type", "").startswith("application/json"):
        return json.dumps(response.json(), ensure_ascii=False)
    return response.content.decode(errors="replace")


def _leaks(response, role: str, world: World, url: str) -> list[str]:
    """The private details of others in the answer; what the address itself carries is not news."""
    body = _body(response)
    return [
        secret.what
        for secret in world.secrets
        if role not in secret.seen_by and secret.text in body and secret.text not in url
    ]


def _post_data(world: World) -> dict:
    return {
        **POST_DATA,
        "first_night": world.check_in.isoformat(),
        "last_night": (world.check_in + timedelta(days=1)).isoformat(),
        "village": str(world.village.pk),
        "paid_on": local_today().isoformat(),
    }


def _page_client(client, world: World, role: str):
    if role != "anonymous":
        client.force_login(world.users[role])
    return client


def _check_page(client, world, role, key, method, url, data) -> list[str]:
    page = PAGES[key]
    allowed = page.get if method == "GET" else page.post
    want = expected(REFUSALS, page.access, role, allowed)
    refused = want != allowed
    before = _snapshot() if method == "POST" and refused else None
    response = client.get(url) if method == "GET" else client.post(url, data)
    where = f"{role} {method} {url} ({key})"
    problems = [f"{where}: {secret} shown" for secret in _leaks(response, role, world, url)]
    if want == LOGIN:
        login = reverse("account_login")
        if response.status_code != 302 or not response["Location"].startswith(f"{login}?next="):
            problems.append(
                f"{where}: {response.status_code} {response.get('Location')}, not sent to sign in"
            )
    elif response.status_code != want and not (refused and allowed == 405 and response.status_code == 405):
        problems.append(f"{where}: {response.status_code}, expected {want}")
    if before is not None and _snapshot() != before:
        problems.append(f"{where}: refused, yet changed the database")
    return problems


@pytest.mark.parametrize("role", ROLES)
def test_every_page_answers_each_person_as_the_table_says(client, world, role):
    client = _page_client(client, world, role)
    data = _post_data(world)
    routes = [route for route in site_routes() if route.key in PAGES]
    problems = []
    for method in ("GET", "POST"):  # every GET first, before POSTs change things
        for route in routes:
            page = PAGES[route.key]
            url = reverse(route.key, kwargs=page.kwargs(world))
            query = page.query(world)
            if query:
                url += "?" + urlencode(query)
            problems += _check_page(client, world, role, route.key, method, url, data)
    assert not problems, "\n".join(problems)


def test_english_addresses_send_anonymous_visitors_to_the_english_sign_in(client, world):
    problems = []
    for route in site_routes():
        if not route.localized or route.key not in PAGES:
            continue
        page = PAGES[route.key]
        with translation.override("en"):
            url = reverse(route.key, kwargs=page.kwargs(world))
            login = reverse("account_login")
        assert url.startswith("/en/"), url
        response = client.get(url, page.query(world))
        want = expected(REFUSALS, page.access, "anonymous", page.get)
        if want == LOGIN:
            if response.status_code != 302 or not response["Location"].startswith(f"{login}?next=/en/"):
                problems.append(f"{url}: {response.status_code} {response.get('Location')}")
        elif response.status_code != want:
            problems.append(f"{url}: {response.status_code}, expected {want}")
        problems += [f"{url}: {secret} shown" for secret in _leaks(response, "anonymous", world, url)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("role", ROLES)
def test_every_api_operation_answers_each_person_as_the_table_says(world, role):
    client = Client()
    headers = {} if role == "anonymous" else {"X-Session-Token": world.tokens[role]}
    problems = []
    for key, operation in OPERATIONS.items():
        method, template = key.split(" ", 1)
        path = template.format(**operation.path(world))
        want = expected(API_REFUSALS, operation.access, role, operation.ok)
        refused = want != operation.ok
        before = _snapshot() if method == "POST" and refused else None
        if method == "GET":
            response = client.get(path, operation.query(world), headers=headers)
        else:
            body = operation.body(world) if operation.body else {}
            response = client.post(path, body, content_type="application/json", headers=headers)
        where = f"{role} {method} {path}"
        problems += [f"{where}: {secret} shown" for secret in _leaks(response, role, world, path)]
        if want == LOGIN:
            if response.status_code != 401 or response.json() != {"detail": SIGN_IN_REQUIRED}:
                problems.append(f"{where}: {response.status_code} {_body(response)[:200]}, not 401")
        elif response.status_code != want:
            problems.append(f"{where}: {response.status_code} {_body(response)[:200]}, expected {want}")
        if (
            key == "GET /api/me"
            and response.status_code == 200
            and response.json()["id"] != world.users[role].pk
        ):
            problems.append(f"{where}: another person's account")
        if before is not None and _snapshot() != before:
            problems.append(f"{where}: refused, yet changed the database")
    assert not problems, "\n".join(problems)


# The table covers everything, and nothing that is gone


def test_every_address_of_the_site_has_an_entry_in_the_table():
    paths = set(api.get_openapi_schema()["paths"])
    missing = [
        f"  {route.route!r} (URL name {route.key!r}, view {route.view})"
        for route in site_routes()
        if not (is_allauth(route) or is_admin(route) or is_media(route))
        and not (route.key.startswith("api:") and openapi_path(route) in paths)
        and route.key not in PAGES
    ]
    assert not missing, (
        f"Addresses with no entry in PAGES of {TABLE}: add one saying who may open each, "
        "and what they get for GET and POST:\n" + "\n".join(missing)
    )


def test_every_api_operation_has_an_entry_in_the_table():
    missing = [key for key in api_operations(api.get_openapi_schema()) if key not in OPERATIONS]
    assert not missing, (
        f"API operations with no entry in OPERATIONS of {TABLE}: add one saying who may call each:\n  "
        + "\n  ".join(missing)
    )


def test_the_table_names_no_address_or_operation_that_is_gone():
    keys = {route.key for route in site_routes()}
    gone = [key for key in PAGES if key not in keys]
    gone += [key for key in OPERATIONS if key not in api_operations(api.get_openapi_schema())]
    assert not gone, f"Entries of {TABLE} for addresses or operations that no longer exist: {gone}"


# The addresses whose secret is the permission


def test_a_wrong_calendar_address_finds_nothing(client, world):
    response = client.get(reverse("owner:ical_export", kwargs={"token": world.export.token[:-2] + "xx"}))

    assert response.status_code == 404


def test_payment_pages_open_with_the_bookings_signed_token_and_no_other(client, world):
    other = hold(
        world.other_room_type,
        user=world.users["other_tourist"],
        check_in=world.check_in,
        check_out=world.check_in + timedelta(days=1),
    )
    done = reverse("payments:done", kwargs={"reference": world.booking.reference})

    with_token = client.get(done, {"t": return_token(world.booking)})
    with_another_bookings_token = client.get(done, {"t": return_token(other)})

    assert with_token.status_code == 200
    assert with_another_bookings_token.status_code == 404


# Groups: the admin (staff only) and django-allauth's own addresses


def _group(test) -> list:
    return [route for route in site_routes() if test(route)]


@pytest.mark.parametrize("role", ["anonymous", "tourist", "owner"])
def test_the_admin_sends_everyone_but_django_staff_to_its_sign_in(client, world, role):
    client = _page_client(client, world, role)
    problems = []
    for route in _group(is_admin):
        if route.key in ADMIN_OPEN:
            continue
        path = sample_path(route)
        resolve(path)
        response = client.get(path)
        if response.status_code != 302 or not response["Location"].startswith("/admin/login/"):
            problems.append(f"{path} ({route.key}): {response.status_code} {response.get('Location')}")
    assert not problems, "\n".join(problems)


def test_the_admin_answers_group_staff_without_an_error(client, world):
    client = _page_client(client, world, "staff")
    problems = []
    for route in _group(is_admin):
        path = sample_path(route)
        response = client.get(path)
        if response.status_code >= 500:
            problems.append(f"{path} ({route.key}): {response.status_code}")
        problems += [f"{path}: {secret} shown" for secret in _leaks(response, "staff", world, path)]
    assert not problems, "\n".join(problems)
    assert client.get(reverse("admin:villages_village_changelist")).status_code == 200
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403


def test_allauths_addresses_answer_an_anonymous_visitor_without_an_error(client, world):
    routes = _group(is_allauth)
    problems = []
    for route in routes:
        path = sample_path(route)
        resolve(path)
        for method in (client.get, client.post):
            response = method(path)
            if response.status_code >= 500:
                problems.append(f"{method.__name__.upper()} {path} ({route.key}): {response.status_code}")
            problems += [f"{path}: {secret} shown" for secret in _leaks(response, "anonymous", world, path)]
    assert not problems, "\n".join(problems)
    assert len(routes) > 20
