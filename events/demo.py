"""Demo events (``manage.py seed_events``). From the source article: 严村 held a 葫芦文化艺术展 (gourd
culture art exhibition) at its 葫芦文化园. Everything else here (the festival at 杜家山, the activities at
王营庄 and 大东沟, every date, time, price and place count) is invented for the demo and marked
``is_demo``. Dates are relative to today, so the demo always has upcoming events; running it again adds
the slots that are missing for the new dates and changes nothing else."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from common.clock import local_today
from events.models import Event, TicketSlot
from villages.models import Attraction, Village


@dataclass(frozen=True)
class SlotSeed:
    day: int  # days after today
    start: time
    end: time
    capacity: int
    price: Decimal


@dataclass(frozen=True)
class EventSeed:
    village: str
    slug: str
    kind: str
    title: tuple[str, str]
    summary: tuple[str, str]
    description: tuple[str, str]
    place: tuple[str, str]
    attraction: str
    slots: tuple[SlotSeed, ...]


FREE = Decimal("0.00")

EVENTS = (
    EventSeed(
        village="yancun",
        slug="gourd-art-exhibition",
        kind=Event.Kind.EXHIBITION,
        title=("葫芦文化艺术展", "Gourd Culture Art Exhibition"),
        summary=(
            "严村葫芦文化园的葫芦艺术作品展，免费登记入场。",
            "Gourd art at Yancun's Gourd Culture Park; free, register to enter.",
        ),
        description=(
            "严村依托葫芦文化园打造乡村旅游示范村，成功举办葫芦文化艺术展。展出烙画、雕刻、彩绘等葫芦工艺作品。"
            "（场次和名额为演示数据）",
            "Yancun built its rural tourism on the Gourd Culture Park, where it held a gourd culture art "
            "exhibition: pyrography, carving and painted gourds. (Times and places are demo data.)",
        ),
        place=("葫芦文化园", "Gourd Culture Park"),
        attraction="gourd-culture-park",
        slots=tuple(SlotSeed(day, time(9, 0), time(12, 0), 60, FREE) for day in (1, 2, 3, 8))
        + tuple(SlotSeed(day, time(14, 0), time(17, 0), 60, FREE) for day in (1, 2, 3, 8)),
    ),
    EventSeed(
        village="dujiashan",
        slug="temple-fair",
        kind=Event.Kind.FESTIVAL,
        title=("杜家山古村庙会", "Dujiashan Old Village Temple Fair"),
        summary=(
            "安国寺脚下的民俗庙会：社火、面塑、地方小吃。",
            "Folk fair below Anguo Temple: shehuo, dough figures, local snacks.",
        ),
        description=(
            "传统村落杜家山的民俗节庆，门票现场付款。（活动内容、时间和价格为演示数据）",
            "A folk festival in the traditional village of Dujiashan; tickets are paid at the door. "
            "(Programme, times and prices are demo data.)",
        ),
        place=("古村巷道", "Old village lanes"),
        attraction="old-village-lanes",
        slots=(
            SlotSeed(5, time(9, 30), time(12, 0), 80, Decimal("30.00")),
            SlotSeed(5, time(14, 0), time(17, 30), 80, Decimal("30.00")),
            SlotSeed(6, time(9, 30), time(12, 0), 80, Decimal("30.00")),
        ),
    ),
    EventSeed(
        village="wangyingzhuang",
        slug="orchard-picking-day",
        kind=Event.Kind.ACTIVITY,
        title=("田园采摘体验", "Orchard Picking Day"),
        summary=(
            "王营庄田园综合体的亲子采摘活动。",
            "Family fruit picking at Wangyingzhuang's pastoral complex.",
        ),
        description=("（活动为演示数据）", "(Demo data.)"),
        place=("田园果园", "Pastoral orchard"),
        attraction="pastoral-orchard",
        slots=(
            SlotSeed(4, time(9, 0), time(11, 0), 30, Decimal("20.00")),
            SlotSeed(4, time(15, 0), time(17, 0), 30, Decimal("20.00")),
        ),
    ),
    EventSeed(
        village="dadonggou",
        slug="forest-night-camp",
        kind=Event.Kind.ACTIVITY,
        title=("森林露营观星夜", "Forest Camping and Stargazing Night"),
        summary=(
            "大东沟森林营地的观星活动，免费登记。",
            "Stargazing at the Dadonggou forest campsite; free, register.",
        ),
        description=("（活动为演示数据）", "(Demo data.)"),
        place=("观星台", "Stargazing deck"),
        attraction="stargazing-deck",
        slots=(SlotSeed(7, time(19, 30), time(22, 0), 40, FREE),),
    ),
)


def _at(day: date, moment: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, moment), timezone.get_default_timezone())


@transaction.atomic
def events_seed_demo(*, today: date | None = None) -> tuple[int, int]:
    """Create the demo events and their slots for dates from ``today``; (events added, slots added).
    A village or attraction missing from the catalogue is skipped (seed the catalogue first)."""
    today = today or local_today()
    events_added = slots_added = 0
    for seed in EVENTS:
        village = Village.objects.filter(slug=seed.village).first()
        if village is None:
            continue
        days = [today + timedelta(days=slot.day) for slot in seed.slots]
        event, created = Event.objects.get_or_create(
            village=village,
            slug=seed.slug,
            defaults={
                "kind": seed.kind,
                "title_zh_hans": seed.title[0],
                "title_en": seed.title[1],
                "summary_zh_hans": seed.summary[0],
                "summary_en": seed.summary[1],
                "description_zh_hans": seed.description[0],
                "description_en": seed.description[1],
                "place_zh_hans": seed.place[0],
                "place_en": seed.place[1],
                "attraction": Attraction.objects.filter(village=village, slug=seed.attraction).first(),
                "starts_on": min(days),
                "ends_on": max(days),
                "is_published": True,
                "is_demo": True,
            },
        )
        events_added += created
        span = (min(event.starts_on, min(days)), max(event.ends_on, max(days)))
        if (event.starts_on, event.ends_on) != span:
            event.starts_on, event.ends_on = span
            event.save(update_fields=["starts_on", "ends_on"])
        for slot, day in zip(seed.slots, days, strict=True):
            _slot, slot_created = TicketSlot.objects.get_or_create(
                event=event,
                starts_at=_at(day, slot.start),
                defaults={"ends_at": _at(day, slot.end), "capacity": slot.capacity, "price": slot.price},
            )
            slots_added += slot_created
    return events_added, slots_added
