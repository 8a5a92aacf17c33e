from django.contrib import admin
from modeltranslation.admin import TabbedTranslationAdmin, TranslationStackedInline, TranslationTabularInline

from villages.models import (
    Attraction,
    Homestay,
    Honour,
    OpeningException,
    OpeningHours,
    RoomType,
    Route,
    RouteStop,
    Theme,
    Village,
)


@admin.register(Theme)
class ThemeAdmin(TabbedTranslationAdmin):
    list_display = ["name", "slug", "order"]
    prepopulated_fields = {"slug": ["name_en"]}


class HonourInline(TranslationTabularInline):
    model = Honour
    extra = 0


@admin.register(Village)
class VillageAdmin(TabbedTranslationAdmin):
    list_display = ["name", "township", "slug", "is_published", "is_demo", "order"]
    list_filter = ["is_published", "themes"]
    list_editable = ["is_published", "order"]
    search_fields = ["name_zh_hans", "name_en", "slug", "township_zh_hans"]
    filter_horizontal = ["themes"]
    inlines = [HonourInline]


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


class OpeningExceptionInline(TranslationTabularInline):
    model = OpeningException
    extra = 0


@admin.register(Attraction)
class AttractionAdmin(TabbedTranslationAdmin):
    list_display = ["name", "village", "kind", "heritage_level", "ticket_price", "is_published", "is_demo"]
    list_filter = ["village", "kind", "heritage_level", "is_published"]
    list_select_related = ["village"]
    search_fields = ["name_zh_hans", "name_en", "slug"]
    inlines = [OpeningHoursInline, OpeningExceptionInline]


class RoomTypeInline(TranslationStackedInline):
    model = RoomType
    extra = 0


@admin.register(Homestay)
class HomestayAdmin(TabbedTranslationAdmin):
    list_display = ["name", "village", "owner", "is_published", "is_demo"]
    list_filter = ["village", "is_published"]
    list_select_related = ["village", "owner"]
    search_fields = ["name_zh_hans", "name_en", "slug"]
    autocomplete_fields = ["owner"]
    inlines = [RoomTypeInline]


class RouteStopInline(TranslationTabularInline):
    model = RouteStop
    extra = 0
    autocomplete_fields = ["attraction"]


@admin.register(Route)
class RouteAdmin(TabbedTranslationAdmin):
    list_display = [
        "name",
        "village",
        "mode",
        "distance_km",
        "duration_minutes",
        "difficulty",
        "is_published",
    ]
    list_filter = ["village", "mode", "difficulty", "is_published"]
    list_select_related = ["village"]
    search_fields = ["name_zh_hans", "name_en", "slug"]
    inlines = [RouteStopInline]
