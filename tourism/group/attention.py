"""The group's "needs attention" queue (待处理): what nobody else will see to unless staff do.

* payments and refunds the payment services flagged (``needs_attention``): money that could not be
  matched to a booking, a refund that failed, an amount that did not agree with the booking;
* refunds still pending after ``REFUND_OVERDUE`` (a cash refund the owner has not recorded handing back);
* calendar feeds with nights in conflict (another platform sold a night no room was free for here) and
  feeds whose last sync failed;
* notifications that could not be sent after every retry;
* reconciliation mismatches staff have not resolved, and days whose bill could not be downloaded
  (``manage.py reconcile``): these link to the group's reconciliation page, not the admin.

Each item says what it is, the booking and homestay, the amount where money is concerned, the note, when,
and the admin page where staff act on it (clear the flag, send the notification again; for a calendar,
the homestay, whose owner must sort it out). Nothing personal about a guest is shown: no name, phone,
e-mail or ID number, and notes pass through ``notifications.privacy.redact``.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Count, F, Min, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from bookings.activity import Role
from bookings.models import Booking, BookingNight
from bookings.payments.at_homestay import AtHomestay
from bookings.payments.base import provider_choices
from bookings.payments.models import OwnerPayout, Payment, Refund, Split
from bookings.payments.reconciliation.models import Mismatch, ReconciliationRun
from bookings.payments.reconciliation.selectors import mismatches_open, runs_failed
from bookings.payments.reconciliation.services import provider_name
from bookings.sync.models import CalendarFeed, ExternalNight
from bookings.sync.selectors import OCCUPYING
from common.clock import local_today
from notifications.models import Notification
from notifications.privacy import redact

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

REFUND_OVERDUE = timedelta(days=3)
SHOWN_PER_KIND = 50
BOOKING_SUBJECT = "booking:"

PAYMENT = "payment"
REFUND = "refund"
REFUND_OVERDUE_KIND = "refund_overdue"
CALENDAR_CONFLICT = "calendar_conflict"
CALENDAR_FAILED = "calendar_failed"
NOTIFICATION = "notification"
MISMATCH = "reconciliation_mismatch"
RECONCILIATION_FAILED = "reconciliation_failed"
SPLIT = "split"
OWNER_PAYOUT = "owner_payout"

KINDS: dict[str, Promise] = {
    PAYMENT: _("付款需人工处理"),
    REFUND: _("退款需人工处理"),
    REFUND_OVERDUE_KIND: _("退款久未完成"),
    CALENDAR_CONFLICT: _("日历冲突"),
    CALENDAR_FAILED: _("日历同步失败"),
    NOTIFICATION: _("通知发送失败"),
    MISMATCH: _("对账差异 Reconciliation mismatch"),
    RECONCILIATION_FAILED: _("对账未完成 Bill not downloaded"),
    SPLIT: _("分账需人工处理"),
    OWNER_PAYOUT: _("集团代收待付经营户"),
}


@dataclass(frozen=True)
class Item:
    kind: str
    when: datetime
    reference: str  # the booking's, or "" (a calendar feed)
    homestay: str
    detail: str
    note: str  # redacted
    admin_url: str
    action: Promise  # what staff do on the admin page, the link's text
    amount: Decimal | None = None
    currency: str = ""

    @property
    def label(self) -> Promise:
        return KINDS[self.kind]


@dataclass(frozen=True)
class KindCount:
    kind: str
    count: int

    @property
    def label(self) -> Promise:
        return KINDS[self.kind]


@dataclass(frozen=True)
class Queue:
    items: list[Item]  # newest first, at most SHOWN_PER_KIND of each kind
    counts: list[KindCount]  # every kind, in the order of KINDS

    @property
    def total(self) -> int:
        return sum(count.count for count in self.counts)

    @property
    def truncated(self) -> bool:
        return len(self.items) < self.total


def _flagged_payments() -> QuerySet[Payment]:
    return Payment.objects.filter(needs_attention=True)


def _flagged_refunds() -> QuerySet[Refund]:
    return Refund.objects.filter(needs_attention=True)


def _overdue_refunds(now: datetime) -> QuerySet[Refund]:
    return Refund.objects.filter(
        status=Refund.Status.PENDING, needs_attention=False, created_at__lte=now - REFUND_OVERDUE
    )


class FeedConflicts(TypedDict):
    conflicts: int
    first_conflict: date


def _conflicted_feeds(today: date) -> "QuerySet[WithAnnotations[CalendarFeed, FeedConflicts]]":
    conflict = Q(nights__blocking=False, nights__dismissed=False, nights__night__gte=today)
    return (
        CalendarFeed.objects.annotate(
            conflicts=Count("nights", filter=conflict), first_conflict=Min("nights__night", filter=conflict)
        )
        .filter(conflicts__gt=0)
        .order_by()
    )


def _failed_feeds() -> QuerySet[CalendarFeed]:
    return CalendarFeed.objects.filter(status=CalendarFeed.Status.FAILED)


def _failed_notifications() -> QuerySet[Notification]:
    return Notification.objects.filter(status=Notification.Status.FAILED)


def _flagged_splits() -> QuerySet[Split]:
    return Split.objects.filter(needs_attention=True)


def _owed_payouts() -> QuerySet[OwnerPayout]:
    return OwnerPayout.objects.filter(status=OwnerPayout.Status.OWED)


def _querysets(now: datetime, today: date) -> dict[str, QuerySet]:
    return {
        PAYMENT: _flagged_payments(),
        REFUND: _flagged_refunds(),
        REFUND_OVERDUE_KIND: _overdue_refunds(now),
        CALENDAR_CONFLICT: _conflicted_feeds(today),
        CALENDAR_FAILED: _failed_feeds(),
        NOTIFICATION: _failed_notifications(),
        MISMATCH: mismatches_open(),
        RECONCILIATION_FAILED: runs_failed(),
        SPLIT: _flagged_splits(),
        OWNER_PAYOUT: _owed_payouts(),
    }


def attention_count() -> int:
    """How many items the queue has (the dashboard's badge), in one query."""
    first, *rest = (
        queryset.order_by().values("pk") for queryset in _querysets(timezone.now(), local_today()).values()
    )
    return first.union(*rest, all=True).count()


def _admin(name: str, pk: int) -> str:
    return reverse(f"admin:{name}_change", args=[pk])


def _provider(identifier: str) -> str:
    return str(dict(provider_choices()).get(identifier, identifier))


def _role(role: str) -> str:
    return str(Role(role).label) if role in Role.values else role


def _payment_items(payments: QuerySet[Payment]) -> list[Item]:
    return [
        Item(
            kind=PAYMENT,
            when=payment.updated_at,
            reference=payment.paid_for,
            homestay=payment.for_booking.homestay.name if payment.booking_id else "",
            detail=f"{_provider(payment.provider)} · {payment.get_status_display()}",
            note=redact(payment.attention_note),
            admin_url=_admin("bookings_payment", payment.pk),
            action=_("处理后取消“需人工处理”"),
            amount=payment.amount,
            currency=payment.currency,
        )
        for payment in payments.select_related("booking__homestay").order_by("-updated_at", "-id")[
            :SHOWN_PER_KIND
        ]
    ]


def _refund_item(refund: Refund, kind: str) -> Item:
    cash = refund.payment.provider == AtHomestay.identifier
    if kind == REFUND_OVERDUE_KIND:
        note: str | Promise = _("现金退款:经营户尚未登记已退还客人") if cash else _("收款渠道尚未确认退款")
        when, action = refund.created_at, _("查看退款")
    else:
        note, when, action = redact(refund.attention_note), refund.updated_at, _("处理后取消“需人工处理”")
    return Item(
        kind=kind,
        when=when,
        reference=refund.paid_for,
        homestay=refund.for_booking.homestay.name if refund.booking_id else "",
        detail=f"{_provider(refund.payment.provider)} · {refund.get_reason_display()} · "
        f"{refund.get_status_display()}",
        note=str(note),
        admin_url=_admin("bookings_refund", refund.pk),
        action=action,
        amount=refund.amount,
        currency=refund.currency,
    )


def _refund_items(refunds: QuerySet[Refund], kind: str) -> list[Item]:
    newest = "-created_at" if kind == REFUND_OVERDUE_KIND else "-updated_at"
    rows = refunds.select_related("booking__homestay", "payment").order_by(newest, "-id")[:SHOWN_PER_KIND]
    return [_refund_item(refund, kind) for refund in rows]


def _booked_here(feeds: Sequence[CalendarFeed], today: date) -> dict[int, list[str]]:
    """The references of the bookings made here on each feed's conflicting nights."""
    nights = defaultdict(set)
    for feed_id, night in ExternalNight.objects.filter(
        feed__in=feeds, blocking=False, dismissed=False, night__gte=today
    ).values_list("feed_id", "night"):
        nights[feed_id].add(night)
    room_types = {feed.pk: feed.room_type_id for feed in feeds}
    booked = defaultdict(set)
    for room_type_id, night, reference in BookingNight.objects.filter(
        room_type_id__in=set(room_types.values()),
        night__in=set().union(*nights.values()),
        booking__status__in=OCCUPYING,
    ).values_list("room_type_id", "night", "booking__reference"):
        booked[room_type_id, night].add(reference)
    return {
        feed_id: sorted(set().union(*(booked[room_types[feed_id], night] for night in feed_nights)))
        for feed_id, feed_nights in nights.items()
    }


LAST_ATTEMPT_FIRST = (F("last_attempt_at").desc(nulls_last=True), "-id")


def _feed_when(feed: CalendarFeed) -> datetime:
    return feed.last_attempt_at or feed.created_at


def _feed_item(feed: CalendarFeed, kind: str, detail: str, note: str, reference: str = "") -> Item:
    homestay = feed.room_type.homestay
    return Item(
        kind=kind,
        when=_feed_when(feed),
        reference=reference,
        homestay=f"{homestay.name} · {feed.room_type.name}",
        detail=detail,
        note=note,
        admin_url=_admin("villages_homestay", homestay.pk),
        action=_("联系经营户"),
    )


def _conflict_items(
    conflicted: "QuerySet[WithAnnotations[CalendarFeed, FeedConflicts]]", today: date
) -> list[Item]:
    feeds = list(
        conflicted.select_related("room_type__homestay").order_by(*LAST_ATTEMPT_FIRST)[:SHOWN_PER_KIND]
    )
    booked = _booked_here(feeds, today)
    items = []
    for feed in feeds:
        references = booked.get(feed.pk, [])
        detail = _("%(platform)s 已订出 %(nights)s 晚,本平台无空房,最早 %(first)s") % {
            "platform": feed.name,
            "nights": feed.conflicts,
            "first": feed.first_conflict.isoformat(),
        }
        note = _("本平台的预订:%(references)s") % {"references": "、".join(references)} if references else ""
        items.append(
            _feed_item(feed, CALENDAR_CONFLICT, detail, str(note), references[0] if references else "")
        )
    return items


def _failed_feed_items(feeds: QuerySet[CalendarFeed]) -> list[Item]:
    rows = feeds.select_related("room_type__homestay").order_by(*LAST_ATTEMPT_FIRST)[:SHOWN_PER_KIND]
    return [_feed_item(feed, CALENDAR_FAILED, feed.name, redact(feed.message)) for feed in rows]


def _subject_reference(subject: str) -> str:
    """``booking:ABCD2345`` -> ``ABCD2345``; "" for a notification about something else."""
    return subject.removeprefix(BOOKING_SUBJECT) if subject.startswith(BOOKING_SUBJECT) else ""


def _notification_items(notifications: QuerySet[Notification]) -> list[Item]:
    rows = list(notifications.order_by("-updated_at", "-id")[:SHOWN_PER_KIND])
    references = {_subject_reference(row.subject) for row in rows} - {""}
    homestays = dict(
        Booking.objects.filter(reference__in=references).values_list("reference", "homestay__name")
    )
    items = []
    for row in rows:
        reference = _subject_reference(row.subject)
        items.append(
            Item(
                kind=NOTIFICATION,
                when=row.updated_at,
                reference=reference,
                homestay=homestays.get(reference, ""),
                detail=_("%(event)s 发给%(role)s · %(channel)s · 尝试 %(attempts)s 次")
                % {
                    "event": row.event,
                    "role": _role(row.role),
                    "channel": row.get_channel_display(),
                    "attempts": row.attempts,
                },
                note=redact(row.last_error),
                admin_url=f"{reverse('admin:notifications_notification_changelist')}?id__exact={row.pk}",
                action=_("重新发送"),
            )
        )
    return items


def _mismatch_items(mismatches: QuerySet[Mismatch]) -> list[Item]:
    rows = mismatches.select_related("run").order_by("-created_at", "-id")[:SHOWN_PER_KIND]
    return [
        Item(
            kind=MISMATCH,
            when=row.created_at,
            reference=row.booking_reference,
            homestay="",
            detail=f"{provider_name(row.run.provider)} {row.run.day.isoformat()} · "
            f"{row.get_line_display()} · {row.get_kind_display()} · {row.reference}",
            note="",
            admin_url=reverse("group:reconciliation_run", args=[row.run_id]) + f"#mismatch-{row.pk}",
            action=_("核实后标记为已处理 Look into it and mark it resolved"),
            amount=row.bill_amount if row.bill_amount is not None else row.our_amount,
            currency=row.currency,
        )
        for row in rows
    ]


def _failed_run_items(runs: QuerySet[ReconciliationRun]) -> list[Item]:
    return [
        Item(
            kind=RECONCILIATION_FAILED,
            when=run.finished_at,
            reference="",
            homestay="",
            detail=f"{provider_name(run.provider)} {run.day.isoformat()}",
            note=redact(run.message),
            admin_url=reverse("group:reconciliation_run", args=[run.pk]),
            action=_("稍后再运行 manage.py reconcile Run manage.py reconcile again later"),
        )
        for run in runs.order_by("-day", "provider")[:SHOWN_PER_KIND]
    ]


def _split_items(splits: QuerySet[Split]) -> list[Item]:
    rows = splits.select_related("booking__homestay", "payment").order_by("-updated_at", "-id")
    return [
        Item(
            kind=SPLIT,
            when=split.updated_at,
            reference=split.booking.reference,
            homestay=split.booking.homestay.name,
            detail=f"{_provider(split.payment.provider)} · {split.get_status_display()}",
            note=redact(split.attention_note),
            admin_url=_admin("bookings_split", split.pk),
            action=_("处理后重新分账或取消“需人工处理”"),
            amount=split.commission + split.collective,
            currency=split.currency,
        )
        for split in rows[:SHOWN_PER_KIND]
    ]


def _payout_items(payouts: QuerySet[OwnerPayout]) -> list[Item]:
    rows = payouts.select_related("booking", "homestay").order_by("created_at", "id")
    return [
        Item(
            kind=OWNER_PAYOUT,
            when=payout.created_at,
            reference=payout.booking.reference,
            homestay=payout.homestay.name,
            detail=str(payout.get_status_display()),
            note=redact(payout.reason),
            admin_url=_admin("bookings_ownerpayout", payout.pk),
            action=_("转账后登记付款日期"),
            amount=payout.amount,
            currency=payout.currency,
        )
        for payout in rows[:SHOWN_PER_KIND]
    ]


def attention_queue() -> Queue:
    now, today = timezone.now(), local_today()
    querysets = _querysets(now, today)
    items = [
        *_payment_items(querysets[PAYMENT]),
        *_refund_items(querysets[REFUND], REFUND),
        *_refund_items(querysets[REFUND_OVERDUE_KIND], REFUND_OVERDUE_KIND),
        *_conflict_items(querysets[CALENDAR_CONFLICT], today),
        *_failed_feed_items(querysets[CALENDAR_FAILED]),
        *_notification_items(querysets[NOTIFICATION]),
        *_mismatch_items(querysets[MISMATCH]),
        *_failed_run_items(querysets[RECONCILIATION_FAILED]),
        *_split_items(querysets[SPLIT]),
        *_payout_items(querysets[OWNER_PAYOUT]),
    ]
    items.sort(key=lambda item: item.when, reverse=True)
    counts = [KindCount(kind, queryset.count()) for kind, queryset in querysets.items()]
    return Queue(items=items, counts=counts)
