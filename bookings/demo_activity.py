"""A year of demo bookings for the demo homestays, so the owner console and the group dashboard have
something to show after ``make run`` (``manage.py seed_demo_activity``; docs/demo-data.md).

Every booking goes through the same use cases a guest and an owner use (``bookings.usecases``): placed
by a demo guest, approved when the homestay takes requests, cancelled by the guest before arrival, or
checked in with its guests registered (实名登记, resident ID numbers from several provinces with valid
check digits), paid at the homestay (which records the payment and the revenue split in the ledger)
and checked out; a few are no-shows; stays still ahead stay confirmed. So the inventory counters, the
ledger, the activity log and the revenue reports are exactly what real use would leave, and every
invariant holds: a stay the rooms cannot take is refused by the same guard as a guest's.

Past stays need past times: each step runs with ``timezone.now()`` set to the moment it happens
(``moved_clock``), in one transaction, as the booking tests do with their frozen clock. What is demo:
the bookings of the demo guests (users ``demo-guest-NN``, no e-mail address), so nothing needs a flag
column; the notifications those steps queue are recorded as not needed (``skipped``), never sent.

Demand: a base rate per room, more for arrivals on Fridays and Saturdays, in summer (July, August), and
on the official holidays (``HolidayDay``: Spring Festival, Qingming, May Day, Dragon Boat, Mid-Autumn,
the National Day week most of all), less in winter. Lead times are longer for holidays. The random
choices come from a fixed seed, so the same day and scale give the same year.
"""

import contextlib
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from unittest import mock

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from bookings import usecases
from bookings.activity import Source
from bookings.errors import NightsUnavailable
from bookings.guests import DocumentType, GuestDetails, resident_id_check_character
from bookings.models import Booking, HolidayDay
from bookings.revenue.services import revenue_rules_seed_demo
from bookings.revenue.tally import tallies_forget
from bookings.transitions import GUEST, OWNER
from common.clock import local_now
from notifications.models import Notification
from villages.models import RoomType

DEMO_GUEST_PREFIX = "demo-guest-"
DEMO_GUEST_COUNT = 40
SEED = 2026
DAYS_BEHIND, DAYS_AHEAD = 365, 60
# Expected arrivals per room and day before the season's factors: about 850 bookings a year for the
# demo homestays' 62 rooms at scale 1, which sell about one room-night in twelve (the National Day week and
# summer weekends fill up); ``--scale 4`` is a busy year of about 3,200, when the rooms start to refuse.
BASE_RATE = 0.025
CANCELLED, NO_SHOW = 0.10, 0.03
NOT_SENT = "演示历史数据,未发送 demo history, not sent"

# Region codes (GB/T 2260) of guests' home counties: Shanxi first, then the neighbours and the cities.
REGIONS = (
    "141102",  # 山西 吕梁 离石区
    "141181",  # 山西 吕梁 孝义市
    "140105",  # 山西 太原 小店区
    "140109",  # 山西 太原 万柏林区
    "610113",  # 陕西 西安 雁塔区
    "130104",  # 河北 石家庄 桥西区
    "410105",  # 河南 郑州 金水区
    "150102",  # 内蒙古 呼和浩特 新城区
    "110105",  # 北京 朝阳区
    "310115",  # 上海 浦东新区
    "440106",  # 广东 广州 天河区
    "510107",  # 四川 成都 武侯区
)
SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英华慧巧美红建平文博宇晨晓佳欣怡浩然子涵雨轩梓萱一诺"


@dataclass
class Report:
    made: int = 0
    refused: int = 0
    cancelled: int = 0
    completed: int = 0
    in_house: int = 0
    no_shows: int = 0
    upcoming: int = 0
    guests_registered: int = 0
    already_seeded: bool = False
    notices_not_sent: int = 0


@dataclass(frozen=True)
class Plan:
    """One booking to make: its stay, who, when it was made, and what happens to it."""

    room_type_id: int
    check_in: date
    nights: int
    rooms: int
    guests: int
    made_at: datetime
    guest: int
    cancel_at: datetime | None = None
    no_show: bool = False


@dataclass
class _Clock:
    now: datetime = field(default_factory=timezone.now)

    def __call__(self) -> datetime:
        return self.now


@contextlib.contextmanager
def moved_clock() -> Iterator[_Clock]:
    """``timezone.now()`` returns ``clock.now`` inside the block (set it before each step)."""
    clock = _Clock()
    with mock.patch.object(timezone, "now", clock):
        yield clock


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), timezone.get_default_timezone())


