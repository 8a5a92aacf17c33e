from django.core.management.base import BaseCommand

from bookings.holidays import holidays_load, holidays_load_provisional, package_years
from common.clock import local_today


class Command(BaseCommand):
    help = (
        "载入法定节假日和调休安排 Load statutory holidays and make-up working days: the official ones from "
        "chinesecalendar, provisional ones by rule (holidays package) for years it does not know yet"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "years",
            nargs="*",
            type=int,
            help="years to load (default: every year chinesecalendar knows, and this year and the next two)",
        )

    def handle(self, *args, years, **options):
        known = package_years()
        this_year = local_today().year
        wanted = years or sorted(set(known) | set(range(this_year, this_year + 3)))
        unknown = sorted(set(wanted) - set(known))
        added = holidays_load(years=[year for year in wanted if year in known])
        self.stdout.write(f"新增官方安排 {added} 天 Added {added} official days")
        if unknown:
            provisional = holidays_load_provisional(years=unknown)
            self.stdout.write(
                f"chinesecalendar 还不知道 {', '.join(map(str, unknown))} 年,按规则暂定 {provisional} 天,"
                f"请在国务院公布后核对 does not know {', '.join(map(str, unknown))} yet: added {provisional} "
                f"provisional days by rule, to check when the State Council publishes the year"
            )
