"""The objects the API returns. Resolvers read only what the selectors prefetched: no query per object."""

from datetime import date

from ninja import Field, Schema

from villages import selectors
from villages.api.fields import (
    Described,
    LocalTime,
    Money,
    Named,
    Page,
    Point,
    Priced,
    Summarised,
    Text,
    bilingual,
    choice_label,
    money,
    page_url,
)
from villages.models import Attraction, Homestay, Route, RouteStop


class ThemeOut(Named):
    slug: str


class VillageRef(Named):
    slug: str
    url: str

    @staticmethod
    def resolve_url(obj):
        return page_url(obj)


class HonourOut(Schema):
    title: Text
    year: int | None

    @staticmethod
    def resolve_title(obj):
        return bilingual(obj, "title")


class VillageOut(Summarised, Point, Page):
    slug: str
    township: Text
    themes: list[ThemeOut]
    attraction_count: int = Field(description="已发布景点数 published attractions")
    homestay_count: int = Field(description="已发布民宿数 published homestays")

    @staticmethod
    def resolve_township(obj):
        return bilingual(obj, "township")


class AttractionOut(Summarised, Point, Page, Priced):
    id: int
    slug: str
    village: VillageRef
    kind: Attraction.Kind
    kind_label: Text
    heritage_level: Attraction.HeritageLevel | None = Field(description="文保级别 null when not protected")
    heritage_level_label: Text | None
    visit_minutes: int = Field(description="建议游览时长 suggested visit, minutes")
    ticket_price: Money

    @staticmethod
    def resolve_kind_label(obj):
        return choice_label(Attraction.Kind, obj.kind)

    @staticmethod
    def resolve_heritage_level(obj):
        return obj.heritage_level or None

    @staticmethod
    def resolve_heritage_level_label(obj):
        return choice_label(Attraction.HeritageLevel, obj.heritage_level) if obj.heritage_level else None

    @staticmethod
    def resolve_ticket_price(obj):
        return money(obj.ticket_price)


class DayHoursOut(Schema):
    date: date
    is_open: bool
    opens: LocalTime | None = Field(
        description="开门 local time in Beijing (Asia/Shanghai); null when closed"
    )
    closes: LocalTime | None = Field(
        description="关门 local time in Beijing (Asia/Shanghai); null when closed"
    )
    note: Text = Field(description="说明 e.g. a holiday; empty strings when none")


class AttractionDetail(AttractionOut, Described):
    opening_hours: list[DayHoursOut] = Field(description="今天起7天 today (Beijing) and the 6 following days")

    @staticmethod
    def resolve_opening_hours(obj):
        exceptions = {exception.date: exception for exception in obj.opening_exceptions.all()}
        return [
            {
                "date": day.date,
                "is_open": day.is_open,
                "opens": day.opens,
                "closes": day.closes,
                "note": bilingual(exceptions[day.date], "note")
                if day.date in exceptions
                else {"zh": "", "en": ""},
            }
            for day in selectors.attraction_upcoming_hours(obj)
        ]


class PhotoOut(Schema):
    url: str = Field(description="网页尺寸的JPEG(最宽1600像素) the web-sized JPEG, at most 1600 px wide")
    alt: Text


def cover_photo(subject) -> dict | None:
    """The first photo of a gallery (prefetched or not), as ``PhotoOut``."""
    for photo in subject.photos.all():
        return {"url": photo.image.url, "alt": bilingual(photo, "alt")}
    return None


class HomestayOut(Summarised, Point, Page, Priced):
    id: int
    slug: str
    village: VillageRef
    price_from: Money | None = Field(description="最低平日价 lowest base price per night; null: no room")
    max_capacity: int | None = Field(description="单间最多可住人数 most guests in one room; null: no room")
    instant_book: bool = Field(description="即时预订 false: the owner approves each request")
    rating_average: float | None = Field(
        description="平均评分 average overall rating of the visible reviews, 1-5; null: no review yet"
    )
    review_count: int = Field(description="评价数 visible reviews")
    photo: PhotoOut | None

    @staticmethod
    def resolve_price_from(obj):
        return money(obj.price_from)

    @staticmethod
    def resolve_photo(obj):
        return cover_photo(obj)


