from modeltranslation.translator import TranslationOptions, register

from bookings.models import HolidayDay


@register(HolidayDay)
class HolidayDayTranslation(TranslationOptions):
    fields = ("name",)
