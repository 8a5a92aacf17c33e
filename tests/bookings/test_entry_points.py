"""Every path does the whole job (DESIGN invariant 8): an action taken through any entry point (the booking
pages, the API, the owner console, a payment webhook or provider notification, the guest's return from
paying, a management command, another guest's booking that finds a lapsed hold) ends in the same state,
the same ledger entries, the same activity event and the same
notifications; only the event's ``source`` says which way it came. Repeating an action (a second click, a
webhook delivered twice, the job run again) is one more entry point that must change nothing.

Each case builds a fresh homestay and guest per entry point, runs the action through it (committing, so
the notifications are queued and sent), and compares what a person could notice.

The clock is frozen at Tuesday 1 September 2026, 10:00 Beijing time (tests/bookings/conftest.py).
"""

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from bookings import usecases
from bookings.activity import Source
from bookings.models import Booking
from bookings.payments.models import Payment
from common.models import WeChatOpenId
from common.wechat_ids import wechat_link
from notifications.models import Notification
from tests import factories
from tests.bookings.helpers import ARRIVAL, DEPARTURE, hold
from tests.bookings.payments import fake_alipay, fake_wechat, fakes
from tests.bookings.payments.conftest import (  # noqa: F401  (the fake WeChat Pay and Alipay, as fixtures)
    alipay_api,
    alipay_keys,
    alipay_server,
    wechat_api,
    wechat_keys,
    wechat_server,
)
from tests.bookings.test_api import App, verified_user
from villages.models import RoomType

# Committed transactions, so notifications are queued after commit and sent, as in production.
pytestmark = pytest.mark.django_db(transaction=True)

STAY = {"check_in": ARRIVAL.isoformat(), "check_out": DEPARTURE.isoformat(), "guests": "2", "rooms": "1"}
LEAD: dict[str, Any] = {"lead_guest_name": "李四", "lead_guest_phone": "139 0013 9000"}


@pytest.fixture(autouse=True)
def _online_payment(stripe_api):
    """Online payment on: Stripe's test keys and the fake Stripe API (tests/conftest.py)."""


@dataclass
class World:
    """One homestay with its owner, and one guest with a verified e-mail address."""

    owner: User
    room_type: RoomType
    guest: User

    @classmethod
    def make(cls, *, instant_book: bool = True) -> "World":
        owner = factories.user()
        owner.email = f"owner{owner.pk}@example.com"
        owner.save()
        homestay = factories.homestay(owner=owner, instant_book=instant_book, cancellation_policy="moderate")
        room_type = factories.room_type(
            homestay=homestay, room_count=1, capacity=2, base_price=Decimal("200.00")
        )
        return cls(owner=owner, room_type=room_type, guest=verified_user())


def snapshot(booking: Booking) -> dict:
    """What the guest, the owner and the group could notice about a booking, without ids and times."""
    booking = Booking.objects.get(pk=booking.pk)
    notices = Notification.objects.filter(subject=f"booking:{booking.reference}")
    return {
        "status": booking.status,
        "total": booking.total,
        "paid": booking.is_paid,
        "refund_due": booking.refund_due,
        "cancelled_by": booking.cancelled_by,
        "ledger": sorted((entry.kind, entry.account, entry.amount) for entry in booking.ledger_entries.all()),
        "refunds": sorted((refund.amount, refund.status) for refund in booking.refunds.all()),
        "events": [
            (event.action, event.role, event.from_status, event.to_status)
            for event in booking.events.order_by("id")
        ],
        "notices": sorted((notice.event, notice.role, notice.status) for notice in notices),
        "emails": sorted(
            (email.to[0].split("@")[0].rstrip("0123456789"), email.subject.split("·")[0])
            for email in mail.outbox
            if booking.reference in email.subject
        ),
    }


def sources(booking: Booking) -> list[str]:
    return list(booking.events.order_by("id").values_list("source", flat=True))


def web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def book_url(room_type) -> str:
    query = "&".join(f"{key}={value}" for key, value in STAY.items())
    return f"{reverse('bookings:book', args=[room_type.pk])}?{query}"


def api_body(room_type, payment: str) -> dict:
    return {
        "room_type_id": room_type.pk,
        "check_in": STAY["check_in"],
        "check_out": STAY["check_out"],
        "guests": 2,
        "rooms": 1,
        "payment": payment,
        **LEAD,
    }


