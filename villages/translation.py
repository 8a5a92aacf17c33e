from modeltranslation.translator import TranslationOptions, register

from villages.models import (
    Attraction,
    Homestay,
    Honour,
    News,
    OpeningException,
    Photo,
    RoomType,
    Route,
    RouteStop,
    Theme,
    Village,
)


@register(Theme)
class ThemeTranslation(TranslationOptions):
    fields = ("name",)


@register(Village)
class VillageTranslation(TranslationOptions):
    fields = ("name", "township", "summary", "story")


@register(Honour)
class HonourTranslation(TranslationOptions):
    fields = ("title",)


@register(Attraction)
class AttractionTranslation(TranslationOptions):
    fields = ("name", "summary", "description")


@register(OpeningException)
class OpeningExceptionTranslation(TranslationOptions):
    fields = ("note",)


@register(Homestay)
class HomestayTranslation(TranslationOptions):
    fields = ("name", "summary", "description", "house_rules")


@register(RoomType)
class RoomTypeTranslation(TranslationOptions):
    fields = ("name", "description", "beds")


@register(Route)
class RouteTranslation(TranslationOptions):
    fields = ("name", "summary", "description")


@register(RouteStop)
class RouteStopTranslation(TranslationOptions):
    fields = ("name", "note")


@register(Photo)
class PhotoTranslation(TranslationOptions):
    fields = ("alt",)


@register(News)
class NewsTranslation(TranslationOptions):
    fields = ("title", "summary", "body")
