from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("活动与门票 Events and tickets")

    def ready(self) -> None:
        from events import notices, payables, sections, signals

        notices.register()
        payables.register()
        sections.register()
        signals.connect()