def deliver(event_type: str, stripe_object: dict, event_id: str) -> None:
    payload = json.dumps(fakes.event(event_type, stripe_object, event_id))
    response = Client().post(
        fakes.WEBHOOK_URL,
        data=payload,
        content_type="application/json",
        headers={"Stripe-Signature": fakes.signed(payload)},
    )
    assert response.status_code == 200, response.content


def placed(world: World, payment: str = "online") -> Booking:
    """A booking the guest made on the site (the preparation of the cases below)."""
    return usecases.booking_place(
        actor=usecases.Actor(role="guest", source=Source.WEB, user=world.guest),
        room_type=world.room_type,
        check_in=ARRIVAL,
        check_out=DEPARTURE,
        guests=2,
        payment=payment,
        **LEAD,
    ).booking


def pay_online(booking: Booking) -> Booking:
    """The guest pays through Stripe Checkout: the webhook confirms the booking."""
    payment = Payment.objects.filter(booking=booking).first() or start_online_payment(booking)
    deliver("checkout.session.completed", fakes.session_object(payment), f"evt_paid_{booking.reference}")
    return Booking.objects.get(pk=booking.pk)


def start_online_payment(booking: Booking) -> Payment:
    from bookings.payments.services import payment_start

    return payment_start(
        booking=booking, success_url="https://x.example/ok", cancel_url="https://x.example/no"
    )


def owner_act(world: World, booking: Booking, action: str, **data) -> None:
    url = reverse("owner:booking_action", kwargs={"reference": booking.reference, "action": action})
    response = web(world.owner).post(url, data)
    assert response.status_code == 302


# Places: (entry point, how it books) -> the booking made.


def place_web(world: World, payment: str) -> Booking:
    response = web(world.guest).post(book_url(world.room_type), {**LEAD, "payment": payment})
    assert response.status_code == 302, response.content
    return Booking.objects.get(user=world.guest)


def place_api(world: World, payment: str) -> Booking:
    response = App(world.guest).post("/api/bookings", api_body(world.room_type, payment))
    assert response.status_code == 201, response.content
    return Booking.objects.get(reference=response.json()["reference"])


def place_api_twice(world: World, payment: str) -> Booking:
    app = App(world.guest)
    first = app.post("/api/bookings", api_body(world.room_type, payment))
    again = app.post("/api/bookings", api_body(world.room_type, payment))
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["reference"] == again.json()["reference"]
    return Booking.objects.get(reference=first.json()["reference"])


PLACES = {
    "web": (place_web, Source.WEB),
    "api": (place_api, Source.API),
    "api_twice": (place_api_twice, Source.API),
}


@pytest.mark.parametrize("payment", ["at_homestay", "online"])
def test_booking_through_the_page_or_the_api_does_the_same_whole_job(clock, payment):
    results = {}
    for name, (place, source) in PLACES.items():
        world = World.make()
        booking = place(world, payment)
        assert set(sources(booking)) == {source}
        results[name] = snapshot(booking)

    assert results["web"] == results["api"] == results["api_twice"]
    placed = results["web"]
    if payment == "at_homestay":
        assert placed["status"] == Booking.Status.CONFIRMED
        assert placed["notices"] == [
            ("booking.confirmed", "guest", "sent"),
            ("booking.owner_new", "owner", "sent"),
        ]
    else:
        assert placed["status"] == Booking.Status.HELD
        assert placed["notices"] == [("booking.held", "guest", "sent")]
    assert placed["events"] == [("placed", "guest", "", placed["status"])]


# Guest cancellations of a booking paid online.


def cancel_web(world: World, booking: Booking) -> None:
    response = web(world.guest).post(reverse("bookings:cancel", args=[booking.reference]), {"reason": ""})
    assert response.status_code == 302


def cancel_api(world: World, booking: Booking) -> None:
    response = App(world.guest).post(f"/api/bookings/{booking.reference}/cancel")
    assert response.status_code == 200, response.content


def cancel_web_twice(world: World, booking: Booking) -> None:
    cancel_web(world, booking)
    cancel_web(world, booking)


CANCELS = {
    "web": (cancel_web, Source.WEB),
    "api": (cancel_api, Source.API),
    "web_twice": (cancel_web_twice, Source.WEB),
}