def resident_id(rng: random.Random, today: date) -> str:
    """A resident ID number with a valid check digit: a region, a birth date, a sequence number."""
    born = date(1950, 1, 1) + timedelta(days=rng.randrange((today - date(1950, 1, 1)).days - 2 * 365))
    first17 = f"{rng.choice(REGIONS)}{born:%Y%m%d}{rng.randrange(1000):03d}"
    return first17 + resident_id_check_character(first17)


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def _phone(rng: random.Random) -> str:
    return f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"


def demand(day: date, holidays: set[date]) -> float:
    """How many times the base rate of arrivals ``day`` sees."""
    factor = 2.4 if day.weekday() in (4, 5) else 0.7 if day.weekday() == 6 else 1.0
    if day.month in (7, 8):
        factor *= 1.8
    elif day.month in (12, 1, 2):
        factor *= 0.5
    if day in holidays:
        factor = 5.0 if day.month == 10 else 3.5
    return factor


def _lead_days(rng: random.Random, holiday: bool, weekend: bool) -> int:
    if holiday:
        return rng.randrange(5, 46)
    if weekend:
        return rng.randrange(0, 15)
    return min(int(rng.expovariate(1 / 4)), 40)


def plans(
    *, now: datetime, room_types: list[RoomType], scale: int, rng: random.Random, days: int = DAYS_BEHIND
) -> list[Plan]:
    """The bookings arriving in the ``days`` behind ``now`` (a year) and the two months ahead, made
    before ``now``, in the order they were made."""
    today = timezone.localtime(now).date()
    holidays = set(
        HolidayDay.objects.filter(
            kind=HolidayDay.Kind.HOLIDAY,
            date__range=(today - timedelta(days=days), today + timedelta(days=DAYS_AHEAD)),
        ).values_list("date", flat=True)
    )
    rooms = sum(room_type.room_count for room_type in room_types)
    weights = [room_type.room_count for room_type in room_types]
    made: list[Plan] = []
    for offset in range(-days, DAYS_AHEAD):
        day = today + timedelta(days=offset)
        holiday, weekend = day in holidays, day.weekday() in (4, 5)
        expected = BASE_RATE * rooms * scale * demand(day, holidays)
        count = int(expected) + (rng.random() < expected % 1)
        for _ in range(count):
            room_type = rng.choices(room_types, weights)[0]
            lead = _lead_days(rng, holiday, weekend)
            made_at = _at(day - timedelta(days=lead), rng.randrange(7, 23), rng.randrange(60))
            if made_at > now or (lead == 0 and made_at.hour >= 15):
                continue  # not booked yet; a same-day booking is made before the afternoon's arrival
            nights = rng.choices((1, 2, 3, 4), (50, 32, 13, 5) if not holiday else (25, 40, 25, 10))[0]
            plan = Plan(
                room_type_id=room_type.pk,
                check_in=day,
                nights=nights,
                rooms=1 if room_type.room_count == 1 or rng.random() < 0.85 else 2,
                guests=rng.randint(1, room_type.capacity),
                made_at=made_at,
                guest=rng.randrange(DEMO_GUEST_COUNT),
            )
            if lead >= 2 and rng.random() < CANCELLED:
                cancel_at = made_at + (_at(day, 9) - made_at) * rng.uniform(0.1, 0.9)
                if cancel_at <= now:
                    plan = Plan(**{**plan.__dict__, "cancel_at": cancel_at})
            elif rng.random() < NO_SHOW:
                plan = Plan(**{**plan.__dict__, "no_show": True})
            made.append(plan)
    return sorted(made, key=lambda plan: plan.made_at)


def _demo_guests() -> list[User]:
    guests = []
    for n in range(DEMO_GUEST_COUNT):
        user, created = User.objects.get_or_create(username=f"{DEMO_GUEST_PREFIX}{n:02d}")
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        guests.append(user)
    return guests


def _guest_details(plan: Plan, lead_name: str, rng: random.Random, today: date) -> list[GuestDetails]:
    names = [lead_name] + [_name(rng) for _ in range(plan.guests - 1)]
    numbers: list[str] = []
    while len(numbers) < plan.guests:
        number = resident_id(rng, today)
        if number not in numbers:
            numbers.append(number)
    return [
        GuestDetails(
            name=name, document_type=DocumentType.RESIDENT_ID, document_number=number, is_lead=n == 0
        )
        for n, (name, number) in enumerate(zip(names, numbers, strict=True))
    ]


