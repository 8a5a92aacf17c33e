"""Fill the holiday calendar with every year the chinesecalendar package knows. Later years: run
``manage.py load_holidays`` after upgrading the package, or add the days in the admin."""

from django.db import migrations


def load(apps, schema_editor):
    from bookings.holidays import package_calendar

    HolidayDay = apps.get_model("bookings", "HolidayDay")
    HolidayDay.objects.bulk_create(
        [
            HolidayDay(date=day.date, kind=day.kind, name=day.name_zh, name_zh_hans=day.name_zh, name_en=day.name_en)
            for day in package_calendar()
        ],
        ignore_conflicts=True,
    )


def unload(apps, schema_editor):
    apps.get_model("bookings", "HolidayDay").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("bookings", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