def test_a_guest_cancelling_a_paid_booking_anywhere_gets_the_same_refund_ledger_and_notices(clock):
    results = {}
    for name, (cancel, source) in CANCELS.items():
        world = World.make()
        booking = pay_online(placed(world))
        mail.outbox.clear()
        cancel(world, booking)
        assert booking.events.get(action="cancelled").source == source
        results[name] = snapshot(booking)

    assert results["web"] == results["api"] == results["web_twice"]
    cancelled = results["web"]
    assert (cancelled["status"], cancelled["cancelled_by"]) == (Booking.Status.CANCELLED, "guest")
    assert cancelled["refunds"] == [(cancelled["refund_due"], "pending")]
    assert ("booking.cancelled", "guest", "sent") in cancelled["notices"]
    assert ("booking.owner_cancelled", "owner", "sent") in cancelled["notices"]
    assert ("booking.refund_sent", "guest", "sent") in cancelled["notices"]
    assert [event[0] for event in cancelled["events"]] == ["placed", "paid", "cancelled", "refund_sent"]


# Expiries of a hold for online payment.


def expire_command(world: World, booking: Booking) -> None:
    call_command("expire_holds", stdout=open("/dev/null", "w"))  # noqa: SIM115


def expire_lazily(world: World, booking: Booking) -> None:
    """Another guest books the same nights: the lapsed hold is expired on the way."""
    other = factories.user(email="")
    hold(world.room_type, user=other, payment=Booking.Payment.AT_HOMESTAY)


def expire_command_twice(world: World, booking: Booking) -> None:
    expire_command(world, booking)
    expire_command(world, booking)


EXPIRIES = {"command": expire_command, "lazily": expire_lazily, "command_twice": expire_command_twice}


def test_a_lapsed_hold_expires_the_same_way_whoever_finds_it(clock):
    results = {}
    for name, expire in EXPIRIES.items():
        world = World.make()
        booking = placed(world)
        clock.advance(minutes=40)
        expire(world, booking)
        clock.advance(minutes=-40)
        assert sources(booking) == [Source.WEB, Source.SYSTEM]
        results[name] = snapshot(booking)

    assert results["command"] == results["lazily"] == results["command_twice"]
    assert results["command"]["status"] == Booking.Status.EXPIRED
    assert results["command"]["notices"] == [
        ("booking.expired", "guest", "sent"),
        ("booking.held", "guest", "sent"),
    ]


# Payments confirmed by Stripe, delivered once or twice (Stripe retries).


def test_a_payment_webhook_delivered_twice_confirms_records_and_tells_once(clock):
    results = {}
    for name, deliveries in {"once": 1, "twice": 2}.items():
        world = World.make()
        booking = placed(world)
        payment = start_online_payment(booking)
        for number in range(deliveries):
            deliver(
                "checkout.session.completed",
                fakes.session_object(payment),
                f"evt_{booking.reference}_{number}",
            )
        assert sources(booking) == [Source.WEB, Source.WEBHOOK]
        results[name] = snapshot(booking)

    assert results["once"] == results["twice"]
    paid = results["once"]
    assert paid["status"] == Booking.Status.CONFIRMED
    assert paid["events"] == [("placed", "guest", "", "held"), ("paid", "system", "held", "confirmed")]
    assert paid["notices"] == [
        ("booking.confirmed", "guest", "sent"),
        ("booking.held", "guest", "sent"),
        ("booking.owner_new", "owner", "sent"),
        ("booking.owner_paid", "owner", "sent"),
    ]
    assert {kind for kind, _account, _amount in paid["ledger"]} >= {"payment_received"}


# The owner's actions in the console, clicked once or twice (a double tap on a slow connection).

OWNER_ACTIONS = {
    "approve": ({"instant_book": False}, "at_homestay", {}),
    "decline": ({"instant_book": False}, "at_homestay", {"reason": "客满"}),
    "cancel": ({}, "at_homestay", {"reason": "房屋维修"}),
    "paid": ({}, "at_homestay", {}),
}


