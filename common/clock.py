"""Local time of the platform: Beijing time (``settings.TIME_ZONE``, Asia/Shanghai), whatever language or
time zone a request runs in. Times are stored in UTC; "today" is always the local date."""

from datetime import date, datetime

from django.utils import timezone


def local_now() -> datetime:
    return timezone.localtime(timezone.now(), timezone.get_default_timezone())


def local_today() -> date:
    return local_now().date()
