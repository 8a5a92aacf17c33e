"""Who may open each address of the site and call each operation of the API: the table that
test_permission_matrix.py checks, and the walk over the URL resolver and the OpenAPI document that makes
an address or operation without an entry here fail that test.

Six people: an anonymous visitor, a tourist who has booked, another tourist who has booked elsewhere,
the owner of the tourist's homestay, another owner, and a member of the group staff (文旅集团, also a
Django staff user with the villages permissions, as the demo's staff account is).

Each entry names an ``Access`` rule (who is refused, and how) and what the people it lets in get for
GET and for POST. The refusals come from the rule:

========================  ==========  ============  ==============  =========  ===========  ==========
rule                      anonymous   tourist       other tourist   owner      other owner  staff
========================  ==========  ============  ==============  =========  ===========  ==========
PUBLIC                    in          in            in              in         in           in
SIGNED_IN                 sign in     in            in              in         in           in
GUEST (tourist's booking) sign in     in            404             404        404          404
PAYMENT (return pages)    404         in            404             404        404          404
OWNER (own lists)         sign in     403           403             in         in           403
OWNER_OBJECT              sign in     403           403             in         404          403
STAFF                     sign in     403           403             403        403          in
========================  ==========  ============  ==============  =========  ===========  ==========

For the API, "sign in" is 401 with a JSON body. Besides the status, every answer to every person is
searched for the private details of the others (``World.secrets``).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern

ROLES = ("anonymous", "tourist", "other_tourist", "owner", "other_owner", "staff")
SIGNED_IN_ROLES = ROLES[1:]
LOGIN = "sign in"  # a redirect to the sign-in page (pages) or 401 (API)


class Access(Enum):
    PUBLIC = "public"
    SIGNED_IN = "signed in"
    GUEST = "the tourist's own booking"
    PAYMENT = "the tourist's booking, payment pages"
    OWNER = "owners, their own things"
    OWNER_OBJECT = "the owner's object"
    STAFF = "group staff"


_NOT_THE_GUEST = {role: 404 for role in ("other_tourist", "owner", "other_owner", "staff")}
_NOT_OWNERS = {"tourist": 403, "other_tourist": 403, "staff": 403}

REFUSALS: dict[Access, dict[str, int | str]] = {
    Access.PUBLIC: {},
    Access.SIGNED_IN: {"anonymous": LOGIN},
    Access.GUEST: {"anonymous": LOGIN, **_NOT_THE_GUEST},
    Access.PAYMENT: {"anonymous": 404, **_NOT_THE_GUEST},
    Access.OWNER: {"anonymous": LOGIN, **_NOT_OWNERS},
    Access.OWNER_OBJECT: {"anonymous": LOGIN, **_NOT_OWNERS, "other_owner": 404},
    Access.STAFF: {"anonymous": LOGIN, **{role: 403 for role in SIGNED_IN_ROLES if role != "staff"}},
}


@dataclass(frozen=True)
class Secret:
    """Something only ``seen_by`` may ever read in an answer."""

    what: str
    text: str
    seen_by: frozenset[str]


@dataclass
class World:
    """The objects the addresses point at, made by the matrix's fixture."""

    users: dict[str, Any]
    village: Any
    attraction: Any
    route: Any
    homestay: Any  # the owner's, on request: the tourist's booking waits for the owner's answer
    room_type: Any
    other_room_type: Any  # the other owner's
    photo: Any  # of the owner's homestay
    booking: Any  # the tourist's, held for online payment
    feed: Any
    export: Any  # the owner's iCal export
    rule: Any  # a revenue-share rule of the village
    check_in: date
    secrets: list[Secret] = field(default_factory=list)
    tokens: dict[str, str] = field(default_factory=dict)  # X-Session-Token of each signed-in role
    review: Any = None  # a published review of the owner's homestay, by the tourist (an earlier stay)
    event: Any = None  # a published event of the village
    slot: Any = None  # its slot on check_in's day (not today: checking in is refused with 409)
    ticket: Any = None  # the tourist's ticket for the slot


@dataclass(frozen=True)
class Page:
    access: Access
    get: int  # what a person the rule lets in gets
    post: int
    kwargs: Callable[[World], dict] = lambda world: {}
    query: Callable[[World], dict] = lambda world: {}


def _captcha_key() -> str:
    from captcha.models import CaptchaStore

    return CaptchaStore.generate_key()


