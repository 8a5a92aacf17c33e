"""The group's staff publish events and their slots in the admin; a photo is made web-sized and stripped
of its metadata on upload (``villages.photos.images.photo_for_web``), as the catalogue's photos are."""

from django import forms
from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from events.models import Event, Ticket, TicketSlot
from villages.photos.images import photo_for_web


class EventForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = [
            "village",
            "slug",
            "kind",
            "title",
            "summary",
            "description",
            "place",
            "attraction",
            "latitude",
            "longitude",
            "starts_on",
            "ends_on",
            "is_published",
            "photo",
            "is_demo",
        ]

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo and hasattr(photo, "content_type"):  # a new upload, not the stored file
            web = photo_for_web(photo)
            web.name = "event.jpg"
            return web
        return photo


class TicketSlotInline(admin.TabularInline):
    model = TicketSlot
    extra = 1
    readonly_fields = ("taken",)


@admin.register(Event)
class EventAdmin(TranslationAdmin):
    form = EventForm
    list_display = ("title", "village", "kind", "starts_on", "ends_on", "is_published", "is_demo")
    list_filter = ("village", "kind", "is_published")
    prepopulated_fields = {"slug": ("title_en",)}
    inlines = [TicketSlotInline]


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    """Read-only: tickets change through the use cases (register, cancel, check in), never by hand."""

    list_display = ("slot", "quantity", "status", "created_at", "checked_in_at")
    list_filter = ("status",)
    fields = ("slot", "quantity", "amount", "status", "created_at", "checked_in_at", "paid_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
