"""What the booking API reads and returns. Output resolvers read only what the selectors loaded."""

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.urls import reverse
from django.utils import timezone
from ninja import Field, Path, Schema

from bookings.activity import Action
from bookings.choices import BookingStatus
from bookings.models import REFERENCE_LENGTH, Booking, Guest
from bookings.payments.models import Refund
from bookings.policies import free_cancellation_until
from bookings.selectors import booking_events, guests_masked
from bookings.transitions import GUEST, actions_for
from villages.api.endpoints import MAX_ID, PageParams, SlugFilter
from villages.api.fields import (
    NO_NUL,
    LocalTime,
    Money,
    Named,
    Priced,
    Text,
    bilingual,
    choice_label,
    money,
    page_url,
)
from villages.api.schemas import PhotoOut, VillageRef, cover_photo
from villages.models import Homestay

Language = Literal["zh-hans", "en"]
# Zero is let through so the booking rules answer it in words; the upper bound only keeps numbers sane.
PartySize = Annotated[int, Field(ge=0, le=999)]
Reference = Annotated[
    str,
    Path(
        pattern=rf"^[0-9A-Za-z]{{{REFERENCE_LENGTH}}}$",
        description=f"预订号 booking reference; not {REFERENCE_LENGTH} letters or digits: 422",
    ),
]


def utc(moment: datetime | None) -> datetime | None:
    return None if moment is None else moment.astimezone(UTC)


# Input


class AvailabilityQuery(PageParams):
    check_in: date = Field(description="入住日期 check-in date")
    check_out: date = Field(description="退房日期 check-out date (the last night is the day before)")
    guests: PartySize = Field(1, description="人数 guests, at least 1")
    rooms: PartySize = Field(1, description="间数 rooms, at least 1")
    village: SlugFilter = Field(None, description="村庄标识 village slug")
    theme: SlugFilter = Field(None, description="主题标识 theme slug")
    max_price: Decimal | None = Field(
        None,
        ge=0,
        max_digits=10,
        decimal_places=2,
        description="每间每晚最高均价 highest average per room and night",
    )
    sort: Literal["price", "-price", "recommended", "rating"] = Field(
        "price",
        description="price: cheapest stay first; -price: dearest first; recommended: the catalogue's order; "
        "rating: best average review first (then more reviews, then cheaper), homestays without reviews last",
    )


class BookingIn(Schema):
    room_type_id: int = Field(ge=1, le=MAX_ID, description="房型编号 room type id, see /api/availability")
    check_in: date
    check_out: date
    guests: PartySize
    rooms: PartySize = 1
    lead_guest_name: str = Field(pattern=NO_NUL, description="联系人姓名 lead guest's name")
    lead_guest_phone: str = Field(
        pattern=NO_NUL, description="联系电话 mainland mobile, landline, or +country code"
    )
    payment: Booking.Payment = Field(
        description="online: pay now (POST the booking's `pay_url`), the rooms are held meanwhile (15 "
        "minutes by default); at_homestay: pay on arrival. A way of paying the homestay does not take "
        "now (online while online payment is not configured) is 422 `payment_unavailable`"
    )
    lang: Language | None = Field(
        None,
        description="预订语言 language of the booking's messages; default: the language cookie, then "
        "Accept-Language, then zh-hans",
    )


# Output


class Problem(Schema):
    detail: str = Field(
        description="原因 the reason, 中文 English", examples=["至少需要1位客人 At least one guest is needed"]
    )
    code: str = Field(description="稳定代码 stable code", examples=["guests"])


class NightsUnavailableOut(Problem):
    code: Literal["nights_unavailable"]
    nights: list[date] = Field(description="房间不够的晚上 the nights without enough free rooms")


class IllegalTransitionOut(Problem):
    code: Literal["illegal_transition"]
    status: BookingStatus = Field(description="预订当前状态 the booking's status now")


class HomestayRef(Named):
    id: int
    slug: str
    url: str = Field(description="网页地址 absolute path of the Chinese HTML page")
    village: VillageRef
    instant_book: bool = Field(description="即时预订 false: the owner approves each request")
    cancellation_policy: Homestay.CancellationPolicy
    cancellation_policy_label: Text
    check_in_time: LocalTime = Field(description="入住时间 from, Beijing time")
    check_out_time: LocalTime = Field(description="退房时间 by, Beijing time")
    phone: str
    photo: PhotoOut | None
    rating_average: float | None = Field(
        description="平均评分 average overall rating of the visible reviews, 1-5; null: no review yet"
    )
    review_count: int = Field(description="评价数 visible reviews")

    @staticmethod
    def resolve_url(obj):
        return page_url(obj)

    @staticmethod
    def resolve_cancellation_policy_label(obj):
        return choice_label(Homestay.CancellationPolicy, obj.cancellation_policy)

    @staticmethod
    def resolve_photo(obj):
        return cover_photo(obj)