def _mismatch():
    """A reconciliation mismatch (made once, on first use: the World has none of its own)."""
    from django.utils import timezone

    from bookings.payments.reconciliation.models import Mismatch, ReconciliationRun

    now = timezone.now()
    run, _created = ReconciliationRun.objects.get_or_create(
        provider="wechat_pay",
        day=date(2026, 8, 31),
        defaults={"state": "mismatched", "mismatches": 1, "started_at": now, "finished_at": now},
    )
    mismatch, _created = Mismatch.objects.get_or_create(
        run=run, line="payment", reference="order-1", defaults={"kind": "missing_here"}
    )
    return mismatch


def _dividends(world: World):
    """A household of the village linked to the tourist, holding shares, with a declared dividend (made
    once, on first use). Its ID, bank and phone numbers are shown to nobody, not even staff (masked);
    its name to the staff and to the tourist, whose statement it is."""
    from bookings.revenue.periods import Period
    from common.clock import local_today
    from shareholders.models import Allocation, DividendDeclaration, Shareholder
    from shareholders.services import declaration_declare, declaration_draft, holding_add, shareholder_add

    household = Shareholder.objects.filter(name="矩阵农户").first()
    if household is None:
        household = shareholder_add(
            village=world.village,
            kind="household",
            name="矩阵农户",
            phone="13955556666",
            id_number="11010519491231002X",
            bank_account="6222020200998877665",
            user=world.users["tourist"],
        )
        holding_add(shareholder=household, shares=5, entered_on=date(2020, 1, 1))
        today = local_today()
        declaration = declaration_draft(
            village=world.village,
            period=Period(today - timedelta(days=30), today - timedelta(days=1)),
            collective_amount=Decimal("0"),
            group_amount=Decimal("10.00"),
        )
        declaration_declare(declaration=declaration)
        nobody: frozenset[str] = frozenset()
        world.secrets += [
            Secret("the household's ID number", "11010519491231002X", nobody),
            Secret("the household's bank account", "6222020200998877665", nobody),
            Secret("the household's phone", "13955556666", nobody),
            Secret("the household's name", "矩阵农户", frozenset({"tourist", "staff"})),
        ]
    declaration = DividendDeclaration.objects.get(village=world.village)
    allocation = Allocation.objects.get(shareholder=household)
    return household, declaration, allocation


def _news(world: World) -> dict:
    """A published piece of the village's news (made once, on first use)."""
    from villages.models import News

    news, _created = News.objects.get_or_create(
        village=world.village, title="村庄动态", defaults={"status": News.Status.PUBLISHED}
    )
    return {"slug": world.village.slug, "pk": news.pk}


def _booking(world: World) -> dict:
    return {"reference": world.booking.reference}


def _nights(world: World, nights: int = 1) -> dict:
    return {
        "check_in": world.check_in.isoformat(),
        "check_out": (world.check_in + timedelta(days=nights)).isoformat(),
    }


def _ticket(world: World) -> dict:
    return {"code": world.ticket.code}


def _trip(world: World) -> dict:
    return {
        "start": "centre",
        "date": world.check_in.isoformat(),
        "days": "1",
        "day_start": "08:00",
        "day_end": "18:00",
        "mode": "car",
        "pace": "normal",
        "guests": "2",
        "rooms": "1",
        "attraction": world.attraction.pk,
    }


def _shop_product(world: World):
    """A product of the world's village (made once, on first use), with stock for every role's order."""
    from shop.models import Producer, Product

    producer, _created = Producer.objects.get_or_create(
        village=world.village, defaults={"name": "权限测试合作社"}
    )
    product, _created = Product.objects.get_or_create(
        producer=producer, defaults={"name": "红枣", "unit": "斤", "price": "30.00", "stock": 100}
    )
    return product


def _shop_order(world: World) -> dict:
    """The tourist's order (made once, on first use), for pickup in the village."""
    from shop.models import Order
    from shop.services import orders_place

    tourist = world.users["tourist"]
    order = Order.objects.filter(user=tourist).order_by("pk").first()
    if order is None:
        [order] = orders_place(user=tourist, items={_shop_product(world).pk: 1}, fulfilment="pickup")
    return {"reference": order.reference}


