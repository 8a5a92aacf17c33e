"""Writes of calendar sync. The rooms another platform has sold are closed rooms here
(``RoomNight.rooms_closed``): one per event and night, on top of the rooms the owner closed. So

    rooms_closed = closed by the owner + blocking ``ExternalNight`` rows of the night

and every change keeps that true: a sync takes and gives back rooms relatively, under the room type's
lock (the lock order of ``bookings.inventory``), and the owner's own closing goes through
``calendar_close_rooms_by_owner``. A night with no room free here when its event first comes is recorded
as a conflict, never sold twice (the database's no-overbooking constraint stays the last word), and
stays one until the owner accepts it as a closed room or dismisses it (``external_nights_accept``,
``external_nights_dismiss``): a sync never turns it into a closed room by itself.
"""

import re
import secrets
from collections import Counter, defaultdict
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings import inventory
from bookings.calendar import calendar_close_rooms
from bookings.errors import NightsUnavailable
from bookings.models import RoomNight
from bookings.pricing import MAX_QUOTED_NIGHTS
from bookings.selectors import FREE_ROOMS
from bookings.services import holds_expire_stale
from bookings.sync.fetch import FeedError, fetch_feed, validate_feed_url
from bookings.sync.models import CalendarExport, CalendarFeed, ExternalNight
from bookings.sync.parse import NO_UID, BadEvent, FeedRead, feed_events, taken_nights
from bookings.sync.selectors import external_closed
from common.clock import local_today
from villages.models import RoomType

HORIZON_DAYS = 730  # nights further ahead than two years are not imported
BAD_EVENTS_SHOWN = 3
OWN_EXPORT = re.compile(r"/owner/ical/([A-Za-z0-9_-]+)\.ics")


def _new_token() -> str:
    return secrets.token_urlsafe(32)


@transaction.atomic
def calendar_export_regenerate(*, room_type: RoomType) -> CalendarExport:
    """Give the room type's feed a new secret address; the old one stops working at once."""
    export, _created = CalendarExport.objects.update_or_create(
        room_type=room_type, defaults={"token": _new_token()}
    )
    return export


@transaction.atomic
def calendar_feed_add(*, room_type: RoomType, name: str, url: str) -> CalendarFeed:
    """Add another platform's calendar of the same rooms. It is read at the next sync."""
    name, url = name.strip(), url.strip()
    if not name:
        raise ValidationError(_("请填写平台名称 Enter the platform's name"), code="name")
    try:
        validate_feed_url(url)
    except FeedError as error:
        raise ValidationError(error.message, code="url") from None
    own = OWN_EXPORT.search(url)
    if own and CalendarExport.objects.filter(token=own.group(1)).exists():
        raise ValidationError(
            _("这是本平台导出的日历,不能再导入 This is a calendar exported from here; it cannot be imported"),
            code="url",
        )
    if CalendarFeed.objects.filter(room_type=room_type, url=url).exists():
        raise ValidationError(_("这个日历已经添加过了 This calendar is already added"), code="duplicate")
    return CalendarFeed.objects.create(room_type=room_type, name=name, url=url)


def _shift_closed(room_type_id: int, per_night: dict[date, int], sign: int) -> None:
    """Add (``sign`` 1) or remove (-1) closed rooms, ``per_night[night]`` of them on each night."""
    by_count: dict[int, list[date]] = defaultdict(list)
    for night, count in per_night.items():
        if count:
            by_count[count].append(night)
    for count, nights in by_count.items():
        RoomNight.objects.filter(room_type_id=room_type_id, night__in=nights).update(
            **{inventory.CLOSED: F(inventory.CLOSED) + sign * count}
        )


def _release(room_type_id: int, nights: list[date]) -> None:
    _shift_closed(room_type_id, Counter(nights), -1)


def _free(room_type: RoomType, nights: list[date]) -> dict[date, int]:
    """Free rooms on each night, stale holds expired first. ``room_type`` must be locked."""
    ordered = sorted(set(nights))
    holds_expire_stale(
        room_type_id=room_type.pk, start=ordered[0], end=ordered[-1] + timedelta(days=1), now=timezone.now()
    )
    inventory.ensure_nights(room_type, ordered)
    return dict(
        RoomNight.objects.filter(room_type=room_type, night__in=ordered).values_list("night", FREE_ROOMS)
    )


def _take(room_type: RoomType, nights: list[date]) -> dict[date, int]:
    """Close as many of the rooms asked for as are free on each night; how many were closed per night."""
    wanted = Counter(nights)
    if not wanted:
        return {}
    free = _free(room_type, nights)
    granted = {night: max(0, min(count, free[night])) for night, count in wanted.items()}
    _shift_closed(room_type.pk, granted, 1)
    return granted


