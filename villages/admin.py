from django import forms
from django.contrib import admin
from django.core.files.uploadedfile import UploadedFile
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin, TranslationStackedInline, TranslationTabularInline

from villages.models import (
    Attraction,
    Homestay,
    Honour,
    News,
    OpeningException,
    OpeningHours,
    Photo,
    RoomType,
    Route,
    RouteStop,
    Theme,
    Village,
)
from villages.photos.images import photo_for_web
from villages.photos.thumbnails import photo_picture
from villages.services import news_save


class PhotoForm(forms.ModelForm):
    """Staff uploads get the owners' checks: type, size and pixels, turned upright, resized, and
    stripped of their metadata (``villages.photos.images``)."""

    class Meta:
        model = Photo
        fields = ["image", "alt_zh_hans", "alt_en", "position", "is_demo"]

    def clean_image(self):
        image = self.cleaned_data["image"]
        if isinstance(image, UploadedFile):
            content = photo_for_web(image)
            content.name = "photo.jpg"
            return content
        return image


class PhotoInline(TranslationTabularInline):
    """A gallery in the admin: ``position`` orders it (lowest first) and the first photo is the cover."""

    model = Photo
    form = PhotoForm
    extra = 1
    fields = ["preview", "image", "alt", "position", "is_demo"]
    readonly_fields = ["preview"]
    ordering = ["position", "id"]

    @admin.display(description=_("预览 preview"))
    def preview(self, photo: Photo) -> str:
        picture = photo_picture(photo, "tile") if photo.pk else None
        if picture is None:
            return "-"
        small = picture.jpeg[0]
        return format_html(
            '<img src="{}" width="{}" height="{}" alt="">', small.url, small.width, small.height
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
    inlines = [HonourInline, PhotoInline]


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
    inlines = [OpeningHoursInline, OpeningExceptionInline, PhotoInline]


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
    inlines = [RoomTypeInline, PhotoInline]


@admin.register(RoomType)
class RoomTypeAdmin(TabbedTranslationAdmin):
    """Room types are edited with their homestay; here for their photos."""

    list_display = ["name", "homestay", "capacity", "room_count", "base_price", "is_active"]
    list_filter = ["homestay__village", "is_active"]
    list_select_related = ["homestay"]
    search_fields = ["name_zh_hans", "name_en", "homestay__name_zh_hans"]
    inlines = [PhotoInline]


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


class NewsForm(forms.ModelForm):
    """The cover gets the photos' checks and is stored web-sized and stripped of its metadata."""

    class Meta:
        model = News
        fields = ["village", "title", "summary", "body", "cover", "status", "published_at", "is_demo"]

    def clean_cover(self):
        cover = self.cleaned_data["cover"]
        if isinstance(cover, UploadedFile):
            content = photo_for_web(cover)
            content.name = "cover.jpg"
            return content
        return cover


@admin.register(News)
class NewsAdmin(TabbedTranslationAdmin):
    """Staff write the body as HTML in a plain text box; ``news_save`` sanitises it on every save."""

    form = NewsForm
    list_display = ["title", "village", "status", "published_at", "author", "is_demo"]
    list_filter = ["village", "status", "is_demo"]
    list_select_related = ["village", "author"]
    search_fields = ["title_zh_hans", "title_en"]
    date_hierarchy = "published_at"
    fields = ["village", "title", "summary", "body", "cover", "status", "published_at", "is_demo", "author"]
    readonly_fields = ["author"]

    def save_model(self, request, obj, form, change):
        news_save(news=obj, author=request.user)