# Every address of the site that is ours, by URL name (or by route where the pattern has none).
PAGES: dict[str, Page] = {
    "favicon": Page(Access.PUBLIC, get=302, post=302),
    "set_language": Page(Access.PUBLIC, get=302, post=302),
    # The picture codes of the sign-up and sign-in-code pages (django-simple-captcha); no audio without flite.
    "captcha-image": Page(Access.PUBLIC, get=200, post=200, kwargs=lambda w: {"key": _captcha_key()}),
    "captcha-image-2x": Page(Access.PUBLIC, get=200, post=200, kwargs=lambda w: {"key": _captcha_key()}),
    "captcha-audio": Page(Access.PUBLIC, get=404, post=404, kwargs=lambda w: {"key": _captcha_key()}),
    "captcha-refresh": Page(Access.PUBLIC, get=404, post=404),
    # WeChat sign-in: off (404 for everyone) without its keys, as here; test_wechat_login.py checks it on.
    "wechat_start": Page(Access.PUBLIC, get=404, post=404),
    "wechat_callback": Page(Access.PUBLIC, get=404, post=404),
    "wechat_account": Page(Access.PUBLIC, get=404, post=404),
    "wechat_unlink": Page(Access.PUBLIC, get=404, post=404),
    # The JS-SDK signature for share cards: 404 without the official account (test_wechat_share.py: on).
    "wechat_jssdk_config": Page(Access.PUBLIC, get=404, post=405),
    # WeChat's message push: 404 without WECHAT_PUSH_TOKEN, as here (test_wechat_push.py checks it on).
    "wechat_push": Page(Access.PUBLIC, get=404, post=404),
    "me": Page(Access.SIGNED_IN, get=200, post=405),
    "api:api-root": Page(Access.PUBLIC, get=404, post=404),
    "api:openapi-json": Page(Access.PUBLIC, get=200, post=200),
    "api:openapi-view": Page(Access.PUBLIC, get=200, post=200),
    "payments:stripe_webhook": Page(Access.PUBLIC, get=405, post=400),
    # WeChat Pay and Alipay are not configured here: their notification addresses do not exist.
    "payments:wechat_notify": Page(Access.PUBLIC, get=405, post=404),
    "payments:alipay_notify": Page(Access.PUBLIC, get=405, post=404),
    # No WeChat Pay code open for the booking: off to the result page.
    "payments:wechat_code": Page(Access.PAYMENT, get=303, post=303, kwargs=_booking),
    "payments:wechat_jsapi": Page(Access.PAYMENT, get=303, post=405, kwargs=_booking),
    "payments:start": Page(Access.PAYMENT, get=405, post=303, kwargs=_booking),
    "payments:done": Page(Access.PAYMENT, get=200, post=405, kwargs=_booking),
    "payments:cancelled": Page(Access.PAYMENT, get=200, post=405, kwargs=_booking),
    "home": Page(Access.PUBLIC, get=200, post=200),
    "villages:village_list": Page(Access.PUBLIC, get=200, post=200),
    "villages:village_detail": Page(
        Access.PUBLIC, get=200, post=200, kwargs=lambda w: {"slug": w.village.slug}
    ),
    "villages:attraction_detail": Page(
        Access.PUBLIC,
        get=200,
        post=200,
        kwargs=lambda w: {"village_slug": w.village.slug, "slug": w.attraction.slug},
    ),
    "villages:homestay_detail": Page(
        Access.PUBLIC,
        get=200,
        post=200,
        kwargs=lambda w: {"village_slug": w.village.slug, "slug": w.homestay.slug},
    ),
    "villages:news_list": Page(Access.PUBLIC, get=200, post=200, kwargs=lambda w: {"slug": w.village.slug}),
    "villages:news_detail": Page(Access.PUBLIC, get=200, post=200, kwargs=_news),
    "villages:route_detail": Page(
        Access.PUBLIC,
        get=200,
        post=200,
        kwargs=lambda w: {"village_slug": w.village.slug, "slug": w.route.slug},
    ),
    "planner:plan": Page(Access.PUBLIC, get=200, post=200, query=_trip),
    "shop:product_list": Page(Access.PUBLIC, get=200, post=405),
    "shop:product_detail": Page(
        Access.PUBLIC, get=200, post=302, kwargs=lambda w: {"pk": _shop_product(w).pk}
    ),
    "shop:cart": Page(Access.PUBLIC, get=200, post=302),
    # POST without a way of getting the order (fulfilment): 422, nothing ordered.
    "shop:checkout": Page(Access.SIGNED_IN, get=200, post=422),
    "shop:my_orders": Page(Access.SIGNED_IN, get=200, post=405),
    "shop:order": Page(Access.GUEST, get=200, post=302, kwargs=_shop_order),
    # The tourist's order is paid at pickup: paying it online is refused with a message (302 back).
    "shop:order_pay": Page(Access.GUEST, get=405, post=302, kwargs=_shop_order),
    "shop:order_wechat": Page(Access.GUEST, get=302, post=302, kwargs=_shop_order),
    "shop:report": Page(Access.STAFF, get=200, post=405),
    "shop:payouts": Page(Access.STAFF, get=200, post=302),  # POST names no producer: refused, back
    # The producers' console: the people of a producer (none of the six here) and the group's staff.
    "producer:dashboard": Page(Access.STAFF, get=200, post=405),
    "producer:order": Page(Access.STAFF, get=200, post=302, kwargs=_shop_order),
    "producer:products": Page(Access.STAFF, get=200, post=404),  # POST names no product
    "producer:earnings": Page(Access.STAFF, get=200, post=405),
    "producer:product_photo": Page(
        Access.STAFF, get=405, post=302, kwargs=lambda w: {"pk": _shop_product(w).pk}
    ),  # POST without a file: refused with a message, back to the products
    "planner:plan_ics": Page(Access.PUBLIC, get=200, post=200, query=_trip),
    "owner:dashboard": Page(Access.OWNER, get=200, post=200),
    "owner:homestay_edit": Page(
        Access.OWNER_OBJECT, get=200, post=302, kwargs=lambda w: {"pk": w.homestay.pk}
    ),
    "owner:room_type_add": Page(
        Access.OWNER_OBJECT, get=200, post=302, kwargs=lambda w: {"homestay_pk": w.homestay.pk}
    ),
    "owner:room_type_edit": Page(
        Access.OWNER_OBJECT, get=200, post=302, kwargs=lambda w: {"pk": w.room_type.pk}
    ),
    # The owner's own guest register (full document numbers): nobody else's, and no staff-wide one.
    "owner:guest_register": Page(
        Access.OWNER_OBJECT, get=200, post=405, kwargs=lambda w: {"pk": w.homestay.pk}
    ),
    "owner:guest_register_export": Page(
        Access.OWNER_OBJECT, get=200, post=405, kwargs=lambda w: {"pk": w.homestay.pk, "file_format": "csv"}
    ),
    # The matrix posts no picture: the upload form is refused with 400 and saves nothing.
    "owner:homestay_photos": Page(
        Access.OWNER_OBJECT, get=200, post=400, kwargs=lambda w: {"pk": w.homestay.pk}
    ),
    "owner:room_type_photos": Page(
        Access.OWNER_OBJECT, get=200, post=400, kwargs=lambda w: {"pk": w.room_type.pk}
    ),
    "owner:photo_action": Page(
        Access.OWNER_OBJECT, get=405, post=302, kwargs=lambda w: {"pk": w.photo.pk, "action": "describe"}
    ),
    "owner:room_calendar": Page(
        Access.OWNER_OBJECT, get=200, post=302, kwargs=lambda w: {"pk": w.room_type.pk}
    ),
    "owner:room_sync": Page(Access.OWNER_OBJECT, get=200, post=302, kwargs=lambda w: {"pk": w.room_type.pk}),
    "owner:export_regenerate": Page(
        Access.OWNER_OBJECT, get=405, post=302, kwargs=lambda w: {"pk": w.room_type.pk}
    ),
    "owner:feed_sync_now": Page(Access.OWNER_OBJECT, get=405, post=302, kwargs=lambda w: {"pk": w.feed.pk}),
    "owner:feed_remove": Page(Access.OWNER_OBJECT, get=405, post=302, kwargs=lambda w: {"pk": w.feed.pk}),
    # The matrix posts action=close, which is no decision on a conflict: refused with 400.
    "owner:conflicts_decide": Page(
        Access.OWNER_OBJECT, get=405, post=400, kwargs=lambda w: {"pk": w.room_type.pk}
    ),
    "owner:earnings": Page(Access.OWNER, get=200, post=200),
    "owner:booking_list": Page(Access.OWNER, get=200, post=200),
    "owner:booking_detail": Page(Access.OWNER_OBJECT, get=200, post=200, kwargs=_booking),
    # Guests are registered at check-in: the held booking refuses them with 409.
    "owner:booking_guests": Page(Access.OWNER_OBJECT, get=200, post=409, kwargs=_booking),
    "owner:booking_action": Page(
        Access.OWNER_OBJECT,
        get=405,
        post=302,
        kwargs=lambda w: {"reference": w.booking.reference, "action": "decline"},
    ),
    # The secret address is the permission: anyone with it reads the busy nights, nothing personal.
    "owner:ical_export": Page(Access.PUBLIC, get=200, post=405, kwargs=lambda w: {"token": w.export.token}),
    "group:dashboard": Page(Access.STAFF, get=200, post=200),
    "group:attention": Page(Access.STAFF, get=200, post=405),
    "group:export": Page(Access.STAFF, get=200, post=200, kwargs=lambda w: {"table": "homestays"}),
    "group:statement": Page(Access.STAFF, get=200, post=200, kwargs=lambda w: {"slug": w.village.slug}),
    "group:statement_export": Page(
        Access.STAFF, get=200, post=200, kwargs=lambda w: {"slug": w.village.slug}
    ),
    "group:payout_record": Page(Access.STAFF, get=405, post=400, kwargs=lambda w: {"slug": w.village.slug}),
    "group:rules": Page(Access.STAFF, get=200, post=302),
    "group:reports": Page(Access.STAFF, get=200, post=405),
    "group:report_export": Page(
        Access.STAFF, get=200, post=405, kwargs=lambda w: {"report": "provinces", "file_format": "xlsx"}
    ),
    "group:rule_delete": Page(Access.STAFF, get=405, post=302, kwargs=lambda w: {"pk": w.rule.pk}),
    "group:reconciliation": Page(Access.STAFF, get=200, post=405),
    "group:reconciliation_run": Page(
        Access.STAFF, get=200, post=405, kwargs=lambda w: {"pk": _mismatch().run_id}
    ),
    # POST_DATA has a note: staff resolve the mismatch.
    "group:mismatch_resolve": Page(Access.STAFF, get=405, post=302, kwargs=lambda w: {"pk": _mismatch().pk}),
    # Shareholders and dividends (shareholders.urls). The matrix's POSTs carry no shares and no period:
    # the register and declare forms are refused with 400; the holding forms say so and go back (302).
    "shareholders:index": Page(Access.STAFF, get=200, post=405),
    "shareholders:declarations": Page(Access.STAFF, get=200, post=405),
    "shareholders:declaration": Page(
        Access.STAFF, get=200, post=405, kwargs=lambda w: {"pk": _dividends(w)[1].pk}
    ),
    # Already declared: staff are told so (302); a declared one is not discarded (302 with the reason).
    "shareholders:declaration_declare": Page(
        Access.STAFF, get=405, post=302, kwargs=lambda w: {"pk": _dividends(w)[1].pk}
    ),
    "shareholders:declaration_discard": Page(
        Access.STAFF, get=405, post=302, kwargs=lambda w: {"pk": _dividends(w)[1].pk}
    ),
    "shareholders:export": Page(
        Access.STAFF, get=200, post=405, kwargs=lambda w: {"pk": _dividends(w)[1].pk, "file_format": "csv"}
    ),
    # POST_DATA's paid_on is today: staff record the payout.
    "shareholders:payout_record": Page(
        Access.STAFF, get=405, post=302, kwargs=lambda w: {"pk": _dividends(w)[2].pk}
    ),
    "shareholders:shareholder": Page(
        Access.STAFF, get=200, post=405, kwargs=lambda w: {"pk": _dividends(w)[0].pk}
    ),
    "shareholders:holding_add": Page(
        Access.STAFF, get=405, post=302, kwargs=lambda w: {"pk": _dividends(w)[0].pk}
    ),
    "shareholders:holding_end": Page(
        Access.STAFF, get=405, post=302, kwargs=lambda w: {"pk": _dividends(w)[0].holdings.get().pk}
    ),
    "shareholders:register": Page(Access.STAFF, get=200, post=400, kwargs=lambda w: {"slug": w.village.slug}),
    "shareholders:declare": Page(Access.STAFF, get=200, post=400, kwargs=lambda w: {"slug": w.village.slug}),
    # Signed-in people read their own households' statement (none: an empty page); never another's.
    "shareholders:my_dividends": Page(Access.SIGNED_IN, get=200, post=405),
    "bookings:search": Page(Access.PUBLIC, get=200, post=200),
    "bookings:book": Page(
        Access.SIGNED_IN,
        get=200,
        post=302,
        # The other owner's room: the owner's own homestay is unpublished by the owner's edit POST.
        kwargs=lambda w: {"room_type_id": w.other_room_type.pk},
        query=lambda w: {"check_in": w.check_in.isoformat(), "guests": "1"},
    ),
    "bookings:price_calendar": Page(
        Access.PUBLIC, get=200, post=405, kwargs=lambda w: {"room_type_id": w.other_room_type.pk}
    ),
    "bookings:my_bookings": Page(Access.SIGNED_IN, get=200, post=200),
    "notifications:preferences": Page(Access.SIGNED_IN, get=200, post=302),  # "自动" needs no choice
    "bookings:detail": Page(Access.GUEST, get=200, post=200, kwargs=_booking),
    "bookings:cancel": Page(Access.GUEST, get=200, post=302, kwargs=_booking),
    # The tourist's booking is not stayed yet: the page says so, a review posted anyway is refused.
    "reviews:write": Page(Access.GUEST, get=200, post=409, kwargs=_booking),
    "reviews:homestay": Page(
        Access.PUBLIC, get=200, post=200, kwargs=lambda w: {"homestay_id": w.other_room_type.homestay_id}
    ),
    "reviews:owner_list": Page(Access.OWNER, get=200, post=200),
    "reviews:owner_reply": Page(
        Access.OWNER_OBJECT, get=405, post=302, kwargs=lambda w: {"review_id": w.review.pk}
    ),
    "reviews:staff_queue": Page(Access.STAFF, get=200, post=200),
    "reviews:staff_hide": Page(Access.STAFF, get=405, post=302, kwargs=lambda w: {"review_id": w.review.pk}),
    "reviews:staff_publish": Page(
        Access.STAFF, get=405, post=302, kwargs=lambda w: {"review_id": w.review.pk}
    ),
    "events:list": Page(Access.PUBLIC, get=200, post=405),
    "events:detail": Page(
        Access.PUBLIC,
        get=200,
        post=405,
        kwargs=lambda w: {"village_slug": w.village.slug, "slug": w.event.slug},
    ),
    "events:register": Page(Access.SIGNED_IN, get=200, post=302, kwargs=lambda w: {"slot_id": w.slot.pk}),
    "events:my_tickets": Page(Access.SIGNED_IN, get=200, post=405),
    "events:ticket": Page(Access.GUEST, get=200, post=405, kwargs=_ticket),
    "events:ticket_cancel": Page(Access.GUEST, get=200, post=302, kwargs=_ticket),
    # The tourist's ticket is not paid online: paying it is refused with a message (302 back).
    "events:ticket_pay": Page(Access.GUEST, get=405, post=302, kwargs=_ticket),
    "events:ticket_wechat": Page(Access.GUEST, get=302, post=302, kwargs=_ticket),
    # The slot is not today: staff see the ticket, and checking it in is refused with 409.
    "events:check_in": Page(Access.STAFF, get=200, post=409, kwargs=_ticket),
    # POST_DATA has no code: the form asks for one (200) and opens nothing.
    "events:slot_staff": Page(Access.STAFF, get=200, post=200, kwargs=lambda w: {"pk": w.slot.pk}),
}

