from django.core.management.base import BaseCommand

from bookings.holidays import holidays_load, package_years


class Command(BaseCommand):
    help = "载入法定节假日和调休安排 Load statutory holidays and make-up working days from chinesecalendar"

    def add_arguments(self, parser):
        parser.add_argument("years", nargs="*", type=int, help="years to load (default: every year known)")

    def handle(self, *args, years, **options):
        known = package_years()
        unknown = sorted(set(years) - set(known))
        if unknown:
            self.stderr.write(
                f"chinesecalendar 不知道这些年份 does not know these years: {', '.join(map(str, unknown))}"
                f" (known: {known[0]}–{known[-1]})"
            )
        added = holidays_load(years=[year for year in years if year in known] if years else None)
        self.stdout.write(f"新增 {added} 天 Added {added} days")
