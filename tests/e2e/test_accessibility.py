"""axe-core (bundled by ``axe-playwright-python``) on the main pages of every role at 360 px: no serious
or critical violation. A failure lists each rule with the elements it found."""

import io
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from bookings.models import Booking
from bookings.reviews.services import review_create
from common.clock import local_today
from events.models import Event
from villages.demo.accounts import DEFAULT_DEMO_PASSWORD
from villages.models import Attraction, Homestay, RoomType, Route

from .helpers import sign_in, stay_completed

BLOCKING = {"serious", "critical"}
OWNER = "owner@demo.lishi-tourism.cn"
STAFF = "staff@demo.lishi-tourism.cn"


def blocking_violations(page) -> list[str]:
    page.wait_for_load_state("load")
    results = Axe().run(page)
    return [
        f"{page.url} {violation['id']} ({violation['impact']}): {violation['help']} -> "
        + "; ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        for violation in results.response["violations"]
        if violation["impact"] in BLOCKING
    ]


# Controls a finger taps, smaller than 44 x 44 CSS px: buttons, fields, the calendar's days, links in the
# page and in navigation (the map's legend and the breadcrumbs included), the summaries that open a
# <details>, and radio buttons and check boxes measured with their label (the label takes the tap too).
# A link inside running text is exempt, as WCAG 2.5.8 ("Inline") allows: a link whose own parent also
# holds words of the sentence (a village's name in "严村 · 信义镇") is as tall as the line by design.
SMALL_TARGETS = """[...document.querySelectorAll(
  'main button, main select, main input:not([type=hidden]), main .pcal__pick, main a, main summary, nav a')]
  .filter(e => e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden')
  .filter(e => !e.closest('.leaflet-container, .visually-hidden'))
  .filter(e => !(e.tagName === 'A' && [...e.parentElement.childNodes].some(
    n => n !== e && n.nodeType === Node.TEXT_NODE && /[^\\s·|,，、。:：;；()（）]/.test(n.textContent))))
  .map(e => {
    let r = e.getBoundingClientRect();
    if ((e.type === 'radio' || e.type === 'checkbox') && e.labels && e.labels.length) {
      const l = e.labels[0].getBoundingClientRect();
      r = {width: Math.max(r.right, l.right) - Math.min(r.left, l.left),
           height: Math.max(r.bottom, l.bottom) - Math.min(r.top, l.top)};
    }
    return [e, r];
  })
  .filter(([e, r]) => r.width < 44 || r.height < 44)
  .map(([e, r]) => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}.${e.className} `
    + `"${(e.textContent || e.value || '').trim().slice(0, 20)}" `
    + `${Math.round(r.width)}x${Math.round(r.height)}`)"""


def small_targets(page) -> list[str]:
    return [f"{page.url} tap target under 44 px: {target}" for target in page.evaluate(SMALL_TARGETS)]


def check(page, paths: list[str]) -> None:
    found = []
    for path in paths:
        response = page.goto(path)
        assert response is not None and response.status == 200, (path, response and response.status)
        found += blocking_violations(page) + small_targets(page)
    assert found == [], "\n".join(found)


def _room_type() -> RoomType:
    homestay = Homestay.objects.get(slug="loess-cave-courtyard")
    room_type = RoomType.objects.filter(homestay=homestay, is_active=True).order_by("order", "pk").first()
    assert room_type is not None
    return room_type


def _tourist():
    tourist = get_user_model().objects.create_user("zhaolei", "zhaolei@example.cn", "jujube-cave-2026")
    EmailAddress.objects.create(user=tourist, email=tourist.email, verified=True, primary=True)
    return tourist


def _photo_upload() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (1600, 1200), (150, 120, 80)).save(buffer, format="JPEG")
    return SimpleUploadedFile("courtyard.jpg", buffer.getvalue(), content_type="image/jpeg")


def _review(booking: Booking, tourist) -> None:
    """The stay reviewed with a photo, through the review service as the page does."""
    review_create(
        booking=booking,
        user=tourist,
        ratings={"overall": 5, "cleanliness": 4, "host": 5, "location": 4, "value": 5},
        text="窑洞冬暖夏凉，院子里的枣树很漂亮。",
        photos=[_photo_upload()],
    )


@pytest.mark.parametrize("role", ["tourist", "owner", "staff"])
def test_main_pages_of_each_role_have_no_serious_accessibility_violation(phone, role):
    page = phone
    room_type = _room_type()
    check_in = local_today() + timedelta(days=10)
    stay = f"check_in={check_in}&check_out={check_in + timedelta(days=room_type.min_nights)}&guests=1"
    if role == "tourist":
        call_command("seed_shop", verbosity=0)
        call_command("seed_events", verbosity=0)
        route = Route.objects.filter(is_published=True, village__slug="dujiashan").first()
        event = Event.objects.filter(is_published=True).first()
        assert route is not None and event is not None
        check(
            page,
            [
                "/",
                "/villages/",
                "/villages/dujiashan/",
                Attraction.objects.get(slug="anguo-temple").get_absolute_url(),
                route.get_absolute_url(),
                room_type.homestay.get_absolute_url(),
                reverse("bookings:price_calendar", args=[room_type.pk]),
                f"{reverse('bookings:search')}?{stay}",
                "/plan/",
                reverse("shop:product_list"),
                reverse("events:list"),
                event.get_absolute_url(),
            ],
        )
        tourist = _tourist()
        sign_in(page, "zhaolei@example.cn", "jujube-cave-2026")
        # The page after signing in carries the message list ("signed in as ...").
        page.locator(".messages li").first.wait_for()
        assert blocking_violations(page) == []
        book = reverse("bookings:book", args=[room_type.pk])
        booking = stay_completed(room_type, tourist)
        check(
            page,
            [
                f"{book}?{stay}",
                reverse("bookings:my_bookings"),
                reverse("me"),
                reverse("reviews:write", kwargs={"reference": booking.reference}),
            ],
        )
        _review(booking, tourist)
        check(
            page,
            [
                room_type.homestay.get_absolute_url(),  # now with a review and its photo
                reverse("reviews:homestay", kwargs={"homestay_id": room_type.homestay_id}),
            ],
        )
    elif role == "owner":
        tourist = _tourist()
        _review(stay_completed(room_type, tourist), tourist)
        sign_in(page, OWNER, DEFAULT_DEMO_PASSWORD)
        check(
            page,
            [
                reverse("owner:dashboard"),
                reverse("owner:room_calendar", args=[room_type.pk]),
                reverse("owner:booking_list"),
                reverse("reviews:owner_list"),
                reverse("owner:homestay_photos", args=[room_type.homestay_id]),
                reverse("owner:room_type_photos", args=[room_type.pk]),
            ],
        )
    else:
        tourist = _tourist()
        _review(stay_completed(room_type, tourist), tourist)
        sign_in(page, STAFF, DEFAULT_DEMO_PASSWORD)
        check(page, ["/group/", reverse("reviews:staff_queue")])