# What a POST carries: enough for every form above to succeed for the person allowed to send it, so a
# missing check would show up as a change.
POST_DATA = {
    "next": "/",
    "language": "en",
    "action": "close",
    "first_night": "",  # filled with real dates by the matrix
    "last_night": "",
    "rooms_closed": "1",
    "reason": "房屋维修",
    "name": "Airbnb",
    "url": "https://calendar.example.com/new.ics",
    "name_zh_hans": "改过的名字",
    "capacity": "2",
    "room_count": "3",
    "base_price": "1.00",
    "min_nights": "1",
    "max_nights": "30",
    "booking_window_days": "365",
    "same_day_cutoff": "18:00",
    "description_zh_hans": "改过的介绍",
    "summary_zh_hans": "改过的简介",
    "check_in_time": "14:00",
    "check_out_time": "12:00",
    "cancellation_policy": "strict",
    "form-TOTAL_FORMS": "1",
    "form-INITIAL_FORMS": "0",
    "form-0-name": "张三",
    "form-0-document_type": "resident_id",
    "form-0-document_number": "11010519491231002X",
    "lead_guest_name": "张三",
    "lead_guest_phone": "13800138000",
    "payment": "at_homestay",
    "effective_from": "2030-01-01",
    "commission_percent": "10",
    "collective_percent": "5",
    "village": "",  # filled with the village's id
    "amount": "1.00",
    "paid_on": "",
    "note": "权限测试",
    "reply": "谢谢您的评价,欢迎再来。",
    "quantity": "1",
    "holder_name": "孙庚辛",
    "holder_phone": "13944440004",
}