def _kept_for_bad_events(bad: list[BadEvent]) -> Q:
    """The rows of events that could not be read this time: kept as they were, never given back on a
    misreading. An unreadable event without a UID cannot be told apart: every UID-less row is kept."""
    kept = Q(pk__in=[])
    for event in bad:
        if not event.uid:
            kept |= Q(uid__startswith=NO_UID)
            continue
        kept |= Q(uid=event.uid) | Q(uid__startswith=f"{event.uid}/") | Q(uid__startswith=f"{event.uid}#")
    return kept


def _bad_message(bad: list[BadEvent]) -> str:
    shown = "、".join(f"“{event.label}”" for event in bad[:BAD_EVENTS_SHOWN])
    more = "…" if len(bad) > BAD_EVENTS_SHOWN else ""
    return _(
        "%(n)s个事件无法读取,已跳过,其余已同步;它们原来占用的日期保持不变:%(events)s%(more)s "
        "%(n)s events could not be read and were skipped, the rest synced; "
        "the nights they held stay as they were: %(events)s%(more)s"
    ) % {"n": len(bad), "events": shown, "more": more}


def _apply(feed: CalendarFeed, read: FeedRead) -> CalendarFeed | None:
    """Make the feed's nights from today on what ``read`` says: give back the nights of events removed
    or moved, take the new ones. A night already recorded keeps its state: a conflict stays a conflict
    (even once a room is free: the owner decides, see ``external_nights_accept``), a dismissed night stays
    dismissed. So a stale echo of our own feed can never close a night again by itself."""
    try:
        room_type = inventory.lock_room_type(feed.room_type_id)
    except RoomType.DoesNotExist:  # removed while the feed was downloading, and its feeds with it
        return None
    locked = CalendarFeed.objects.select_for_update().filter(pk=feed.pk).first()
    if locked is None:
        return None
    feed = locked
    today = local_today()
    wanted = taken_nights(read.events, first=today, end=today + timedelta(days=HORIZON_DAYS))
    current = feed.nights.filter(night__gte=today)
    rows = {
        (uid, night): (pk, blocking)
        for pk, uid, night, blocking in current.values_list("pk", "uid", "night", "blocking")
    }
    kept = (
        set(current.filter(_kept_for_bad_events(read.bad)).values_list("uid", "night")) if read.bad else set()
    )
    gone = [
        (pk, key[1], blocking)
        for key, (pk, blocking) in rows.items()
        if key not in wanted and key not in kept
    ]
    _release(room_type.pk, [night for _pk, night, blocking in gone if blocking])
    ExternalNight.objects.filter(pk__in=[pk for pk, _night, _blocking in gone]).delete()
    new = sorted((night, uid) for uid, night in wanted if (uid, night) not in rows)
    granted = _take(room_type, [night for night, _uid in new])
    created = []
    for night, uid in new:
        blocking = granted[night] > 0
        granted[night] -= blocking
        created.append(ExternalNight(feed=feed, uid=uid, night=night, blocking=blocking))
    ExternalNight.objects.bulk_create(created)
    now = timezone.now()
    feed.status = CalendarFeed.Status.PARTIAL if read.bad else CalendarFeed.Status.OK
    feed.message = _bad_message(read.bad)[:300] if read.bad else ""
    feed.events = len(read.events)
    feed.last_attempt_at = feed.last_success_at = now
    feed.save(update_fields=["status", "message", "events", "last_attempt_at", "last_success_at"])
    return feed


def _failed(feed: CalendarFeed, message: str) -> CalendarFeed:
    """Record the failure and change nothing else: the nights already blocked stay blocked."""
    feed.status = CalendarFeed.Status.FAILED
    feed.message = message[:300]
    feed.last_attempt_at = timezone.now()
    CalendarFeed.objects.filter(pk=feed.pk).update(
        status=feed.status, message=feed.message, last_attempt_at=feed.last_attempt_at
    )
    return feed


def calendar_feed_sync(*, feed: CalendarFeed) -> CalendarFeed | None:
    """Read the feed and apply it. The download happens outside any transaction (no lock is held while
    waiting for another platform); a feed that cannot be read or understood is marked failed with the
    reason. Returns the feed as it is now, or ``None`` if it was removed meanwhile."""
    today = local_today()
    try:
        read = feed_events(fetch_feed(feed.url), first=today, end=today + timedelta(days=HORIZON_DAYS))
    except FeedError as error:
        return _failed(feed, error.message)
    with transaction.atomic():
        return _apply(feed, read)


