import pytest
from django.test import Client

from events.models import Ticket, TicketSlot
from tests import factories
from tests.events.helpers import event, register, slot

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(db):
    """A client signed in with the session cookie (the API takes it with a CSRF token, or a token)."""
    user = factories.user()
    client = Client()
    client.force_login(user)
    return client


def body(slot_: TicketSlot, **fields) -> dict:
    return {
        "slot_id": slot_.pk,
        "quantity": 2,
        "holder_name": "王小明",
        "holder_phone": "13800138000",
        **fields,
    }


def test_the_list_shows_upcoming_events_in_both_languages(client, free_slot):
    answer = client.get("/api/events").json()

    assert [item["id"] for item in answer] == [free_slot.event_id]
    assert answer[0]["title"]["zh"].startswith("葫芦文化艺术展")
    assert answer[0]["lat"] == float(free_slot.event.village.latitude)


def test_the_list_filters_by_village(client, free_slot):
    other = slot(event_=event())

    answer = client.get("/api/events", {"village": other.event.village.slug}).json()

    assert [item["id"] for item in answer] == [other.event_id]


def test_the_detail_gives_slots_with_places_left_and_prices(client, paid_slot):
    register(paid_slot, quantity=3)

    answer = client.get(f"/api/events/{paid_slot.event_id}").json()

    assert answer["slots"] == [
        {
            "currency": "CNY",
            "id": paid_slot.pk,
            "starts_at": "2026-09-01T06:00:00Z",
            "ends_at": "2026-09-01T09:00:00Z",
            "capacity": 10,
            "places_left": 7,
            "price": "30.00",
        }
    ]


def test_an_unknown_or_hidden_event_is_404(client):
    hidden = event(is_published=False)

    assert client.get(f"/api/events/{hidden.pk}").status_code == 404
    assert client.get("/api/events/999999").status_code == 404


def test_registering_needs_signing_in(client, free_slot):
    response = client.post("/api/events/tickets", body(free_slot), content_type="application/json")

    assert response.status_code == 401
    assert not Ticket.objects.exists()


def test_a_tourist_registers_lists_and_cancels_through_the_api(api, paid_slot):
    created = api.post("/api/events/tickets", body(paid_slot), content_type="application/json")
    code = created.json()["code"]
    again = api.post("/api/events/tickets", body(paid_slot), content_type="application/json")
    listed = api.get("/api/events/tickets").json()
    cancelled = api.post(f"/api/events/tickets/{code}/cancel", content_type="application/json")

    assert created.status_code == 201
    assert created.json()["amount"] == "60.00"
    assert created.json()["holder_phone"] == "+8613800138000"
    assert (again.status_code, again.json()["code"]) == (200, code)
    assert [ticket["code"] for ticket in listed] == [code]
    assert (cancelled.status_code, cancelled.json()["status"]) == (200, "cancelled")
    assert TicketSlot.objects.get(pk=paid_slot.pk).taken == 0


def test_sold_out_is_409_with_its_code_and_changes_nothing(api):
    nearly = slot(capacity=1)

    response = api.post("/api/events/tickets", body(nearly), content_type="application/json")

    assert response.status_code == 409
    assert response.json()["code"] == "sold_out"
    assert "名额不足" in response.json()["detail"] and "Not enough places" in response.json()["detail"]
    assert not Ticket.objects.exists()


@pytest.mark.parametrize(
    ("fields", "status", "code"),
    [
        ({"holder_phone": "123"}, 422, "invalid_phone"),
        ({"slot_id": 999999}, 422, "slot_not_found"),
        ({"quantity": 0}, 422, None),
        ({"slot_id": 2**63}, 422, None),  # larger than any id a database stores: refused, not a 500
        ({"holder_name": "王\x00五"}, 422, None),  # PostgreSQL cannot store a NUL: refused, not a 500
        ({"holder_phone": "1380013\x008000"}, 422, None),
    ],
)
def test_bad_registrations_are_422(api, free_slot, fields, status, code):
    response = api.post("/api/events/tickets", body(free_slot, **fields), content_type="application/json")

    assert response.status_code == status
    if code:
        assert response.json()["code"] == code
    assert not Ticket.objects.exists()


def test_a_started_slot_is_409_slot_closed(api, free_slot, clock):
    clock.set("2026-09-01 15:00")

    response = api.post("/api/events/tickets", body(free_slot), content_type="application/json")

    assert (response.status_code, response.json()["code"]) == (409, "slot_closed")


def test_another_persons_ticket_is_404(api, free_slot):
    theirs = register(free_slot)

    assert api.get(f"/api/events/tickets/{theirs.code}").status_code == 404
    assert api.post(f"/api/events/tickets/{theirs.code}/cancel").status_code == 404
    assert Ticket.objects.get(pk=theirs.pk).status == Ticket.Status.ISSUED


def test_an_idempotency_key_replays_the_first_answer(api, free_slot):
    headers = {"Idempotency-Key": "register-1"}
    first = api.post("/api/events/tickets", body(free_slot), content_type="application/json", headers=headers)
    replay = api.post(
        "/api/events/tickets", body(free_slot), content_type="application/json", headers=headers
    )

    assert first.status_code == 201
    assert replay.json()["code"] == first.json()["code"]
    assert Ticket.objects.count() == 1


@pytest.mark.parametrize("path", ["/api/events", "/events/"])
def test_a_village_that_cannot_be_a_slug_finds_nothing_rather_than_failing(client, free_slot, path):
    # A NUL byte, which PostgreSQL refuses in text (the API fuzz test found it for the shop's products).
    answer = client.get(path, {"village": "yan\x00cun"})
    assert answer.status_code == 200
    if path.startswith("/api/"):
        assert answer.json() == []
    else:
        assert free_slot.event.title_zh_hans not in answer.content.decode()