# The API, by "METHOD /path" of the OpenAPI document.


@dataclass(frozen=True)
class Operation:
    access: Access  # PUBLIC, SIGNED_IN, GUEST or OWNER_OBJECT
    ok: int
    path: Callable[[World], dict] = lambda world: {}
    query: Callable[[World], dict] = lambda world: {}
    body: Callable[[World], dict] | None = None


def _booking_body(world: World) -> dict:
    return {
        "room_type_id": world.other_room_type.pk,
        **_nights(world),
        "guests": 1,
        "lead_guest_name": "张三",
        "lead_guest_phone": "13800138000",
        "payment": "at_homestay",
    }


# In the order the matrix calls them: paying before cancelling.
OPERATIONS: dict[str, Operation] = {
    "GET /api/themes": Operation(Access.PUBLIC, 200),
    "GET /api/villages": Operation(Access.PUBLIC, 200),
    "GET /api/villages/{slug}": Operation(Access.PUBLIC, 200, path=lambda w: {"slug": w.village.slug}),
    "GET /api/attractions": Operation(Access.PUBLIC, 200),
    "GET /api/attractions/{id}": Operation(Access.PUBLIC, 200, path=lambda w: {"id": w.attraction.pk}),
    "GET /api/homestays": Operation(Access.PUBLIC, 200),
    "GET /api/homestays/{id}": Operation(Access.PUBLIC, 200, path=lambda w: {"id": w.homestay.pk}),
    "GET /api/routes": Operation(Access.PUBLIC, 200),
    "GET /api/routes/{id}": Operation(Access.PUBLIC, 200, path=lambda w: {"id": w.route.pk}),
    "GET /api/availability": Operation(
        Access.PUBLIC,
        200,
        query=_nights,
    ),
    "GET /api/room-types/{room_type_id}/calendar": Operation(
        Access.PUBLIC, 200, path=lambda w: {"room_type_id": w.other_room_type.pk}
    ),
    "POST /api/trips/plan": Operation(
        Access.PUBLIC,
        200,
        body=lambda w: {
            "start": {"preset": "centre"},
            "stops": [{"attraction": w.attraction.pk}],
            "date": w.check_in.isoformat(),
        },
    ),
    "GET /api/products": Operation(Access.PUBLIC, 200),
    "GET /api/products/{product_id}": Operation(
        Access.PUBLIC, 200, path=lambda w: {"product_id": _shop_product(w).pk}
    ),
    "POST /api/orders": Operation(
        Access.SIGNED_IN,
        201,
        body=lambda w: {
            "items": [{"product_id": _shop_product(w).pk, "quantity": 1}],
            "fulfilment": "pickup",
        },
    ),
    "GET /api/orders": Operation(Access.SIGNED_IN, 200),
    "GET /api/orders/{reference}": Operation(Access.GUEST, 200, path=_shop_order),
    "POST /api/orders/{reference}/cancel": Operation(Access.GUEST, 200, path=_shop_order, body=lambda w: {}),
    # Paid at pickup, not online: 409 not_payable for the buyer.
    "POST /api/orders/{reference}/pay": Operation(Access.GUEST, 409, path=_shop_order, body=lambda w: {}),
    "GET /api/me": Operation(Access.SIGNED_IN, 200),
    # The mini-program is not configured here: its sign-in and phone binding answer 404 not_configured.
    "POST /api/miniprogram/login": Operation(Access.PUBLIC, 404, body=lambda w: {"code": "wx-login-code"}),
    "POST /api/miniprogram/phone": Operation(Access.SIGNED_IN, 404, body=lambda w: {"code": "phone-code"}),
    "POST /api/miniprogram/link": Operation(Access.SIGNED_IN, 404, body=lambda w: {"code": "wx-login-code"}),
    "GET /api/miniprogram/subscriptions": Operation(Access.SIGNED_IN, 200),
    "POST /api/miniprogram/subscriptions": Operation(Access.SIGNED_IN, 200, body=lambda w: {"results": {}}),
    "GET /api/bookings": Operation(Access.SIGNED_IN, 200),
    "POST /api/bookings": Operation(Access.SIGNED_IN, 201, body=_booking_body),
    "GET /api/bookings/{reference}": Operation(Access.GUEST, 200, path=_booking),
    "POST /api/bookings/{reference}/pay": Operation(Access.GUEST, 200, path=_booking, body=lambda w: {}),
    # WeChat Pay is not configured here: the mini-program's payment answers 422 payment_unavailable.
    "POST /api/bookings/{reference}/wechat-pay": Operation(
        Access.GUEST, 422, path=_booking, body=lambda w: {}
    ),
    "POST /api/bookings/{reference}/cancel": Operation(Access.GUEST, 200, path=_booking, body=lambda w: {}),
    "GET /api/homestays/{homestay_id}/reviews": Operation(
        Access.PUBLIC, 200, path=lambda w: {"homestay_id": w.other_room_type.homestay_id}
    ),
    # Not stayed yet (held): 409 for the guest, 404 for everyone else.
    "POST /api/bookings/{reference}/review": Operation(
        Access.GUEST,
        409,
        path=_booking,
        body=lambda w: {
            "overall": 5,
            "cleanliness": 5,
            "host": 5,
            "location": 5,
            "value": 5,
            "text": "很好很好很好",
        },
    ),
    "POST /api/reviews/{review_id}/reply": Operation(
        Access.OWNER_OBJECT,
        200,
        path=lambda w: {"review_id": w.review.pk},
        body=lambda w: {"reply": "谢谢您的评价。"},
    ),
    "GET /api/trips/event-slots": Operation(Access.PUBLIC, 200),
    "GET /api/news": Operation(Access.PUBLIC, 200),
    "GET /api/news/{id}": Operation(Access.PUBLIC, 200, path=lambda w: {"id": _news(w)["pk"]}),
    "GET /api/villages/{slug}/news": Operation(Access.PUBLIC, 200, path=lambda w: {"slug": w.village.slug}),
    "GET /api/events": Operation(Access.PUBLIC, 200),
    "GET /api/events/{event_id}": Operation(Access.PUBLIC, 200, path=lambda w: {"event_id": w.event.pk}),
    "GET /api/events/tickets": Operation(Access.SIGNED_IN, 200),
    "POST /api/events/tickets": Operation(
        Access.SIGNED_IN,
        201,
        body=lambda w: {
            "slot_id": w.slot.pk,
            "quantity": 1,
            "holder_name": "孙庚辛",
            "holder_phone": "13944440004",
        },
    ),
    "GET /api/events/tickets/{code}": Operation(Access.GUEST, 200, path=_ticket),
    "POST /api/events/tickets/{code}/cancel": Operation(Access.GUEST, 200, path=_ticket, body=lambda w: {}),
    # Not a ticket paid online: 409 not_payable for its holder.
    "POST /api/events/tickets/{code}/pay": Operation(Access.GUEST, 409, path=_ticket, body=lambda w: {}),
}

