from io import BytesIO

import pytest
from django.urls import reverse
from PIL import Image

from events.models import Event
from tests import factories

pytestmark = pytest.mark.django_db


def test_an_event_photo_uploaded_in_the_admin_is_made_web_sized(admin_client):
    village = factories.village()
    upload = factories.image_upload(name="poster.png", size=(3000, 1500), image_format="PNG")

    response = admin_client.post(
        reverse("admin:events_event_add"),
        {
            "village": village.pk,
            "slug": "gourd-art",
            "kind": "exhibition",
            "title_zh_hans": "葫芦文化艺术展",
            "place_zh_hans": "葫芦文化园",
            "starts_on": "2026-09-02",
            "ends_on": "2026-09-03",
            "is_published": "on",
            "photo": upload,
            "slots-TOTAL_FORMS": "0",
            "slots-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    event = Event.objects.get()
    with Image.open(BytesIO(event.photo.read())) as image:
        assert image.format == "JPEG"
        assert image.width < 3000
    assert (event.latitude, event.longitude) == (village.latitude, village.longitude)


def test_group_staff_publish_events_and_read_tickets_in_the_admin(client, staff):
    staff.is_staff = True
    staff.save()
    client.force_login(staff)

    assert client.get(reverse("admin:events_event_add")).status_code == 200
    assert client.get(reverse("admin:events_ticket_changelist")).status_code == 200
    assert client.get(reverse("admin:events_ticket_add")).status_code == 403
