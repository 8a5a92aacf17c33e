"""Writes of calendar sync. The rooms another platform has sold are closed rooms here
(``RoomNight.rooms_closed``): one per event and night, on top of the rooms the owner closed. So

    rooms_closed = closed by the owner + blocking ``ExternalNight`` rows of the night

and every change keeps that true: a sync takes and gives back rooms relatively, under the room type's
lock (the lock order of ``bookings.inventory``), and the owner's own closing goes through
``calendar_close_rooms_by_owner``. A night with no room free here is recorded as a conflict, never sold
twice: the database's no-overbooking constraint stays the last word.
"""

import re
import secrets
from collections import Counter, defaultdict
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
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
from bookings.sync.parse import FeedEvent, feed_events, taken_nights
from bookings.sync.selectors import external_closed
from common.clock import local_today
from villages.models import RoomType

HORIZON_DAYS = 730  # nights further ahead than two years are not imported
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


def _take(room_type: RoomType, nights: list[date]) -> dict[date, int]:
    """Close as many of the rooms asked for as are free on each night; how many were closed per night."""
    wanted = Counter(nights)
    if not wanted:
        return {}
    ordered = sorted(wanted)
    holds_expire_stale(
        room_type_id=room_type.pk, start=ordered[0], end=ordered[-1] + timedelta(days=1), now=timezone.now()
    )
    inventory.ensure_nights(room_type, ordered)
    free = dict(
        RoomNight.objects.filter(room_type=room_type, night__in=ordered).values_list("night", FREE_ROOMS)
    )
    granted = {night: max(0, min(count, free[night])) for night, count in wanted.items()}
    _shift_closed(room_type.pk, granted, 1)
    return granted


def _apply(feed: CalendarFeed, events: list[FeedEvent]) -> CalendarFeed | None:
    """Make the feed's nights from today on what ``events`` say: give back the nights of events removed
    or moved (by UID), take the new ones, and try again the ones in conflict."""
    try:
        room_type = inventory.lock_room_type(feed.room_type_id)
    except RoomType.DoesNotExist:  # removed while the feed was downloading, and its feeds with it
        return None
    locked = CalendarFeed.objects.select_for_update().filter(pk=feed.pk).first()
    if locked is None:
        return None
    feed = locked
    today = local_today()
    wanted = taken_nights(events, first=today, end=today + timedelta(days=HORIZON_DAYS))
    existing = {(row.uid, row.night): row for row in feed.nights.filter(night__gte=today)}
    gone = [row for key, row in existing.items() if key not in wanted]
    _release(room_type.pk, [row.night for row in gone if row.blocking])
    ExternalNight.objects.filter(pk__in=[row.pk for row in gone]).delete()
    pending = sorted(
        (night, uid)
        for uid, night in wanted
        if (uid, night) not in existing or not existing[uid, night].blocking
    )
    granted = _take(room_type, [night for night, _uid in pending])
    new_rows, now_blocking = [], []
    for night, uid in pending:
        blocking = granted[night] > 0
        if blocking:
            granted[night] -= 1
        row = existing.get((uid, night))
        if row is None:
            new_rows.append(ExternalNight(feed=feed, uid=uid, night=night, blocking=blocking))
        elif blocking:
            now_blocking.append(row.pk)
    ExternalNight.objects.bulk_create(new_rows)
    ExternalNight.objects.filter(pk__in=now_blocking).update(blocking=True)
    now = timezone.now()
    feed.status, feed.message, feed.events = CalendarFeed.Status.OK, "", len(events)
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
    try:
        events = feed_events(fetch_feed(feed.url))
    except FeedError as error:
        return _failed(feed, error.message)
    with transaction.atomic():
        return _apply(feed, events)


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
