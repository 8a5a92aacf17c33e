"""Staff views of bookings, inventory and prices. Bookings change state only through the use cases (the
pages, the owner console, the API), so here they are read-only, with their activity log; guest document
numbers and the lead guest's phone are always masked."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.models import BaseInlineFormSet
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin

from bookings.activity import BookingEvent
from bookings.calendar import room_type_set_room_count
from bookings.guests import mask_document_number
from bookings.holidays import holiday_year_confirm
from bookings.models import Booking, BookingNight, Guest, HolidayDay, PriceRule, RoomNight
from bookings.payments import admin as payments_admin  # noqa: F401  (registers payments, refunds, ledger)
from bookings.payments import splits_admin  # noqa: F401  (registers profit sharing)
from bookings.selectors import holiday_years_missing, holiday_years_provisional
from common.phones import phone_mask
from villages import admin as villages_admin
from villages.models import Homestay, RoomType


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class BookingNightInline(ReadOnlyInline):
    model = BookingNight
    fields = ["night", "rooms", "price"]


class GuestInline(ReadOnlyInline):
    model = Guest
    fields = readonly_fields = ("name", "document_type", "document_masked", "is_lead", "registered_at")

    @admin.display(description=_("证件号码 document number"))
    def document_masked(self, guest: Guest) -> str:
        return mask_document_number(guest.document_number)


class BookingEventInline(ReadOnlyInline):
    """The booking's activity log: what happened, who did it, through which entry point."""

    model = BookingEvent
    fields = readonly_fields = (
        "created_at",
        "action",
        "role",
        "source",
        "actor",
        "from_status",
        "to_status",
        "note",
    )
    ordering = ["created_at", "id"]


MASKED_PHONE = "lead_guest_phone_masked"


def _booking_fields() -> list[str]:
    return [field.name for field in Booking._meta.fields]


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    """Read-only. Staff find a booking by the guest's number typed in full or in part, and see it
    masked, like document numbers."""

    list_display = ["reference", "homestay", "room_type", "check_in", "check_out", "rooms", "total", "status"]
    list_filter = ["status", "payment", "needs_approval", "homestay__village", "homestay"]
    list_select_related = ["homestay", "room_type__homestay"]
    search_fields = ["reference", "lead_guest_name", "lead_guest_phone"]
    date_hierarchy = "check_in"
    inlines = [BookingNightInline, GuestInline, BookingEventInline]

    def get_fields(self, request, obj=None):
        """Every field of the booking, the lead guest's phone masked in its place (DESIGN invariant 7)."""
        return [MASKED_PHONE if name == "lead_guest_phone" else name for name in _booking_fields()]

    def get_readonly_fields(self, request, obj=None):
        return [*_booking_fields(), MASKED_PHONE]

    @admin.display(description=_("联系电话 phone"))
    def lead_guest_phone_masked(self, booking: Booking) -> str:
        return phone_mask(booking.lead_guest_phone)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(HolidayDay)
