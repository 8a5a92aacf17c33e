from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShopConfig(AppConfig):
    name = "shop"
    verbose_name = _("消费帮扶商城 Shop")

    def ready(self) -> None:
        from shop import notices, payables

        notices.register()
        payables.register()