API_REFUSALS: dict[Access, dict[str, int | str]] = {
    Access.PUBLIC: {},
    Access.SIGNED_IN: {"anonymous": LOGIN},
    Access.GUEST: {"anonymous": LOGIN, **_NOT_THE_GUEST},
    # A review of the owner's homestay: anyone else hears it does not exist.
    Access.OWNER_OBJECT: {"anonymous": LOGIN, **{role: 404 for role in SIGNED_IN_ROLES if role != "owner"}},
}


def expected(refusals: dict[Access, dict], access: Access, role: str, allowed: int) -> int | str:
    return refusals[access].get(role, allowed)


# Walking the URL resolver


@dataclass(frozen=True)
class Route:
    key: str  # "namespace:name", or the route itself for a pattern without a name
    route: str  # e.g. "owner/rooms/<int:pk>/"
    view: str
    localized: bool  # inside i18n_patterns: also served under /en/
    source: str  # the URLconf module it was included from ("" for the root)


def _view_path(callback) -> str:
    view_class = getattr(callback, "view_class", None)
    target = view_class or callback
    return f"{target.__module__}.{getattr(target, '__qualname__', type(target).__name__)}"


def _walk(patterns, prefix: str, namespace: str, localized: bool, source: str):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner_namespace = ":".join(part for part in (namespace, pattern.namespace) if part)
            urlconf = pattern.urlconf_name
            inner_source = urlconf if isinstance(urlconf, str) else getattr(urlconf, "__name__", source)
            yield from _walk(
                pattern.url_patterns,
                prefix + _text(pattern.pattern),
                inner_namespace,
                localized or isinstance(pattern.pattern, LocalePrefixPattern),
                inner_source,
            )
        elif isinstance(pattern, URLPattern):
            route = prefix + _text(pattern.pattern)
            key = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name or route
            yield Route(key, route, _view_path(pattern.callback), localized, source)


