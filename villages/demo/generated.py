"""Extra generated demo content for ``seed_demo --scale N``: (N - 1) times each village's own number of
attractions, homestays and routes, so benchmarks can run on N times the demo data.

Names say what they are ("彩家庄村演示民宿 7号 Caijiazhuang Village demo homestay #7"); slugs are stable
(``demo-homestay-7``), so a second run with the same scale changes nothing.
"""

from dataclasses import replace
from decimal import Decimal

from villages.demo import hours, stays
from villages.demo.geo import spiral_offset
from villages.demo.schema import AttractionSeed, HomestaySeed, RouteSeed, StopSeed, T, VillageSeed

KINDS = ("scenic", "farm", "culture", "heritage", "museum", "campsite")
HOURS = (hours.DAILY, hours.CLOSED_MONDAYS, hours.DAWN_TO_DUSK)
MODES = ("walk", "cycle", "drive")
DIFFICULTIES = ("easy", "moderate", "hard")


def _near(village: VillageSeed, n: int) -> tuple[Decimal, Decimal]:
    dlat, dlng = spiral_offset(n)
    return village.latitude + dlat, village.longitude + dlng


def attractions_extra(village: VillageSeed, count: int) -> list[AttractionSeed]:
    extras = []
    for n in range(1, count + 1):
        latitude, longitude = _near(village, 3 * n)
        extras.append(
            AttractionSeed(
                village=village.slug,
                slug=f"demo-attraction-{n}",
                name=T(f"{village.name.zh}演示景点 {n}号", f"{village.name.en} demo attraction #{n}"),
                kind=KINDS[n % len(KINDS)],
                summary=T("批量生成的演示景点。", "A generated demo attraction."),
                description=T(
                    "这是为性能测试批量生成的演示景点,不是真实地点。",
                    "Generated for load testing; not a real place.",
                ),
                latitude=latitude,
                longitude=longitude,
                hours=HOURS[n % len(HOURS)],
                visit_minutes=30 + 15 * (n % 5),
                ticket_price=Decimal(10 * (n % 4)).quantize(Decimal("0.01")),
            )
        )
    return extras


def homestays_extra(village: VillageSeed, count: int) -> list[HomestaySeed]:
    extras = []
    for n in range(1, count + 1):
        latitude, longitude = _near(village, 3 * n + 1)
        rooms = (
            replace(stays.CAVE_DOUBLE, room_count=n % 6 + 1),
            replace(stays.KANG_FAMILY, room_count=(n + 2) % 6 + 1, base_price=Decimal(200 + 10 * (n % 9))),
        )
        extras.append(
            HomestaySeed(
                village=village.slug,
                slug=f"demo-homestay-{n}",
                name=T(f"{village.name.zh}演示民宿 {n}号", f"{village.name.en} demo homestay #{n}"),
                summary=T("批量生成的演示民宿。", "A generated demo homestay."),
                description=T(
                    "这是为性能测试批量生成的演示民宿,不接受真实预订。",
                    "Generated for load testing; it takes no real bookings.",
                ),
                house_rules=stays.RULES_CAVE,
                latitude=latitude,
                longitude=longitude,
                amenities=(stays.WIFI, stays.KANG, stays.PARKING),
                rooms=rooms,
            )
        )
    return extras


def routes_extra(village: VillageSeed, count: int, first_attraction: str) -> list[RouteSeed]:
    extras = []
    for n in range(1, count + 1):
        latitude, longitude = _near(village, 3 * n + 2)
        extras.append(
            RouteSeed(
                village=village.slug,
                slug=f"demo-route-{n}",
                name=T(f"{village.name.zh}演示线路 {n}号", f"{village.name.en} demo route #{n}"),
                summary=T("批量生成的演示线路。", "A generated demo route."),
                description=T("这是为性能测试批量生成的演示线路。", "Generated for load testing."),
                mode=MODES[n % len(MODES)],
                difficulty=DIFFICULTIES[n % len(DIFFICULTIES)],
                stops=(
                    StopSeed(attraction=(village.slug, first_attraction), note=T("起点", "Start")),
                    StopSeed(
                        name=T(f"演示观景点 {n}号", f"Demo viewpoint #{n}"),
                        latitude=latitude,
                        longitude=longitude,
                        note=T("途经", "On the way"),
                    ),
                    StopSeed(attraction=(village.slug, f"demo-attraction-{n}"), note=T("终点", "Finish")),
                ),
            )
        )
    return extras