@transaction.atomic
def calendar_feed_remove(*, feed: CalendarFeed) -> None:
    """Remove a feed and open again the rooms its events held closed from today on."""
    inventory.lock_room_type(feed.room_type_id)
    nights = list(
        ExternalNight.objects.filter(feed=feed, blocking=True, night__gte=local_today()).values_list(
            "night", flat=True
        )
    )
    _release(feed.room_type_id, nights)
    CalendarFeed.objects.filter(pk=feed.pk).delete()


def _runs(first_night: date, last_night: date, external: dict[date, int]) -> list[tuple[date, date, int]]:
    """Split the nights into runs of equal imported closures: ``(first, last, closed by imports)``."""
    runs: list[tuple[date, date, int]] = []
    night = first_night
    while night <= last_night:
        count = external.get(night, 0)
        if runs and runs[-1][2] == count and runs[-1][1] == night - timedelta(days=1):
            runs[-1] = (runs[-1][0], night, count)
        else:
            runs.append((night, night, count))
        night += timedelta(days=1)
    return runs


@transaction.atomic
def calendar_close_rooms_by_owner(
    *, room_type: RoomType, first_night: date, last_night: date, rooms_closed: int
) -> None:
    """``bookings.calendar.calendar_close_rooms`` for the owner: ``rooms_closed`` is how many rooms the
    owner closes; rooms held closed by imported calendars stay closed on top. All or nothing: raises
    ``NightsUnavailable`` naming every night with too few free rooms, and then changes no night."""
    if (last_night - first_night).days >= MAX_QUOTED_NIGHTS:
        raise ValidationError(
            _("一次最多修改%(n)s晚 At most %(n)s nights at a time") % {"n": MAX_QUOTED_NIGHTS},
            code="too_long",
        )
    room_type = inventory.lock_room_type(room_type.pk)
    external = external_closed(room_type=room_type, start=first_night, end=last_night + timedelta(days=1))
    if not external:
        calendar_close_rooms(
            room_type=room_type, first_night=first_night, last_night=last_night, rooms_closed=rooms_closed
        )
        return
    if rooms_closed < 0:
        raise ValidationError(_("关闭的房间数不能为负 Closed rooms cannot be negative"), code="rooms_closed")
    unavailable: list[date] = []
    for first, last, imported in _runs(first_night, last_night, external):
        try:
            calendar_close_rooms(
                room_type=room_type, first_night=first, last_night=last, rooms_closed=rooms_closed + imported
            )
        except NightsUnavailable as error:
            unavailable += error.nights
    if unavailable:
        raise NightsUnavailable(unavailable)


def _conflicts(room_type: RoomType, night_ids: list[int]) -> list[ExternalNight]:
    """The room type's conflicts among ``night_ids``, from today on, locked; others are left alone
    (decided already, removed by a sync meanwhile, or not this room type's)."""
    return list(
        ExternalNight.objects.select_for_update()
        .filter(
            pk__in=night_ids,
            feed__room_type=room_type,
            blocking=False,
            dismissed=False,
            night__gte=local_today(),
        )
        .order_by("night", "pk")
    )


@transaction.atomic
def external_nights_accept(*, room_type: RoomType, night_ids: list[int]) -> int:
    """The owner accepts conflicts: each holds a closed room from now on, as if the room had been free
    when the event came. All or nothing: raises ``NightsUnavailable`` naming the nights with too few
    free rooms and changes nothing. Accepting a night twice changes nothing more. Returns how many
    nights were accepted now."""
    room_type = inventory.lock_room_type(room_type.pk)
    rows = _conflicts(room_type, night_ids)
    if not rows:
        return 0
    wanted = Counter(row.night for row in rows)
    free = _free(room_type, list(wanted))
    short = sorted(night for night, count in wanted.items() if free[night] < count)
    if short:
        raise NightsUnavailable(short)
    _shift_closed(room_type.pk, wanted, 1)
    return ExternalNight.objects.filter(pk__in=[row.pk for row in rows]).update(blocking=True)


@transaction.atomic
def external_nights_dismiss(*, room_type: RoomType, night_ids: list[int]) -> int:
    """The owner dismisses conflicts (an echo of this platform's own feed, a booking already settled):
    no room is closed, the nights leave the list of conflicts, and later syncs of the same event leave
    them dismissed. Dismissing twice changes nothing more. Returns how many nights were dismissed now."""
    room_type = inventory.lock_room_type(room_type.pk)
    rows = _conflicts(room_type, night_ids)
    return ExternalNight.objects.filter(pk__in=[row.pk for row in rows]).update(dismissed=True)
