"""Backups (django-dbbackup, docs/deployment.md): a restore brings the database and the uploads back to
the moment of the backup, on SQLite (a copy made with SQLite's backup API) and on PostgreSQL (pg_dump's
custom format, put back with pg_restore)."""

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django.db.backends.sqlite3.creation import DatabaseCreation as SQLiteCreation
from PIL import Image

from bookings.errors import NightsUnavailable
from bookings.models import Booking
from bookings.services import booking_cancel, booking_hold
from common.clock import local_today
from tests import factories
from tests.translated import translated
from villages.models import Homestay, Photo

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def database_file(transactional_db):
    if connection.vendor == "sqlite" and SQLiteCreation.is_in_memory_db(connection.settings_dict["NAME"]):
        pytest.skip("恢复需要数据库文件 Restoring needs a database file: set SQLITE_TEST_NAME")


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (180, 120, 60)).save(out, "JPEG")
    return out.getvalue()


def book(room_type, check_in, **fields) -> Booking:
    return booking_hold(
        room_type=room_type,
        check_in=check_in,
        check_out=check_in + timedelta(days=2),
        guests=2,
        user=factories.user(),
        lead_guest_name="张三",
        lead_guest_phone="13800138000",
        payment=Booking.Payment.AT_HOMESTAY,
        **fields,
    )


def test_restore_brings_back_the_bookings_content_and_photos_of_the_backup(database_file, tmp_path, settings):
    room_type = factories.room_type(room_count=1)
    homestay = room_type.homestay
    photo = jpeg()
    gallery_photo = Photo(homestay=homestay)
    gallery_photo.image.save("courtyard.jpg", ContentFile(photo))
    photo_file = Path(settings.MEDIA_ROOT) / (gallery_photo.image.name or "")
    arrival = local_today() + timedelta(days=10)
    kept = book(room_type, arrival)
    db_backup, media_backup = tmp_path / "db.backup", tmp_path / "media.tar"

    call_command("dbbackup", output_path=str(db_backup), verbosity=0)
    call_command("mediabackup", output_path=str(media_backup), verbosity=0)

    booking_cancel(booking=kept, by=Booking.Party.GUEST)
    after_backup = book(room_type, arrival)
    Homestay.objects.filter(pk=homestay.pk).update(name_zh_hans="改错的名字")
    photo_file.unlink()

    call_command("dbrestore", input_path=str(db_backup), interactive=False, verbosity=0)
    call_command("mediarestore", input_path=str(media_backup), interactive=False, verbosity=0)

    restored = Booking.objects.get(reference=kept.reference)
    assert (restored.status, restored.check_in, restored.total) == (kept.status, kept.check_in, kept.total)
    assert not Booking.objects.filter(reference=after_backup.reference).exists()
    with pytest.raises(NightsUnavailable):  # the restored booking holds the only room again
        book(room_type, arrival)
    homestay = Homestay.objects.get(pk=homestay.pk)
    assert translated(homestay, "name", "zh-hans") == translated(room_type.homestay, "name", "zh-hans")
    assert Path(settings.MEDIA_ROOT, homestay.photos.get().image.name or "").read_bytes() == photo