@pytest.mark.parametrize("action", OWNER_ACTIONS)
def test_an_owner_action_clicked_twice_does_the_whole_job_once(clock, action):
    world_fields, payment, data = OWNER_ACTIONS[action]
    results = {}
    for clicks in (1, 2):
        world = World.make(**world_fields)
        booking = placed(world, payment)
        mail.outbox.clear()
        for _click in range(clicks):
            owner_act(world, booking, action, **data)
        assert sources(booking)[-1] == Source.CONSOLE
        results[clicks] = snapshot(booking)

    assert results[1] == results[2]
    assert results[1]["events"][-1][1] == "owner"


def test_the_owner_console_and_the_use_case_agree_on_an_owner_cancellation(clock):
    """The console is a thin adapter: calling the use case directly ends in the same place."""
    results = {}
    for way in ("console", "use_case"):
        world = World.make()
        booking = pay_online(placed(world))
        mail.outbox.clear()
        if way == "console":
            owner_act(world, booking, "cancel", reason="房屋维修")
        else:
            usecases.booking_cancel(
                booking=booking,
                actor=usecases.Actor(role="owner", source=Source.CONSOLE, user=world.owner),
                reason="房屋维修",
            )
        results[way] = snapshot(booking)

    assert results["console"] == results["use_case"]
    cancelled = results["console"]
    assert (cancelled["cancelled_by"], cancelled["refund_due"]) == ("owner", cancelled["total"])
    assert ("booking.owner_cancelled", "owner", "sent") not in cancelled["notices"]


# Payments by WeChat Pay and Alipay, however they are seen: the provider's notification, the guest's
# return to the result page, "我已付款" on the QR code page, the JSAPI page's answer inside WeChat, the
# scheduled sync. Each does the same whole job as Stripe's webhook.

DESKTOP = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36"
IN_WECHAT = (
    "Mozilla/5.0 (Linux; Android 14; V2309A) AppleWebKit/537.36 Chrome/130.0 Mobile Safari/537.36 "
    "MicroMessenger/8.0.55.2780(0x28003737) WeChat/arm64 Weixin NetType/4G"
)


@dataclass
class Providers:
    wechat: Any  # tests.bookings.payments.fake_wechat.FakeWeChatPay
    alipay: Any  # tests.bookings.payments.fake_alipay.FakeAlipay
    clock: Any


@pytest.fixture
def providers(settings, clock, request):
    wechat, alipay = request.getfixturevalue("wechat_api"), request.getfixturevalue("alipay_api")
    settings.PAYMENT_PROVIDERS = [
        "bookings.payments.at_homestay.AtHomestay",
        "bookings.payments.wechat_pay.WeChatPay",
        "bookings.payments.alipay.Alipay",
        "bookings.payments.stripe_checkout.StripeCheckout",
    ]
    settings.WECHAT_OA_APPID = fake_wechat.OA_APPID
    return Providers(wechat=wechat, alipay=alipay, clock=clock)


def open_payment(world: World, booking: Booking, provider: str, agent: str = DESKTOP) -> tuple[Client, str]:
    """The guest presses the button to pay with ``provider``: their browser and where it was sent."""
    browser = web(world.guest)
    response = browser.post(
        reverse("payments:start", args=[booking.reference]),
        {"provider": provider},
        headers={"User-Agent": agent},
    )
    assert response.status_code == 303, response.content
    return browser, response["Location"]


def order_number(booking: Booking, provider: str) -> str:
    return Payment.objects.get(booking=booking, provider=provider).idempotency_key


def paid_by_stripe(world: World, booking: Booking, fake: Providers) -> None:
    from bookings.payments.services import payment_start

    payment = payment_start(
        booking=booking,
        success_url="https://x.example/ok",
        cancel_url="https://x.example/no",
        provider="stripe_checkout",
    )
    deliver("checkout.session.completed", fakes.session_object(payment), f"evt_paid_{booking.reference}")


def wechat_notified(world: World, booking: Booking, fake: Providers) -> None:
    open_payment(world, booking, "wechat_pay")
    sent = fake.wechat.notification(fake.wechat.pay(order_number(booking, "wechat_pay")))
    response = Client().post(
        fake_wechat.NOTIFY_URL, data=sent.body, content_type="application/json", headers=sent.headers
    )
    assert response.status_code == 204


def wechat_return_page(world: World, booking: Booking, fake: Providers) -> None:
    browser, _code_page = open_payment(world, booking, "wechat_pay")
    fake.wechat.pay(order_number(booking, "wechat_pay"))  # its notification lost
    assert browser.get(reverse("payments:done", args=[booking.reference])).status_code == 200


