from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingsConfig(AppConfig):
    name = "bookings"
    verbose_name = _("预订 Bookings")

    def ready(self) -> None:
        from bookings import converters, notices

        converters.register()
        notices.register()
