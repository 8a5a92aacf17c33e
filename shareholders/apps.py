from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShareholdersConfig(AppConfig):
    name = "shareholders"
    verbose_name = _("股东分红 Shareholders and dividends")

    def ready(self) -> None:
        from shareholders import notices

        notices.register()