def _text(pattern) -> str:
    if isinstance(pattern, LocalePrefixPattern):
        return ""
    return str(pattern)


def site_routes() -> list[Route]:
    return list(_walk(get_resolver().url_patterns, "", "", False, ""))


def is_allauth(route: Route) -> bool:
    """django-allauth's own pages and headless API (not ours, checked as a group)."""
    return route.source.startswith("allauth") or route.view.startswith("allauth.")


def is_admin(route: Route) -> bool:
    return route.key.startswith("admin:") or route.route.startswith("admin/")


def is_media(route: Route) -> bool:
    return route.view == "django.views.static.serve"


def openapi_path(route: Route) -> str:
    """``api/bookings/<reference>`` -> ``/api/bookings/{reference}``."""
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route.route)


def api_operations(document: dict) -> list[str]:
    return [
        f"{method.upper()} {path}"
        for path, methods in document["paths"].items()
        for method in methods
        if method in ("get", "post", "put", "patch", "delete")
    ]


SAMPLE_VALUES = {"app_label": "villages", "key": "abc123", "uidb36": "1", "url": "missing/"}


def sample_path(route: Route) -> str:
    """A concrete address for a route of a group (allauth, admin): each parameter gets a plain value."""
    path = re.sub(
        r"\(\?P<(\w+)>(?:[^()]|\([^()]*\))*\)", lambda m: SAMPLE_VALUES.get(m.group(1), "1"), route.route
    )
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda match: SAMPLE_VALUES.get(match.group(1), "1"), path)
    return "/" + path.replace("^", "").replace("$", "")