def _live(
    plan: Plan, *, clock: _Clock, now: datetime, guest: User, rng: random.Random, report: Report
) -> None:
    """Make the booking and take it as far as ``now``: cancelled, or stayed, paid and checked out."""
    room_type = RoomType.objects.select_related("homestay__owner").get(pk=plan.room_type_id)
    owner = usecases.Actor(OWNER, Source.CONSOLE, room_type.homestay.owner)
    lead_name = _name(rng)
    clock.now = plan.made_at
    booking = None
    for nights in range(plan.nights, plan.nights + 3):  # a minimum stay: the guest stays longer
        try:
            booking = usecases.booking_place(
                actor=usecases.Actor(GUEST, Source.WEB, guest),
                room_type=room_type,
                check_in=plan.check_in,
                check_out=plan.check_in + timedelta(days=nights),
                guests=plan.guests,
                rooms=plan.rooms,
                lead_guest_name=lead_name,
                lead_guest_phone=_phone(rng),
                payment=Booking.Payment.AT_HOMESTAY,
            ).booking
        except ValidationError as error:
            if error.code != "min_nights":
                break
        except NightsUnavailable:
            break  # full that night: the guest booked elsewhere
        else:
            break
    if booking is None:
        report.refused += 1
        return
    report.made += 1
    if booking.status == Booking.Status.HELD:  # a homestay that takes requests: the owner says yes
        clock.now = plan.made_at + timedelta(minutes=rng.randrange(10, 180))
        booking = usecases.booking_approve(booking=booking, actor=owner).booking
    if plan.cancel_at is not None:
        clock.now = max(plan.cancel_at, clock.now)
        usecases.booking_cancel(booking=booking, actor=usecases.Actor(GUEST, Source.WEB, guest))
        report.cancelled += 1
        return
    arrival = _at(plan.check_in, rng.randrange(14, 19), rng.randrange(60))
    if arrival > now:
        report.upcoming += 1
        return
    if plan.no_show:
        clock.now = max(_at(plan.check_in + timedelta(days=1), 10), clock.now)
        if clock.now <= now:
            usecases.booking_no_show(booking=booking, actor=owner)
            report.no_shows += 1
        else:
            report.upcoming += 1
        return
    clock.now = arrival
    booking = usecases.booking_check_in(booking=booking, actor=owner).booking
    details = _guest_details(plan, lead_name, rng, arrival.date())
    usecases.guests_register(booking=booking, actor=owner, guests=details)
    report.guests_registered += len(details)
    clock.now = arrival + timedelta(minutes=5)
    booking = usecases.booking_paid_at_homestay(booking=booking, actor=owner).booking
    departure = _at(booking.check_out, rng.randrange(8, 12), rng.randrange(60))
    if departure > now:
        report.in_house += 1
        return
    clock.now = departure
    usecases.booking_check_out(booking=booking, actor=owner)
    report.completed += 1


def demo_bookings():
    return Booking.objects.filter(user__username__startswith=DEMO_GUEST_PREFIX)


def activity_seed(*, scale: int = 1, now: datetime | None = None, days: int = DAYS_BEHIND) -> Report:
    """Make the demo year once: nothing when the demo guests already have bookings. ``now`` (default:
    the real time) is the end of the simulated history, ``days`` how far back it starts."""
    if scale < 1:
        raise ValueError("scale is at least 1")
    now = now or local_now()
    report = Report()
    if demo_bookings().exists():
        report.already_seeded = True
        return report
    rng = random.Random(SEED * 100 + scale)
    room_types = list(
        RoomType.objects.filter(is_active=True, homestay__is_demo=True, homestay__owner__isnull=False)
        .select_related("homestay")
        .order_by("id")
    )
    with transaction.atomic():
        revenue_rules_seed_demo()  # the demo rules, so the revenue is split as the dashboard expects
        guests = _demo_guests()
        last_notice = Notification.objects.order_by("-id").values_list("id", flat=True).first() or 0
        with moved_clock() as clock:
            for plan in plans(now=now, room_types=room_types, scale=scale, rng=rng, days=days):
                _live(plan, clock=clock, now=now, guest=guests[plan.guest], rng=rng, report=report)
        report.notices_not_sent = Notification.objects.filter(
            id__gt=last_notice, status=Notification.Status.PENDING
        ).update(status=Notification.Status.SKIPPED, last_error=NOT_SENT)
    tallies_forget()  # its rows are dated in the past: a sum kept meanwhile could have missed them
    return report