def wechat_i_have_paid(world: World, booking: Booking, fake: Providers) -> None:
    browser, code_page = open_payment(world, booking, "wechat_pay")
    assert reverse("payments:wechat_code", args=[booking.reference]) in code_page
    fake.wechat.pay(order_number(booking, "wechat_pay"))
    assert browser.post(code_page).status_code == 303


def wechat_jsapi_page(world: World, booking: Booking, fake: Providers) -> None:
    openid = f"oOA-guest-{world.guest.pk:020d}"
    fake.wechat.openids[openid] = fake_wechat.OA_APPID
    wechat_link(
        world.guest, appid=fake_wechat.OA_APPID, kind=WeChatOpenId.Kind.OFFICIAL_ACCOUNT, openid=openid
    )
    browser, page = open_payment(world, booking, "wechat_pay", agent=IN_WECHAT)
    assert reverse("payments:wechat_jsapi", args=[booking.reference]) in page
    fake.wechat.pay(order_number(booking, "wechat_pay"))  # the bridge answers ok, the notification lost
    assert browser.get(f"{page}&result=ok", headers={"User-Agent": IN_WECHAT}).status_code == 303


def wechat_scheduled_sync(world: World, booking: Booking, fake: Providers) -> None:
    open_payment(world, booking, "wechat_pay")
    fake.wechat.pay(order_number(booking, "wechat_pay"))
    fake.clock.advance(minutes=3)  # past SYNC_AFTER, within the hold
    expire_command(world, booking)


def alipay_opened(world: World, booking: Booking, fake: Providers) -> Client:
    browser, page = open_payment(world, booking, "alipay")
    fake.alipay.open_page(page)
    return browser


def alipay_notified(world: World, booking: Booking, fake: Providers) -> None:
    alipay_opened(world, booking, fake)
    sent = fake.alipay.notification(fake.alipay.pay(order_number(booking, "alipay")))
    response = Client().post(fake_alipay.NOTIFY_URL, data=sent)
    assert (response.status_code, response.content) == (200, b"success")


def alipay_return_page(world: World, booking: Booking, fake: Providers) -> None:
    browser = alipay_opened(world, booking, fake)
    fake.alipay.pay(order_number(booking, "alipay"))
    assert browser.get(reverse("payments:done", args=[booking.reference])).status_code == 200


def alipay_scheduled_sync(world: World, booking: Booking, fake: Providers) -> None:
    alipay_opened(world, booking, fake)
    fake.alipay.pay(order_number(booking, "alipay"))
    fake.clock.advance(minutes=3)
    expire_command(world, booking)


PAYMENT_PATHS = {
    "stripe_webhook": (paid_by_stripe, Source.WEBHOOK),
    "wechat_notification": (wechat_notified, Source.WEBHOOK),
    "wechat_return_page": (wechat_return_page, Source.SYSTEM),
    "wechat_i_have_paid": (wechat_i_have_paid, Source.SYSTEM),
    "wechat_jsapi_page": (wechat_jsapi_page, Source.SYSTEM),
    "wechat_scheduled_sync": (wechat_scheduled_sync, Source.SYSTEM),
    "alipay_notification": (alipay_notified, Source.WEBHOOK),
    "alipay_return_page": (alipay_return_page, Source.SYSTEM),
    "alipay_scheduled_sync": (alipay_scheduled_sync, Source.SYSTEM),
}


def test_a_payment_seen_any_way_by_any_provider_does_the_same_whole_job(providers):
    results = {}
    for name, (pay, source) in PAYMENT_PATHS.items():
        world = World.make()
        booking = placed(world)
        pay(world, booking, providers)
        assert sources(booking) == [Source.WEB, source], name
        results[name] = snapshot(booking)

    paid = results["stripe_webhook"]
    assert {name for name, result in results.items() if result != paid} == set()
    assert paid["status"] == Booking.Status.CONFIRMED
    assert paid["events"] == [("placed", "guest", "", "held"), ("paid", "system", "held", "confirmed")]
    assert paid["notices"] == [
        ("booking.confirmed", "guest", "sent"),
        ("booking.held", "guest", "sent"),
        ("booking.owner_new", "owner", "sent"),
        ("booking.owner_paid", "owner", "sent"),
    ]