class RoomTypeRef(Named):
    id: int
    beds: Text
    capacity: int = Field(description="每间可住人数 guests per room")

    @staticmethod
    def resolve_beds(obj):
        return bilingual(obj, "beds")


class OfferOut(Priced):
    room_type: RoomTypeRef
    total: Money = Field(description="总价 the whole stay, all rooms")
    per_night: Money = Field(description="每间每晚均价 average per room and night")
    rooms_free: int = Field(description="空房 free rooms on every night of the stay")

    @staticmethod
    def resolve_total(obj):
        return money(obj.total)

    @staticmethod
    def resolve_per_night(obj):
        return money(obj.per_night)


class AvailableHomestayOut(Priced):
    homestay: HomestayRef
    price_from: Money = Field(description="最低总价 the cheapest offer's total")
    offers: list[OfferOut] = Field(description="可订房型 free room types, cheapest first")

    @staticmethod
    def resolve_price_from(obj):
        return money(obj.price_from)


class AvailabilityOut(Schema):
    check_in: date
    check_out: date
    nights: int
    guests: int
    rooms: int
    items: list[AvailableHomestayOut]
    has_more: bool = Field(description="还有下一页 true: ask again with offset + limit")


class NightOut(Schema):
    night: date = Field(description="日期(当晚) the date the guest goes to sleep")
    price: Money = Field(description="每间价格 price per room")
    rooms: int

    @staticmethod
    def resolve_price(obj):
        return money(obj.price)


class RefundPolicyOut(Schema):
    code: Homestay.CancellationPolicy
    label: Text
    full_refund_until: date | None = Field(
        description="全额退款截止日 last day (Beijing time) to cancel with a full refund of what was paid; "
        "null: the policy has no such day"
    )


class MaskedGuestOut(Schema):
    name: str
    document_type: Guest.DocumentType
    document_type_label: Text
    document_number_masked: str = Field(description="证件号码(部分隐藏) masked, never the full number")
    is_lead: bool

    @staticmethod
    def resolve_document_type_label(obj):
        return choice_label(Guest.DocumentType, obj.document_type)


class RefundOut(Priced):
    amount: Money
    status: Refund.Status = Field(
        description="pending: sent, on its way back; succeeded; failed: staff handle it"
    )
    status_label: Text
    created_at: datetime = Field(description="UTC")

    @staticmethod
    def resolve_amount(obj):
        return money(obj.amount)

    @staticmethod
    def resolve_status_label(obj):
        return choice_label(Refund.Status, obj.status)

    @staticmethod
    def resolve_created_at(obj):
        return utc(obj.created_at)


class PaymentStartIn(Schema):
    provider: str | None = Field(
        None,
        max_length=50,
        pattern=NO_NUL,
        description="收款渠道 who takes the payment: `wechat_pay`, `alipay` or `stripe_checkout` (card), "
        "one of the booking's online choices (the answer's `choices`); left out, the first offered: "
        "WeChat Pay, then Alipay, then card (card first for a booking in English; no Alipay inside "
        "WeChat's browser). Another is 422 `payment_unavailable` with `choices`",
    )


class PaymentChoiceOut(Schema):
    provider: str = Field(description="收款渠道 `wechat_pay`, `alipay` or `stripe_checkout`")
    label: Text = Field(description="按钮文字 what the guest's button to pay this way says")


class PaymentNotOfferedOut(Problem):
    choices: list[PaymentChoiceOut] = Field(
        description="在线支付方式 the ways of paying online this booking takes now, in the order offered"
    )


class PaymentStartOut(Schema):
    reference: str = Field(description="预订号 booking reference")
    provider: str = Field(description="收款渠道 who takes this payment (`wechat_pay`, `alipay`, ...)")
    kind: Literal["redirect", "qr_code"] = Field(
        description="怎样付款 `redirect`: open `checkout_url` (Stripe Checkout, Alipay's page, WeChat "
        "Pay's H5 page on a phone browser); `qr_code`: WeChat Pay Native, show `code_url` as a QR code "
        "for the guest to scan with WeChat (inside WeChat, to long-press)"
    )
    checkout_url: str = Field(
        description="支付页面 a web address to open for the guest to pay: the provider's page, or for "
        '`qr_code` this site\'s page showing the QR code (with its "我已付款 I have paid" button)'
    )
    code_url: str | None = Field(
        description="二维码内容 for `qr_code`: WeChat Pay's `weixin://` code to show as a QR code; a "
        "browser cannot open it. null otherwise"
    )
    expires_at: datetime | None = Field(
        description="支付截止 UTC: the page closes then; the rooms stay held until then"
    )
    choices: list[PaymentChoiceOut] = Field(
        description="在线支付方式 every way of paying online this booking takes from where you ask, in "
        "the order offered (this one among them); POST again with another `provider` to pay that way"
    )


