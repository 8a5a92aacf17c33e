"""The catalogue: villages, their attractions, homestays, room types and curated routes.

Coordinates are WGS-84 decimal degrees. Anything not taken from the source article is demo data and
carries ``is_demo=True``; pages show a badge for it.
"""

from datetime import time
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    # villages/translation.py gives the translated models modeltranslation's manager; importing its module
    # lets django-stubs' mypy plugin resolve `objects` and the reverse managers to it.
    import modeltranslation.manager  # noqa: F401

LATITUDE_RANGE = Q(latitude__gte=-90) & Q(latitude__lte=90)
LONGITUDE_RANGE = Q(longitude__gte=-180) & Q(longitude__lte=180)


class GeoPoint(models.Model):
    latitude = models.DecimalField(_("纬度 latitude (WGS-84)"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("经度 longitude (WGS-84)"), max_digits=9, decimal_places=6)
    is_demo = models.BooleanField(
        _("演示数据 demo data"),
        default=True,
        help_text=_("内容不是来自官方资料时勾选 Tick when details are invented, not from official sources"),
    )

    class Meta:
        abstract = True

    @property
    def coordinates(self) -> tuple[float, float]:
        return (float(self.latitude), float(self.longitude))


class Theme(models.Model):
    slug = models.SlugField(_("标识 slug"), unique=True)
    name = models.CharField(_("名称 name"), max_length=40)
    order = models.PositiveSmallIntegerField(_("排序 order"), default=0)

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = _("主题 theme")
        verbose_name_plural = _("主题 themes")

    def __str__(self) -> str:
        return self.name


class Village(GeoPoint):
    slug = models.SlugField(_("标识 slug"), unique=True)
    name = models.CharField(_("名称 name"), max_length=60)
    township = models.CharField(_("乡镇/街道 township"), max_length=60)
    summary = models.CharField(_("简介 summary"), max_length=200, help_text=_("一句话介绍 One line"))
    story = models.TextField(_("村庄故事 story"), blank=True)
    themes = models.ManyToManyField(Theme, related_name="villages", blank=True, verbose_name=_("主题 themes"))
    is_published = models.BooleanField(_("已发布 published"), default=False)
    order = models.PositiveSmallIntegerField(_("排序 order"), default=0)

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = _("村庄 village")
        verbose_name_plural = _("村庄 villages")
        constraints = [
            models.CheckConstraint(condition=LATITUDE_RANGE, name="village_latitude_range"),
            models.CheckConstraint(condition=LONGITUDE_RANGE, name="village_longitude_range"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("villages:village_detail", kwargs={"slug": self.slug})


class Honour(models.Model):
    village = models.ForeignKey(Village, on_delete=models.CASCADE, related_name="honours")
    title = models.CharField(_("荣誉 title"), max_length=120)
    year = models.PositiveSmallIntegerField(_("年份 year"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("排序 order"), default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("荣誉 honour")
        verbose_name_plural = _("荣誉 honours")

    def __str__(self) -> str:
        return self.title


class Attraction(GeoPoint):
    class Kind(models.TextChoices):
        TEMPLE = "temple", _("寺庙 Temple")
        HERITAGE = "heritage", _("古建院落 Historic courtyard")
        MUSEUM = "museum", _("展馆 Museum / exhibition")
        SCENIC = "scenic", _("自然风光 Scenic spot")
        FARM = "farm", _("田园体验 Farm experience")
        CAMPSITE = "campsite", _("露营地 Campsite")
        CULTURE = "culture", _("文化教育 Culture / education")

    class HeritageLevel(models.TextChoices):
        NONE = "", _("无 None")
        NATIONAL = "national", _("全国重点文物保护单位 National key cultural relic")
        PROVINCIAL = "provincial", _("省级文物保护单位 Provincial cultural relic")
        MUNICIPAL = "municipal", _("市级文物保护单位 Municipal cultural relic")
        COUNTY = "county", _("县级文物保护单位 County cultural relic")

    village = models.ForeignKey(
        Village, on_delete=models.CASCADE, related_name="attractions", verbose_name=_("村庄 village")
    )
    slug = models.SlugField(_("标识 slug"))
    name = models.CharField(_("名称 name"), max_length=80)
    kind = models.CharField(_("类型 kind"), max_length=20, choices=Kind.choices)
    heritage_level = models.CharField(
        _("文保级别 heritage level"), max_length=20, choices=HeritageLevel.choices, blank=True, default=""
    )
    summary = models.CharField(_("简介 summary"), max_length=200)
    description = models.TextField(_("介绍 description"), blank=True)
    visit_minutes = models.PositiveSmallIntegerField(
        _("建议游览时长(分钟) visit duration (minutes)"),
        default=60,
        validators=[MinValueValidator(5), MaxValueValidator(720)],
    )
    ticket_price = models.DecimalField(
        _("门票(元) ticket price (CNY)"), max_digits=8, decimal_places=2, default=Decimal("0.00")
    )
    is_published = models.BooleanField(_("已发布 published"), default=True)
    order = models.PositiveSmallIntegerField(_("排序 order"), default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("景点 attraction")
        verbose_name_plural = _("景点 attractions")
        constraints = [
            models.UniqueConstraint(fields=["village", "slug"], name="attraction_unique_slug_per_village"),
            models.CheckConstraint(
                condition=Q(ticket_price__gte=0), name="attraction_ticket_price_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(visit_minutes__gte=5) & Q(visit_minutes__lte=720),
                name="attraction_visit_minutes_range",
            ),
            models.CheckConstraint(condition=LATITUDE_RANGE, name="attraction_latitude_range"),
            models.CheckConstraint(condition=LONGITUDE_RANGE, name="attraction_longitude_range"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse(
            "villages:attraction_detail", kwargs={"village_slug": self.village.slug, "slug": self.slug}
        )


class OpeningHours(models.Model):
    """Regular weekly hours. A weekday without a row is a closed day."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("周一 Monday")
        TUESDAY = 1, _("周二 Tuesday")
        WEDNESDAY = 2, _("周三 Wednesday")
        THURSDAY = 3, _("周四 Thursday")
        FRIDAY = 4, _("周五 Friday")
        SATURDAY = 5, _("周六 Saturday")
        SUNDAY = 6, _("周日 Sunday")

    attraction = models.ForeignKey(Attraction, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(_("星期 weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("开门 opens"))
    closes = models.TimeField(_("关门 closes"))

    class Meta:
        ordering = ["weekday", "opens"]
        verbose_name = _("开放时间 opening hours")
        verbose_name_plural = _("开放时间 opening hours")
        constraints = [
            models.UniqueConstraint(fields=["attraction", "weekday"], name="opening_hours_one_per_weekday"),
            models.CheckConstraint(
                condition=Q(opens__lt=models.F("closes")), name="opening_hours_opens_before_closes"
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=0) & Q(weekday__lte=6), name="opening_hours_weekday_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}-{self.closes:%H:%M}"


class OpeningException(models.Model):
    """A date that differs from the weekly hours: closed, or open at other times (holidays, festivals)."""

    attraction = models.ForeignKey(Attraction, on_delete=models.CASCADE, related_name="opening_exceptions")
    date = models.DateField(_("日期 date"))
    opens = models.TimeField(_("开门 opens"), null=True, blank=True)
    closes = models.TimeField(_("关门 closes"), null=True, blank=True)
    note = models.CharField(_("说明 note"), max_length=120, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("特殊开放安排 opening exception")
        verbose_name_plural = _("特殊开放安排 opening exceptions")
        constraints = [
            models.UniqueConstraint(fields=["attraction", "date"], name="opening_exception_one_per_date"),
            models.CheckConstraint(
                condition=(Q(opens__isnull=True) & Q(closes__isnull=True))
                | (Q(opens__isnull=False) & Q(closes__isnull=False) & Q(opens__lt=models.F("closes"))),
                name="opening_exception_closed_or_valid_hours",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date}: {self.note}"

    @property
    def is_closed(self) -> bool:
        return self.opens is None


class Homestay(GeoPoint):
    class CancellationPolicy(models.TextChoices):
        FLEXIBLE = "flexible", _("宽松:入住前1天全额退款 Flexible: full refund up to 1 day before")
        MODERATE = "moderate", _("适中:入住前5天全额退款 Moderate: full refund up to 5 days before")
        STRICT = "strict", _("严格:入住前14天退一半 Strict: half refund up to 14 days before")

    village = models.ForeignKey(
        Village, on_delete=models.CASCADE, related_name="homestays", verbose_name=_("村庄 village")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="homestays",
        verbose_name=_("经营户 owner"),
    )
    slug = models.SlugField(_("标识 slug"))
    name = models.CharField(_("名称 name"), max_length=80)
    summary = models.CharField(_("简介 summary"), max_length=200)
    description = models.TextField(_("介绍 description"), blank=True)
    amenities = models.JSONField(_("设施 amenities"), default=list, blank=True)
    house_rules = models.TextField(_("入住须知 house rules"), blank=True)
    check_in_time = models.TimeField(_("入住时间 check-in from"), default=time(14))
    check_out_time = models.TimeField(_("退房时间 check-out by"), default=time(12))
    phone = models.CharField(_("联系电话 phone"), max_length=30, blank=True)
    instant_book = models.BooleanField(
        _("即时预订 instant book"),
        default=True,
        help_text=_("不勾选则每个预订需经营户确认 Untick to approve every request yourself"),
    )
    cancellation_policy = models.CharField(
        _("取消政策 cancellation policy"),
        max_length=10,
        choices=CancellationPolicy.choices,
        default=CancellationPolicy.MODERATE,
    )
    is_published = models.BooleanField(_("已发布 published"), default=True)
    order = models.PositiveSmallIntegerField(_("排序 order"), default=0)
    # Guests' reviews, kept up to date by bookings.reviews (only the visible ones count) so that cards,
    # pages and the rating sort of search read two columns instead of averaging reviews on every request.
    rating_average = models.DecimalField(
        _("平均评分 average rating"), max_digits=3, decimal_places=2, null=True, blank=True, editable=False
    )
    review_count = models.PositiveIntegerField(_("评价数 reviews"), default=0, editable=False)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("民宿 homestay")
        verbose_name_plural = _("民宿 homestays")
        constraints = [
            models.UniqueConstraint(fields=["village", "slug"], name="homestay_unique_slug_per_village"),
            models.CheckConstraint(
                condition=Q(review_count=0, rating_average__isnull=True)
                | Q(review_count__gt=0, rating_average__gte=1, rating_average__lte=5),
                name="homestay_rating_matches_count",
            ),
            models.CheckConstraint(condition=LATITUDE_RANGE, name="homestay_latitude_range"),
            models.CheckConstraint(condition=LONGITUDE_RANGE, name="homestay_longitude_range"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse(
            "villages:homestay_detail", kwargs={"village_slug": self.village.slug, "slug": self.slug}
        )


class RoomType(models.Model):
    homestay = models.ForeignKey(
        Homestay, on_delete=models.CASCADE, related_name="room_types", verbose_name=_("民宿 homestay")
    )
    name = models.CharField(_("房型 name"), max_length=60)
    description = models.TextField(_("介绍 description"), blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("可住人数 guests per room"), validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    beds = models.CharField(_("床型 beds"), max_length=60, blank=True)
    room_count = models.PositiveSmallIntegerField(
        _("同类房间数 identical rooms"), default=1, validators=[MinValueValidator(1), MaxValueValidator(200)]
    )
    base_price = models.DecimalField(
        _("平日价(元/晚) base price (CNY/night)"), max_digits=8, decimal_places=2
    )
    weekend_price = models.DecimalField(
        _("周末价(元/晚) weekend price (CNY/night)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    holiday_price = models.DecimalField(
        _("节假日价(元/晚) holiday price (CNY/night)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    min_nights = models.PositiveSmallIntegerField(_("最少入住晚数 minimum nights"), default=1)
    max_nights = models.PositiveSmallIntegerField(_("最多入住晚数 maximum nights"), default=30)
    booking_window_days = models.PositiveSmallIntegerField(
        _("可提前预订天数 bookable days ahead"), default=365
    )
    same_day_cutoff = models.TimeField(
        _("当天预订截止时间 same-day booking cut-off"),
        default=time(18),
        help_text=_("北京时间;此后不能预订当晚 Beijing time; after it tonight can no longer be booked"),
    )
    is_active = models.BooleanField(_("可预订 bookable"), default=True)
    is_demo = models.BooleanField(_("演示数据 demo data"), default=True)
    order = models.PositiveSmallIntegerField(_("排序 order"), default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("房型 room type")
        verbose_name_plural = _("房型 room types")
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="room_type_capacity_positive"),
            models.CheckConstraint(condition=Q(room_count__gte=1), name="room_type_room_count_positive"),
            models.CheckConstraint(
                condition=Q(min_nights__gte=1) & Q(max_nights__gte=models.F("min_nights")),
                name="room_type_stay_length_rules",
            ),
            models.CheckConstraint(condition=Q(base_price__gt=0), name="room_type_base_price_positive"),
            models.CheckConstraint(
                condition=Q(weekend_price__isnull=True) | Q(weekend_price__gt=0),
                name="room_type_weekend_price_positive",
            ),
            models.CheckConstraint(
                condition=Q(holiday_price__isnull=True) | Q(holiday_price__gt=0),
                name="room_type_holiday_price_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.homestay} · {self.name}"


class Route(models.Model):
    class Mode(models.TextChoices):
        WALK = "walk", _("步行 Walk")
        CYCLE = "cycle", _("骑行 Cycle")
        DRIVE = "drive", _("自驾 Drive")

    class Difficulty(models.TextChoices):
        EASY = "easy", _("轻松 Easy")
        MODERATE = "moderate", _("适中 Moderate")
        HARD = "hard", _("较难 Hard")

    village = models.ForeignKey(
        Village, on_delete=models.CASCADE, related_name="routes", verbose_name=_("村庄 village")
    )
    slug = models.SlugField(_("标识 slug"))
    name = models.CharField(_("名称 name"), max_length=80)
    summary = models.CharField(_("简介 summary"), max_length=200)
    description = models.TextField(_("介绍 description"), blank=True)
    mode = models.CharField(_("方式 mode"), max_length=10, choices=Mode.choices)
    distance_km = models.DecimalField(_("距离(公里) distance (km)"), max_digits=6, decimal_places=1)
    duration_minutes = models.PositiveSmallIntegerField(_("用时(分钟) duration (minutes)"))
    difficulty = models.CharField(_("难度 difficulty"), max_length=10, choices=Difficulty.choices)
    path = models.JSONField(
        _("路线轨迹 path"),
        default=list,
        blank=True,
        help_text=_("[[纬度, 经度], ...] WGS-84; 留空则按站点连线 empty: the line joins the stops"),
    )
    is_published = models.BooleanField(_("已发布 published"), default=True)
    is_demo = models.BooleanField(_("演示数据 demo data"), default=True)
    order = models.PositiveSmallIntegerField(_("排序 order"), default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("精品线路 curated route")
        verbose_name_plural = _("精品线路 curated routes")
        constraints = [
            models.UniqueConstraint(fields=["village", "slug"], name="route_unique_slug_per_village"),
            models.CheckConstraint(condition=Q(distance_km__gt=0), name="route_distance_positive"),
            models.CheckConstraint(condition=Q(duration_minutes__gt=0), name="route_duration_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("villages:route_detail", kwargs={"village_slug": self.village.slug, "slug": self.slug})


class RouteStop(models.Model):
    """An ordered stop: an attraction of the catalogue, or a named point (a viewpoint, a trailhead)."""

    route = models.ForeignKey(Route, on_delete=models.CASCADE, related_name="stops")
    position = models.PositiveSmallIntegerField(_("顺序 position"))
    attraction = models.ForeignKey(
        Attraction,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="route_stops",
        verbose_name=_("景点 attraction"),
    )
    name = models.CharField(_("站点名称 stop name"), max_length=80, blank=True)
    latitude = models.DecimalField(_("纬度 latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(
        _("经度 longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    note = models.CharField(_("说明 note"), max_length=160, blank=True)

    class Meta:
        ordering = ["position"]
        verbose_name = _("线路站点 route stop")
        verbose_name_plural = _("线路站点 route stops")
        constraints = [
            models.UniqueConstraint(fields=["route", "position"], name="route_stop_unique_position"),
            models.CheckConstraint(
                condition=Q(attraction__isnull=False)
                | (~Q(name="") & Q(latitude__isnull=False) & Q(longitude__isnull=False)),
                name="route_stop_attraction_or_named_point",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.attraction.name if self.attraction is not None else self.name

    @property
    def coordinates(self) -> tuple[float, float]:
        if self.attraction is not None:
            return self.attraction.coordinates
        assert self.latitude is not None and self.longitude is not None  # the check constraint's promise
        return (float(self.latitude), float(self.longitude))


PHOTO_SUBJECTS = ("village", "attraction", "homestay", "room_type")


def _exactly_one_subject() -> Q:
    alternatives = Q()
    for subject in PHOTO_SUBJECTS:
        alternatives |= Q(**{f"{subject}__isnull": False}) & Q(
            **{f"{other}__isnull": True for other in PHOTO_SUBJECTS if other != subject}
        )
    return alternatives


class Photo(models.Model):
    """One picture of a gallery: a village's, an attraction's, a homestay's or a room type's (exactly one).

    A gallery is ordered by ``position`` (ties by id); its first photo is the cover that cards show.
    The file is the web-sized, metadata-free JPEG made by ``villages.photos.images.photo_for_web``;
    pages show resized copies of it (``villages/templatetags/photos.py``), never the file itself.
    """

    village = models.ForeignKey(
        Village, on_delete=models.CASCADE, null=True, blank=True, related_name="photos"
    )
    attraction = models.ForeignKey(
        Attraction, on_delete=models.CASCADE, null=True, blank=True, related_name="photos"
    )
    homestay = models.ForeignKey(
        Homestay, on_delete=models.CASCADE, null=True, blank=True, related_name="photos"
    )
    room_type = models.ForeignKey(
        RoomType, on_delete=models.CASCADE, null=True, blank=True, related_name="photos"
    )
    image = models.ImageField(_("照片 photo"), upload_to="photos/%Y/%m/")
    alt = models.CharField(
        _("照片说明 alt text"),
        max_length=160,
        blank=True,
        help_text=_("为看不见图片的人描述照片内容 Describe the picture for people who cannot see it"),
    )
    position = models.PositiveIntegerField(_("顺序 position"), default=0)
    is_demo = models.BooleanField(_("演示图片 demo image"), default=False)
    created_at = models.DateTimeField(_("上传时间 uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("照片 photo")
        verbose_name_plural = _("照片 photos")
        constraints = [
            models.CheckConstraint(condition=_exactly_one_subject(), name="photo_exactly_one_subject"),
        ]
        indexes = [
            models.Index(fields=["village", "position"], name="photo_village_order"),
            models.Index(fields=["attraction", "position"], name="photo_attraction_order"),
            models.Index(fields=["homestay", "position"], name="photo_homestay_order"),
            models.Index(fields=["room_type", "position"], name="photo_room_type_order"),
        ]

    def __str__(self) -> str:
        return self.alt or self.image.name or ""

    @property
    def subject(self) -> Village | Attraction | Homestay | RoomType:
        for name in PHOTO_SUBJECTS:
            value = getattr(self, name)
            if value is not None:
                return value
        raise ValueError("a photo without a subject")  # the check constraint forbids it


class News(models.Model):
    """A piece of village news written by the group's staff (村庄动态). ``body`` is HTML, sanitised by
    ``villages.services.news_save`` (the allow-list in ``villages.richtext``) before it is stored; the
    public sees only published news whose ``published_at`` has come."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿 Draft")
        PUBLISHED = "published", _("已发布 Published")

    village = models.ForeignKey(
        Village, on_delete=models.CASCADE, related_name="news", verbose_name=_("村庄 village")
    )
    title = models.CharField(_("标题 title"), max_length=120)
    summary = models.CharField(_("摘要 summary"), max_length=200, blank=True)
    body = models.TextField(
        _("正文 body"),
        blank=True,
        help_text=_(
            "可用 HTML:p br strong em ul ol li h3 h4 a blockquote img(仅本站图片),其余会被去掉 "
            "Allowed HTML: p br strong em ul ol li h3 h4 a blockquote img (our own pictures only); "
            "anything else is removed"
        ),
    )
    cover = models.ImageField(_("封面照片 cover photo"), upload_to="news/%Y/%m/", blank=True)
    status = models.CharField(_("状态 status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(_("发布时间 published"), default=timezone.now)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("作者 author"),
    )
    is_demo = models.BooleanField(_("演示数据 demo data"), default=False)
    created_at = models.DateTimeField(_("创建时间 created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间 updated"), auto_now=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("村庄动态 village news")
        verbose_name_plural = _("村庄动态 village news")
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["draft", "published"]), name="news_status_valid"),
        ]
        indexes = [
            models.Index(fields=["village", "status", "-published_at"], name="news_village_published"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("villages:news_detail", kwargs={"slug": self.village.slug, "pk": self.pk})
