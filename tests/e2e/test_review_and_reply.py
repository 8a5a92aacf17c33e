"""On a 360 px phone, a guest who has checked out rates the stay, writes a few words and adds a photo;
the owner, on a phone too, replies once; the homestay's page then shows the average, the review, its
photo and the reply."""

import io
import re
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from PIL import Image
from playwright.sync_api import expect

from bookings.models import Booking
from villages.models import Homestay, RoomType

from .helpers import assert_fits_phone, sign_in, stay_completed

OWNER = "owner@demo.lishi-tourism.cn"
DEMO_PASSWORD = "lishi-demo-2026"
GUEST_PASSWORD = "loess-2026-pass"


def _photo(tmp_path):
    path = tmp_path / "courtyard.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 900), (180, 140, 90)).save(buffer, format="JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def test_a_guest_reviews_the_stay_and_the_owner_replies(phone, open_page, shot, tmp_path):
    from .conftest import PHONE

    room = RoomType.objects.get(homestay__slug="loess-cave-courtyard", name_zh_hans="窑洞大床房")
    tourist = get_user_model().objects.create_user("liuyang", "liuyang@example.cn", GUEST_PASSWORD)
    EmailAddress.objects.create(user=tourist, email=tourist.email, verified=True, primary=True)
    booking = stay_completed(room, tourist)
    assert booking.status == Booking.Status.COMPLETED

    page = phone
    sign_in(page, tourist.email, GUEST_PASSWORD)
    page.goto(f"/bookings/{booking.reference}/")
    page.get_by_role("link", name="写评价").click()
    expect(page.get_by_role("heading", name="评价住宿")).to_be_visible()
    assert_fits_phone(page)
    for legend, stars in (("总体评分", "5"), ("卫生", "4"), ("房东", "5"), ("位置", "4"), ("性价比", "5")):
        page.get_by_role("group", name=legend).get_by_role("radio", name=f"{stars} ★").check()
    page.get_by_label("写下您的体验").fill("窑洞冬暖夏凉，院子里的枣树很漂亮，房东做的小米粥很香。")
    page.get_by_label("照片（可选）").set_input_files(_photo(tmp_path))
    shot(page, "review-filled")
    page.get_by_role("button", name="发布评价").click()

    expect(page.get_by_text("谢谢您的评价，已经发布。")).to_be_visible()
    expect(page.get_by_text("院子里的枣树很漂亮")).to_be_visible()
    expect(page.locator(".review__photos img")).to_have_count(1)
    assert_fits_phone(page)
    shot(page, "review-published")
    assert page.js_errors == []

    owner_page = open_page(PHONE)
    sign_in(owner_page, OWNER, DEMO_PASSWORD)
    owner_page.goto("/owner/")
    owner_page.get_by_role("link", name="评价", exact=True).click()
    expect(owner_page.get_by_text("院子里的枣树很漂亮")).to_be_visible()
    assert_fits_phone(owner_page)
    owner_page.get_by_label("回复").fill("谢谢刘先生，欢迎秋天再来摘枣！")
    owner_page.get_by_role("button", name="发布回复").click()
    expect(owner_page.get_by_text("回复已发布。")).to_be_visible()
    expect(owner_page.get_by_role("button", name="发布回复")).to_have_count(0)  # once only
    assert_fits_phone(owner_page)
    shot(owner_page, "owner-replied")
    assert owner_page.js_errors == []

    homestay = Homestay.objects.get(pk=room.homestay_id)
    page.goto(homestay.get_absolute_url())
    section = page.locator("section", has=page.get_by_role("heading", name="住客评价"))
    expect(section.get_by_text("院子里的枣树很漂亮")).to_be_visible()
    expect(section.get_by_text("欢迎秋天再来摘枣")).to_be_visible()
    expect(page.locator(".page-header .rating")).to_contain_text(re.compile(r"5\.0/5 · 1 条评价"))
    assert_fits_phone(page)
    shot(page, "homestay-page")
    assert (homestay.rating_average, homestay.review_count) == (Decimal("5.00"), 1)
    assert page.js_errors == []
