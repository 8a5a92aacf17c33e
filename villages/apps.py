from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VillagesConfig(AppConfig):
    name = "villages"
    verbose_name = _("村庄目录 Village catalogue")

    def ready(self) -> None:
        from villages import signals
        from villages.photos import files

        signals.connect()
        files.connect()
