"""What may happen to a booking next: one table of actions, each with the statuses it starts from, the
roles that may take it, and a guard on the booking's facts (dates, payment, hold).

The services enforce it (``transition_check`` raises the ``IllegalTransition`` the API answers with
409), and the pages and the API read it (``actions_for``): the owner console offers exactly the actions
the services would accept, and the API's booking answers list the caller's. Repeating an action that is
already done is not a transition: the services answer the booking as it is (idempotent) before asking
this table.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.errors import IllegalTransition
from bookings.models import Booking
from bookings.payments.models import Refund
from common.clock import local_today

Status = Booking.Status

GUEST, OWNER, STAFF, SYSTEM = "guest", "owner", "staff", "system"

STATUS_WORDS = {
    Status.HELD: ("待确认", "on hold"),
    Status.CONFIRMED: ("已确认", "confirmed"),
    Status.CHECKED_IN: ("已入住", "checked in"),
    Status.COMPLETED: ("已完成", "completed"),
    Status.CANCELLED: ("已取消", "cancelled"),
    Status.EXPIRED: ("已过期", "expired"),
    Status.NO_SHOW: ("未到店", "a no-show"),
}
ACTION_WORDS = {
    "confirm": ("确认付款", "paid"),
    "approve": ("同意", "approved"),
    "decline": ("拒绝", "declined"),
    "cancel": ("取消", "cancelled"),
    "expire": ("做过期处理", "expired"),
    "check_in": ("办理入住", "checked in"),
    "check_out": ("办理退房", "checked out"),
    "no_show": ("标记为未到店", "marked as a no-show"),
    "register": ("登记入住人", "used to register guests"),
    "paid": ("登记到店付款", "marked as paid at the homestay"),
    "pay": ("在线付款", "paid online"),
    "cash_refunded": ("登记现金已退还", "marked as refunded in cash"),
}


@dataclass(frozen=True)
class Moment:
    today: date
    now: datetime

    @classmethod
    def current(cls) -> "Moment":
        return cls(today=local_today(), now=timezone.now())


Guard = Callable[[Booking, Moment], str | None]


def _approve(booking: Booking, moment: Moment) -> str | None:
    if booking.awaiting_payment:
        return _("客人尚未付款,付款后才能同意 The guest has not paid yet; approve after the payment arrives")
    return None


def _decline(booking: Booking, moment: Moment) -> str | None:
    if not booking.needs_approval or booking.approved_at is not None:
        return _(
            "只有待确认的申请可以拒绝,已确认的预订请取消 Only a request can be declined; cancel a booking"
        )
    return None


def _cancel(booking: Booking, moment: Moment) -> str | None:
    if booking.check_in < moment.today:
        return _("入住日期已过,不能取消 The arrival day has passed; the booking cannot be cancelled")
    if (
        booking.status == Status.HELD
        and booking.hold_expires_at is not None
        and booking.hold_expires_at <= moment.now
    ):
        # Lapsed: it counts as expired everywhere (DESIGN invariant 4); the expiry job records it.
        return _("保留时间已过,预订已失效 The hold is over; the booking has lapsed")
    return None


def _expire(booking: Booking, moment: Moment) -> str | None:
    if booking.hold_expires_at is not None and booking.hold_expires_at > moment.now:
        return _("保留时间未到 The hold has not expired yet")
    return None


def _check_in(booking: Booking, moment: Moment) -> str | None:
    if moment.today < booking.check_in:
        return _("还没到入住日期 It is not the arrival day yet")
    if moment.today >= booking.check_out:
        return _("退房日期已过 The stay is already over")
    return None


def _no_show(booking: Booking, moment: Moment) -> str | None:
    if moment.today <= booking.check_in:
        return _("入住日次日起才能标记未到店 A no-show can be marked from the day after arrival")
    return None


def _paid(booking: Booking, moment: Moment) -> str | None:
    if booking.payment != Booking.Payment.AT_HOMESTAY:
        return _("这个预订是在线支付的 This booking is paid online, not at the homestay")
    if booking.is_paid:
        return _("已登记付款 The payment is already recorded")
    return None


def _pay(booking: Booking, moment: Moment) -> str | None:
    if not booking.awaiting_payment:
        return _("这个预订现在无需付款 This booking has nothing to pay now")
    if booking.hold_expires_at is None or booking.hold_expires_at <= moment.now:
        return _("保留时间已过,请重新预订 The hold on these rooms is over; please book again")
    return None


def _confirm(booking: Booking, moment: Moment) -> str | None:
    if booking.payment != Booking.Payment.ONLINE:
        return _("这个预订是到店付款的 This booking is paid at the homestay")
    if booking.status == Status.EXPIRED and booking.check_in < moment.today:
        return _("入住日期已过 The arrival day has passed")
    return None


def _cash_refund(booking: Booking, moment: Moment) -> str | None:
    waiting = Refund.objects.filter(
        booking=booking, status=Refund.Status.PENDING, payment__provider="at_homestay"
    )
    if not waiting.exists():
        return _("没有待退还的现金 There is no cash refund waiting")
    return None


def _always(booking: Booking, moment: Moment) -> str | None:
    return None


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    roles: frozenset[str]
    guard: Guard = _always


def _t(sources, roles, guard: Guard = _always) -> Transition:
    return Transition(frozenset(sources), frozenset(roles), guard)


TRANSITIONS: dict[str, Transition] = {
    "pay": _t(set(Status), {GUEST}, _pay),  # the guard names why there is nothing to pay
    "confirm": _t({Status.HELD, Status.EXPIRED}, {SYSTEM}, _confirm),
    "approve": _t({Status.HELD}, {OWNER, STAFF}, _approve),
    "decline": _t({Status.HELD}, {OWNER, STAFF}, _decline),
    "cancel": _t({Status.HELD, Status.CONFIRMED}, {GUEST, OWNER, STAFF}, _cancel),
    "expire": _t({Status.HELD}, {SYSTEM}, _expire),
    "check_in": _t({Status.CONFIRMED}, {OWNER, STAFF}, _check_in),
    "check_out": _t({Status.CHECKED_IN}, {OWNER, STAFF}),
    "no_show": _t({Status.CONFIRMED}, {OWNER, STAFF}, _no_show),
    "register": _t({Status.CONFIRMED, Status.CHECKED_IN}, {OWNER, STAFF}),
    "paid": _t({Status.CONFIRMED, Status.CHECKED_IN, Status.COMPLETED}, {OWNER, STAFF}, _paid),
    "cash_refunded": _t({Status.CANCELLED}, {OWNER, STAFF}, _cash_refund),
}


def refusal(booking: Booking, action: str, moment: Moment | None = None) -> str | None:
    """Why ``action`` is not possible for the booking now (bilingual), or ``None`` when it is."""
    transition = TRANSITIONS[action]
    if booking.status not in transition.sources:
        status_zh, status_en = STATUS_WORDS[Status(booking.status)]
        action_zh, action_en = ACTION_WORDS[action]
        return _(
            # xgettext:no-python-format
            "预订%(status_zh)s,不能%(action_zh)s The booking is %(status_en)s and cannot be %(action_en)s"
        ) % {"status_zh": status_zh, "action_zh": action_zh, "status_en": status_en, "action_en": action_en}
    return transition.guard(booking, moment or Moment.current())


def transition_check(booking: Booking, action: str, moment: Moment | None = None) -> None:
    """Raise ``IllegalTransition`` unless the action is possible now."""
    message = refusal(booking, action, moment)
    if message is not None:
        raise IllegalTransition(message, status=booking.status, action=action)


def actions_for(booking: Booking, *, role: str, moment: Moment | None = None) -> list[str]:
    """The actions ``role`` may take on the booking now, in the table's order."""
    moment = moment or Moment.current()
    return [
        action
        for action, transition in TRANSITIONS.items()
        if role in transition.roles and refusal(booking, action, moment) is None
    ]
