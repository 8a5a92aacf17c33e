"""Ledger entries carry their booking's homestay and arrival date (bookings/ledger.py), and the group
dashboard gets its indexes. The entries already written get the copies here: the one time the ledger's
rows are updated, so on PostgreSQL the append-only trigger is switched off for this statement alone."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery

import bookings.revenue.sql

TRIGGER = "bookings_ledgerentry_append_only"


def ledger_booking_facts_copy(apps, schema_editor):
    LedgerEntry = apps.get_model("bookings", "LedgerEntry")
    Booking = apps.get_model("bookings", "Booking")
    booking = Booking.objects.filter(pk=OuterRef("booking_id"))
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        schema_editor.execute(f"ALTER TABLE bookings_ledgerentry DISABLE TRIGGER {TRIGGER}")
    LedgerEntry.objects.filter(booking__isnull=False).update(
        homestay_id=Subquery(booking.values("homestay_id")),
        arrival=Subquery(booking.values("check_in")),
    )
    if postgres:
        # Check the new foreign keys now: a table with checks still pending cannot be altered.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        schema_editor.execute(f"ALTER TABLE bookings_ledgerentry ENABLE TRIGGER {TRIGGER}")
        schema_editor.execute("SET CONSTRAINTS ALL DEFERRED")


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0005_revenue"),
        ("villages", "0002_time_defaults"),
    ]

    operations = [
        migrations.AddField(
            model_name="ledgerentry",
            name="arrival",
            field=models.DateField(blank=True, null=True, verbose_name="入住日期 arrival"),
        ),
        migrations.AddField(
            model_name="ledgerentry",
            name="homestay",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="villages.homestay",
                verbose_name="民宿 homestay",
            ),
        ),
        migrations.RunPython(ledger_booking_facts_copy, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="ledgerentry",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("arrival__isnull", True), ("booking__isnull", True), ("homestay__isnull", True)
                    ),
                    models.Q(
                        ("arrival__isnull", False), ("booking__isnull", False), ("homestay__isnull", False)
                    ),
                    _connector="OR",
                ),
                name="ledger_entry_booking_facts",
            ),
        ),
        migrations.AddIndex(
            model_name="ledgerentry",
            index=models.Index(
                bookings.revenue.sql.MonthStart("arrival"),
                models.F("homestay"),
                models.F("account"),
                models.F("kind"),
                models.F("arrival"),
                models.F("amount"),
                condition=models.Q(
                    ("account__in", ("platform_commission", "village_collective", "owner_payable")),
                    models.Q(("account", "cash_provider"), ("kind__in", ("refund", "refund_failed"))),
                    _connector="OR",
                ),
                name="ledger_entry_reported",
            ),
        ),
        migrations.AddIndex(
            model_name="booking",
            index=models.Index(
                bookings.revenue.sql.MonthStart("check_in"),
                models.F("homestay"),
                models.F("status"),
                models.F("check_in"),
                models.F("confirmed_at"),
                models.F("total"),
                models.F("check_out"),
                models.F("created_at"),
                condition=models.Q(("confirmed_at__isnull", False)),
                name="booking_report",
            ),
        ),
        migrations.AddIndex(
            model_name="booking",
            index=models.Index(fields=["status", "check_out", "check_in"], name="booking_status_check_out"),
        ),
        migrations.AddIndex(
            model_name="roomnight",
            index=models.Index(
                bookings.revenue.sql.MonthStart("night"),
                models.F("room_type"),
                models.F("night"),
                models.F("rooms_total"),
                models.F("rooms_closed"),
                name="room_night_report",
            ),
        ),
        migrations.AddIndex(
            model_name="bookingnight",
            index=models.Index(
                bookings.revenue.sql.MonthStart("night"),
                models.F("room_type"),
                models.F("night"),
                models.F("booking"),
                models.F("rooms"),
                models.F("price"),
                name="booking_night_report",
            ),
        ),
    ]