class HolidayDayAdmin(TabbedTranslationAdmin):
    """The calendar that prices the nights before its days. Years not yet published by the State Council
    are provisional (computed by rule); staff confirm a year once they have checked it, or load the
    official one with ``manage.py load_holidays`` when ``chinesecalendar`` knows it."""

    list_display = ["date", "weekday", "kind", "name", "provisional"]
    list_filter = ["provisional", "kind"]
    date_hierarchy = "date"
    search_fields = ["name_zh_hans", "name_en"]
    actions = ["confirm_years"]

    @admin.display(description=_("星期 weekday"))
    def weekday(self, obj: HolidayDay) -> str:
        return str(WEEKDAYS[obj.date.weekday()])

    @admin.action(
        description=_("确认所选日期所在年份的安排 Confirm the calendar of the selected days' years")
    )
    def confirm_years(self, request, queryset):
        years = sorted({day.year for day in queryset.dates("date", "year")})
        confirmed = sum(holiday_year_confirm(year=year) for year in years)
        messages.success(
            request,
            gettext("已确认%(years)s年的安排(%(n)s天) Confirmed the calendar of %(years)s (%(n)s days)")
            % {"years": "、".join(map(str, years)), "n": confirmed},
        )

    def changelist_view(self, request, extra_context=None):
        missing = holiday_years_missing()
        if missing:
            years = "、".join(str(year) for year in missing)
            messages.warning(
                request,
                gettext(
                    "%(years)s年的节假日安排还没有录入,这些日期将按平日和周末定价 "
                    "No holiday calendar for %(years)s yet: those dates price as weekdays and weekends"
                )
                % {"years": years},
            )
        provisional = holiday_years_provisional()
        if provisional:
            messages.info(
                request,
                gettext(
                    "%(years)s年的节假日是按法定假日规则暂定的,没有调休上班日;国务院公布后请核对并确认该年,"
                    "或运行 load_holidays 载入官方安排 "
                    "The holidays of %(years)s are provisional, computed from the statutory rule, without "
                    "make-up working days: once the State Council publishes them, check and confirm the "
                    "year, or load the official schedule with load_holidays"
                )
                % {"years": "、".join(map(str, provisional))},
            )
        return super().changelist_view(request, extra_context)


class RoomTypeChoiceMixin(admin.options.BaseModelAdmin):
    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "room_type":
            kwargs["queryset"] = RoomType.objects.select_related("homestay")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(PriceRule)
class PriceRuleAdmin(RoomTypeChoiceMixin, admin.ModelAdmin):
    list_display = ["room_type", "first_night", "last_night", "price", "note"]
    list_filter = ["room_type__homestay__village", "room_type__homestay"]
    list_select_related = ["room_type__homestay"]
    date_hierarchy = "first_night"


@admin.register(RoomNight)
class RoomNightAdmin(admin.ModelAdmin):
    """Counters are changed by bookings and the owner's calendar only; staff may adjust prices and
    minimum stays of a night."""

    list_display = [
        "room_type",
        "night",
        "rooms_total",
        "rooms_booked",
        "rooms_held",
        "rooms_closed",
        "price_override",
        "min_nights_override",
    ]
    list_filter = ["room_type__homestay__village", "room_type__homestay"]
    list_select_related = ["room_type__homestay"]
    date_hierarchy = "night"
    readonly_fields = ["room_type", "night", "rooms_total", "rooms_booked", "rooms_held", "rooms_closed"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class _DryRun(Exception):
    pass


def _room_count_changes(formset):
    return [
        form
        for form in formset.forms
        if form.instance.pk and "room_count" in form.changed_data and not formset._should_delete_form(form)
    ]


class RoomCountFormSet(BaseInlineFormSet):
    """A new room count goes through the calendar service, which keeps every future night's total in
    step and refuses a count below the rooms already booked, held or closed."""

    def clean(self):
        super().clean()
        for form in _room_count_changes(self):
            room_count = form.cleaned_data["room_count"]
            try:
                with transaction.atomic():
                    room_type_set_room_count(room_type=form.instance, room_count=room_count)
                    raise _DryRun
            except _DryRun:
                pass
            except ValidationError as error:
                form.add_error("room_count", error)


class RoomTypeInventoryInline(villages_admin.RoomTypeInline):
    formset = RoomCountFormSet


class HomestayInventoryAdmin(villages_admin.HomestayAdmin):
    inlines = [RoomTypeInventoryInline, villages_admin.PhotoInline]

    def save_formset(self, request, form, formset, change):
        changed = _room_count_changes(formset) if formset.model is RoomType else []
        super().save_formset(request, form, formset, change)
        for room_form in changed:
            room_type_set_room_count(room_type=room_form.instance, room_count=room_form.instance.room_count)


admin.site.unregister(Homestay)
admin.site.register(Homestay, HomestayInventoryAdmin)