class RoomTypeOut(Named, Described, Priced):
    id: int
    beds: Text
    capacity: int = Field(description="每间可住人数 guests per room")
    room_count: int = Field(description="同类房间数 identical rooms")
    base_price: Money = Field(description="平日价 per night")
    weekend_price: Money | None = Field(description="周末价 per night; null: the base price applies")
    holiday_price: Money | None = Field(description="节假日价 per night; null: the base price applies")
    min_nights: int
    max_nights: int
    is_demo: bool

    @staticmethod
    def resolve_beds(obj):
        return bilingual(obj, "beds")

    @staticmethod
    def resolve_base_price(obj):
        return money(obj.base_price)

    @staticmethod
    def resolve_weekend_price(obj):
        return money(obj.weekend_price)

    @staticmethod
    def resolve_holiday_price(obj):
        return money(obj.holiday_price)


class HomestayDetail(HomestayOut, Described):
    house_rules: Text
    amenities: list[str] = Field(description="设施代码 amenity codes")
    check_in_time: LocalTime = Field(description="入住时间 from, Beijing time")
    check_out_time: LocalTime = Field(description="退房时间 by, Beijing time")
    phone: str
    cancellation_policy: Homestay.CancellationPolicy
    cancellation_policy_label: Text
    room_types: list[RoomTypeOut] = Field(description="可预订房型 bookable room types")

    @staticmethod
    def resolve_house_rules(obj):
        return bilingual(obj, "house_rules")

    @staticmethod
    def resolve_amenities(obj):
        return (
            [item for item in obj.amenities if isinstance(item, str)]
            if isinstance(obj.amenities, list)
            else []
        )

    @staticmethod
    def resolve_cancellation_policy_label(obj):
        return choice_label(Homestay.CancellationPolicy, obj.cancellation_policy)

    @staticmethod
    def resolve_room_types(obj):
        return obj.active_room_types


class RouteOut(Summarised, Page):
    id: int
    slug: str
    village: VillageRef
    mode: Route.Mode
    mode_label: Text
    difficulty: Route.Difficulty
    difficulty_label: Text
    distance_km: float
    duration_minutes: int

    @staticmethod
    def resolve_mode_label(obj):
        return choice_label(Route.Mode, obj.mode)

    @staticmethod
    def resolve_difficulty_label(obj):
        return choice_label(Route.Difficulty, obj.difficulty)

    @staticmethod
    def resolve_distance_km(obj):
        return float(obj.distance_km)


class StopAttraction(Schema):
    id: int
    url: str


class StopOut(Point):
    position: int
    name: Text
    note: Text
    attraction: StopAttraction | None = Field(description="景点 the stop's published attraction, else null")

    @staticmethod
    def resolve_name(obj):
        return bilingual(obj.attraction, "name") if obj.attraction_id else bilingual(obj, "name")

    @staticmethod
    def resolve_lat(obj):
        return obj.coordinates[0]

    @staticmethod
    def resolve_lng(obj):
        return obj.coordinates[1]

    @staticmethod
    def resolve_note(obj):
        return bilingual(obj, "note")

    @staticmethod
    def resolve_attraction(obj):
        attraction = obj.attraction
        if attraction is None or not (attraction.is_published and attraction.village.is_published):
            return None
        return {"id": attraction.id, "url": page_url(attraction)}


class LatLng(Schema):
    lat: float
    lng: float


def _route_path(route: Route, stops: list[RouteStop]) -> list[dict[str, float]]:
    points = [
        point
        for point in (route.path if isinstance(route.path, list) else [])
        if isinstance(point, list | tuple)
        and len(point) == 2
        and all(isinstance(value, int | float) and not isinstance(value, bool) for value in point)
    ]
    if not points:
        points = [stop.coordinates for stop in stops]
    return [{"lat": float(lat), "lng": float(lng)} for lat, lng in points]


class RouteDetail(RouteOut, Described):
    stops: list[StopOut] = Field(description="站点 in visiting order")
    path: list[LatLng] = Field(
        description="轨迹 the line to draw; joins the stops when no track was recorded"
    )

    @staticmethod
    def resolve_path(obj):
        return _route_path(obj, list(obj.stops.all()))


class VillageDetail(VillageOut):
    story: Text
    honours: list[HonourOut]
    attractions: list[AttractionOut]
    homestays: list[HomestayOut]
    routes: list[RouteOut]

    @staticmethod
    def resolve_story(obj):
        return bilingual(obj, "story")

    @staticmethod
    def resolve_attraction_count(obj):
        return len(obj.published_attractions)

    @staticmethod
    def resolve_homestay_count(obj):
        return len(obj.published_homestays)

    @staticmethod
    def resolve_attractions(obj):
        return obj.published_attractions

    @staticmethod
    def resolve_homestays(obj):
        return obj.published_homestays

    @staticmethod
    def resolve_routes(obj):
        return obj.published_routes