class EventOut(Schema):
    action: str = Field(description="事件 placed, approved, declined, cancelled, expired, paid, ...")
    label: Text
    role: Literal["guest", "owner", "staff", "system"] = Field(description="谁 who did it")
    from_status: BookingStatus | None
    to_status: BookingStatus
    note: str
    created_at: datetime = Field(description="UTC")

    @staticmethod
    def resolve_label(obj):
        return choice_label(Action, obj.action)

    @staticmethod
    def resolve_from_status(obj):
        return obj.from_status or None

    @staticmethod
    def resolve_created_at(obj):
        return utc(obj.created_at)


class BookingSummaryOut(Priced):
    reference: str = Field(description="预订号 booking reference, 8 characters")
    status: BookingStatus
    status_label: Text
    awaiting: Literal["payment", "approval"] | None = Field(
        description="待办 held for the guest's payment or the owner's approval; null otherwise"
    )
    payment: Booking.Payment
    paid: bool
    homestay: HomestayRef
    room_type: RoomTypeRef
    check_in: date
    check_out: date
    night_count: int
    guests: int
    rooms: int
    total: Money
    hold_expires_at: datetime | None = Field(description="保留截止 UTC; null unless held")
    refund_due: Money | None = Field(description="应退款 set when cancelled or expired; null otherwise")
    pay_url: str | None = Field(
        description="付款 absolute path to POST to pay online (returns the page to open or WeChat Pay's "
        "code to show as a QR code) while the "
        "booking awaits online payment and its hold is not over; null otherwise"
    )
    created_at: datetime = Field(description="UTC")
    actions: list[Literal["pay", "cancel"]] = Field(
        description="可执行的操作 what you may do with the booking now (from the transition table the "
        "server enforces): `pay` (POST pay_url), `cancel` (POST .../cancel)"
    )

    @staticmethod
    def resolve_status_label(obj):
        return choice_label(Booking.Status, obj.status)

    @staticmethod
    def resolve_actions(obj):
        return actions_for(obj, role=GUEST)

    @staticmethod
    def resolve_awaiting(obj):
        if obj.awaiting_payment:
            return "payment"
        return "approval" if obj.awaiting_approval else None

    @staticmethod
    def resolve_paid(obj):
        return obj.is_paid

    @staticmethod
    def resolve_night_count(obj):
        return obj.nights

    @staticmethod
    def resolve_total(obj):
        return money(obj.total)

    @staticmethod
    def resolve_hold_expires_at(obj):
        return utc(obj.hold_expires_at)

    @staticmethod
    def resolve_refund_due(obj):
        return money(obj.refund_due)

    @staticmethod
    def resolve_pay_url(obj):
        if not obj.awaiting_payment or obj.hold_expires_at <= timezone.now():
            return None
        return reverse("api:booking_pay", kwargs={"reference": obj.reference})

    @staticmethod
    def resolve_created_at(obj):
        return utc(obj.created_at)


class BookingOut(BookingSummaryOut):
    nights: list[NightOut] = Field(description="每晚价格 each night with its price")
    lead_guest_name: str
    lead_guest_phone: str
    language: Language
    refund_policy: RefundPolicyOut
    cancelled_by: Booking.Party | None
    cancelled_at: datetime | None = Field(description="UTC")
    registered_guests: list[MaskedGuestOut] = Field(description="入住登记 registered at check-in, masked")
    events: list[EventOut] = Field(description="预订动态 what happened to the booking, oldest first")
    refunds: list[RefundOut] = Field(
        description="退款 money sent back (a cancellation's refund_due, or a payment the booking could "
        "not take), oldest first, each with its status"
    )

    @staticmethod
    def resolve_nights(obj):
        return obj.booked_nights.all()

    @staticmethod
    def resolve_refund_policy(obj):
        policy = obj.homestay.cancellation_policy
        return {
            "code": policy,
            "label": choice_label(Homestay.CancellationPolicy, policy),
            "full_refund_until": free_cancellation_until(policy=policy, check_in=obj.check_in),
        }

    @staticmethod
    def resolve_cancelled_by(obj):
        return obj.cancelled_by or None

    @staticmethod
    def resolve_cancelled_at(obj):
        return utc(obj.cancelled_at)

    @staticmethod
    def resolve_events(obj):
        prefetched = _prefetched(obj, "events")
        events = booking_events(booking=obj) if prefetched is None else prefetched
        return [event for event in events if event.guest_visible]

    @staticmethod
    def resolve_registered_guests(obj):
        return guests_masked(booking=obj)

    @staticmethod
    def resolve_refunds(obj):
        refunds = _prefetched(obj, "refunds")
        return obj.refunds.order_by("id") if refunds is None else refunds


def _prefetched(booking: Booking, name: str) -> list | None:
    """What the booking came with (a booking just made carries its events, and no refunds), else None."""
    return getattr(booking, "_prefetched_objects_cache", {}).get(name)
