from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonConfig(AppConfig):
    """The bottom layer: what every app may use and that knows none of them."""

    name = "common"
    verbose_name = _("公共 Common")
