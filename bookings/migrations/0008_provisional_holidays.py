"""Provisional holidays: the two years after the last one ``chinesecalendar`` knows, filled by rule from the
``holidays`` package and marked provisional, so their holidays (New Year 2027, Spring Festival 2027, ...)
do not sell as ordinary nights while the official schedule is unpublished. Later years: ``manage.py
load_holidays``; the official schedule, once ``chinesecalendar`` knows it, replaces these days."""

from django.db import migrations, models

PROVISIONAL_YEARS = 2


def load(apps, schema_editor):
    from bookings.holidays import package_years, rule_calendar

    HolidayDay = apps.get_model("bookings", "HolidayDay")
    last = package_years()[-1]
    # A year where staff already entered days is theirs (as in ``holidays_load_provisional``).
    years = [
        year
        for year in range(last + 1, last + 1 + PROVISIONAL_YEARS)
        if not HolidayDay.objects.filter(date__year=year).exists()
    ]
    HolidayDay.objects.bulk_create(
        [
            HolidayDay(
                date=day.date,
                kind=day.kind,
                name=day.name_zh,
                name_zh_hans=day.name_zh,
                name_en=day.name_en,
                provisional=True,
            )
            for day in rule_calendar(years)
        ],
        ignore_conflicts=True,
    )


def unload(apps, schema_editor):
    apps.get_model("bookings", "HolidayDay").objects.filter(provisional=True).delete()


class Migration(migrations.Migration):
    dependencies = [("bookings", "0007_booking_events")]

    operations = [
        migrations.AddField(
            model_name="holidayday",
            name="provisional",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "按法定假日规则推算,国务院尚未公布当年的调休安排;公布后载入会替换 Computed from the statutory "
                    "rule before the State Council publishes the year's make-up working days; loading the "
                    "official schedule replaces it"
                ),
                verbose_name="暂定 provisional",
            ),
        ),
        migrations.RunPython(load, unload),
    ]
