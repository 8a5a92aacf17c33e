"""A homestay owner on a 360 px phone adds a photo of the yard, describes it and makes it the cover;
a tourist on another phone then sees it first in the homestay's gallery and on the village's card, as
a small WebP thumbnail, never the upload itself."""

from io import BytesIO

from PIL import Image
from playwright.sync_api import expect

from tests.translated import translated
from villages.models import Homestay

from .helpers import assert_fits_phone, sign_in

OWNER = "owner@demo.lishi-tourism.cn"
PASSWORD = "lishi-demo-2026"
ALT = "清晨的窑洞院子和枣树"

# What the browser chose among srcset's candidates: its file and its natural size.
CHOSEN = "img => ({src: img.currentSrc, width: img.naturalWidth, loading: img.loading})"


def phone_photo(tmp_path):
    """A 3000 x 2000 phone photo with the GPS position of the owner's house in it."""
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (37.0, 31.0, 12.0)}
    image = Image.new("RGB", (3000, 2000), (196, 150, 96))
    for x in range(0, 3000, 200):
        image.paste((120, 160, 80), (x, 1200, x + 100, 2000))
    buffer = BytesIO()
    image.save(buffer, "JPEG", exif=exif, quality=90)
    path = tmp_path / "院子.jpg"
    path.write_bytes(buffer.getvalue())
    return path


def test_owner_adds_a_cover_photo_and_a_tourist_sees_it_first(phone, open_page, shot, tmp_path):
    from tests.e2e.conftest import PHONE

    homestay = Homestay.objects.get(slug="loess-cave-courtyard")
    name = translated(homestay, "name", "zh-hans")
    demo_photos = homestay.photos.count()
    page = phone
    sign_in(page, OWNER, PASSWORD)
    page.get_by_role("link", name="经营户中心").first.click()
    card = page.locator("section.owner-card", has=page.get_by_role("heading", name=name))
    card.get_by_role("link", name="照片", exact=True).first.click()
    expect(page.get_by_role("heading", name=f"{name} 的照片")).to_be_visible()
    assert_fits_phone(page)

    page.get_by_label("选择照片").set_input_files(phone_photo(tmp_path))
    page.locator("#id_alt_zh_hans").fill(ALT)  # the upload form's; each photo's own are named after it
    shot(page, "photo-chosen")
    page.get_by_role("button", name="上传").click()
    expect(page.get_by_text("照片已上传")).to_be_visible()
    new = page.locator(".owner-photos__item").last
    expect(new.get_by_role("img", name=ALT)).to_be_visible()
    new.get_by_role("button", name="设为封面").click()
    expect(page.get_by_text("已设为封面")).to_be_visible()
    first = page.locator(".owner-photos__item").first
    expect(first.get_by_role("img", name=ALT)).to_be_visible()
    expect(first.get_by_text("封面")).to_be_visible()
    assert_fits_phone(page)
    shot(page, "cover-chosen")
    assert homestay.photos.count() == demo_photos + 1
    assert page.js_errors == []

    tourist = open_page(PHONE)
    tourist.goto(homestay.get_absolute_url())
    gallery = tourist.locator(".gallery").first
    cover = gallery.get_by_role("img", name=ALT)
    expect(cover).to_be_visible()
    assert gallery.locator("img").first.get_attribute("alt") == ALT
    expect(cover).to_have_js_property("complete", True)
    chosen = cover.evaluate(CHOSEN)
    assert chosen["src"].endswith(".webp") and "/thumbs/" in chosen["src"], chosen
    assert 0 < chosen["width"] <= 1200 and chosen["loading"] == "auto"  # the LCP picture is not lazy
    later = gallery.locator("img").nth(1)
    assert later.get_attribute("loading") == "lazy"
    assert tourist.evaluate("document.documentElement.scrollWidth") <= 360
    shot(tourist, "gallery")

    gallery.locator(".gallery__strip").evaluate("strip => strip.scrollBy(strip.clientWidth, 0)")
    expect(later).to_have_js_property("complete", True)
    shot(tourist, "gallery-swiped")

    tourist.goto(homestay.village.get_absolute_url())
    card_photo = tourist.locator("article.card").filter(has_text=name).get_by_role("img", name=ALT)
    card_photo.scroll_into_view_if_needed()
    expect(card_photo).to_have_js_property("complete", True)
    chosen = card_photo.evaluate(CHOSEN)
    assert chosen["src"].endswith(".webp") and chosen["width"] <= 640, chosen
    assert_fits_phone(tourist)
    shot(tourist, "village-card")
    assert tourist.js_errors == []
