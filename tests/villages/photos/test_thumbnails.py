"""Pages show resized WebP and JPEG copies of a photo with srcset, sizes, width and height; cards never
load the uploaded file itself; the first picture of a gallery loads at once, the others lazily."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from common.clock import local_today
from tests import factories
from villages.models import News
from villages.photos.thumbnails import SHAPES, photo_picture
from villages.services import news_save

pytestmark = pytest.mark.django_db


def media_file(url: str) -> Path:
    return Path(django_settings.MEDIA_ROOT) / url.removeprefix(django_settings.MEDIA_URL)


def test_each_shape_has_webp_and_jpeg_copies_of_the_right_sizes():
    photo = factories.photo(homestay=factories.homestay(), size=(1600, 1000))

    for name, shape in SHAPES.items():
        picture = photo_picture(photo, name)
        assert picture is not None
        for renditions, image_format in ((picture.webp, "WEBP"), (picture.jpeg, "JPEG")):
            assert [r.width for r in renditions] == list(shape.widths)
            for rendition in renditions:
                # Without a ratio the copy keeps the upload's proportions (1600 x 1000).
                ratio = shape.ratio or (16, 10)
                assert rendition.height == round(rendition.width * ratio[1] / ratio[0])
                with Image.open(media_file(rendition.url)) as image:
                    assert image.format == image_format
                    assert image.size == (rendition.width, rendition.height)


def test_copies_are_much_smaller_than_the_upload():
    photo = factories.photo(homestay=factories.homestay(), size=(1600, 1000))
    picture = photo_picture(photo, "card")
    assert picture is not None

    upload = Path(photo.image.path).stat().st_size
    for rendition in picture.webp:
        assert media_file(rendition.url).stat().st_size < upload
    assert media_file(picture.webp[0].url).stat().st_size < media_file(picture.jpeg[0].url).stat().st_size


def test_a_small_upload_is_not_blown_up():
    photo = factories.photo(homestay=factories.homestay(), size=(500, 300))

    picture = photo_picture(photo, "card")

    assert picture is not None
    assert max(r.width for r in picture.jpeg) <= 500
    assert len({r.width for r in picture.jpeg}) == len(picture.jpeg)  # each width listed once


def test_a_photo_whose_file_is_gone_shows_no_picture_instead_of_failing(client):
    homestay = factories.homestay()
    photo = factories.photo(homestay=homestay)
    Path(photo.image.path).unlink()

    assert photo_picture(photo, "card") is None
    response = client.get(homestay.village.get_absolute_url())
    assert response.status_code == 200
    assert "<picture" not in response.text


def img_tags(html: str) -> list[str]:
    return re.findall(r"<img [^>]*>", html)


def test_card_has_webp_source_jpeg_srcset_sizes_and_dimensions_and_is_lazy(client):
    homestay = factories.homestay()
    factories.photo(homestay=homestay, alt_zh_hans="窑洞小院的清晨")

    html = client.get(homestay.village.get_absolute_url()).text

    assert '<source type="image/webp" srcset="' in html
    [card] = [tag for tag in img_tags(html) if "card__photo" in tag]
    assert 'alt="窑洞小院的清晨"' in card
    assert 'loading="lazy"' in card and 'sizes="' in card
    assert re.search(r'width="480" height="320"', card)
    srcset = re.search(r'srcset="([^"]+)"', card)
    assert srcset is not None
    assert [item.split()[-1] for item in srcset.group(1).split(", ")] == ["320w", "480w", "640w"]
    assert all(".jpg" in item for item in srcset.group(1).split(", "))


def test_cards_never_load_the_uploaded_file(client):
    homestay = factories.homestay()
    photo = factories.photo(homestay=homestay)
    factories.photo(village=homestay.village)

    for url in ("/", "/villages/", homestay.village.get_absolute_url()):
        html = client.get(url).text
        assert photo.image.url not in html, url


def test_gallery_first_picture_loads_at_once_and_the_rest_lazily(client):
    homestay = factories.homestay()
    photos = [factories.photo(homestay=homestay, alt_zh_hans=f"第{n}张") for n in range(3)]

    html = client.get(homestay.get_absolute_url()).text

    gallery = [tag for tag in img_tags(html) if "gallery__photo" in tag]
    assert [re.search(r'alt="([^"]*)"', tag).group(1) for tag in gallery] == ["第0张", "第1张", "第2张"]  # type: ignore[union-attr]
    assert 'fetchpriority="high"' in gallery[0] and "loading=" not in gallery[0]
    assert all('loading="lazy"' in tag for tag in gallery[1:])
    assert all('width="800" height="533"' in tag for tag in gallery)
    assert photos[0].image.url not in html


def test_english_pages_use_the_english_alt_text(client):
    homestay = factories.homestay()
    factories.photo(homestay=homestay, alt_zh_hans="枣树", alt_en="The jujube tree")

    html = client.get(f"/en{homestay.get_absolute_url()}").text

    assert 'alt="The jujube tree"' in html


def test_attraction_village_and_room_galleries_show_on_their_pages(client):
    room = factories.room_type()
    homestay = room.homestay
    attraction = factories.attraction(village=homestay.village)
    factories.photo(village=homestay.village, alt_zh_hans="村口的老槐树")
    factories.photo(attraction=attraction, alt_zh_hans="大殿")
    factories.photo(room_type=room, alt_zh_hans="土炕")

    assert 'alt="村口的老槐树"' in client.get(homestay.village.get_absolute_url()).text
    assert 'alt="大殿"' in client.get(attraction.get_absolute_url()).text
    room_html = client.get(homestay.get_absolute_url()).text
    [room_tag] = [tag for tag in img_tags(room_html) if 'alt="土炕"' in tag]
    assert 'loading="lazy"' in room_tag  # a room's pictures are below the fold


def test_a_cover_chosen_shows_first_on_cards(client):
    homestay = factories.homestay()
    factories.photo(homestay=homestay, alt_zh_hans="旧封面", position=0)
    factories.photo(homestay=homestay, alt_zh_hans="新封面", position=1)
    from villages.photos.services import gallery, photo_make_cover

    photo_make_cover(photo=gallery(homestay)[1])

    html = client.get(homestay.village.get_absolute_url()).text
    [card] = [tag for tag in img_tags(html) if "card__photo" in tag]
    assert 'alt="新封面"' in card


def upload(name: str) -> ContentFile:
    return ContentFile(factories.image_bytes((1600, 1000)), name=name)


def test_news_covers_are_thumbnails_on_the_village_page_the_list_and_the_article(client):
    village = factories.village()
    news = News(village=village, title_zh_hans="葫芦文化节开幕", status=News.Status.PUBLISHED)
    news.published_at = timezone.now() - timedelta(hours=1)
    news.cover.save("cover.jpg", upload("cover.jpg"), save=False)
    news = news_save(news=news)
    original = news.cover.url

    for url, css_class in (
        (village.get_absolute_url(), "card__photo"),
        (reverse("villages:news_list", kwargs={"slug": village.slug}), "card__photo"),
        (news.get_absolute_url(), "hero-photo"),
    ):
        html = client.get(url).text
        assert original not in html, url
        [tag] = [tag for tag in img_tags(html) if css_class in tag]
        assert "/thumbs/" in tag and "srcset=" in tag, url


def test_an_events_picture_is_a_thumbnail_loaded_at_once(client):
    from tests.events.helpers import event

    today = local_today()
    shown = event(starts_on=today, ends_on=today + timedelta(days=3))
    shown.photo.save("event.jpg", upload("event.jpg"))

    html = client.get(shown.get_absolute_url()).text

    assert shown.photo.url not in html
    [tag] = [tag for tag in img_tags(html) if "event-photo" in tag]
    assert "/thumbs/" in tag and "srcset=" in tag and 'fetchpriority="high"' in tag
    assert f'alt="{shown.title}"' in tag


def test_a_products_picture_is_a_thumbnail_with_webp_and_srcset(client):
    from tests.shop.factories import product

    sold = product()
    sold.photo.save("dates.jpg", upload("dates.jpg"))

    for url in (reverse("shop:product_list"), reverse("shop:product_detail", args=[sold.pk])):
        html = client.get(url).text
        assert sold.photo.url not in html, url
        [tag] = [tag for tag in img_tags(html) if "shop-photo" in tag]
        assert "/thumbs/" in tag and "srcset=" in tag and f'alt="{sold.name}"' in tag, url
        assert '<source type="image/webp"' in html, url


def test_the_picture_tag_without_a_file_shows_nothing(client):
    village = factories.village()
    news_save(
        news=News(
            village=village,
            title_zh_hans="没有封面的消息",
            status=News.Status.PUBLISHED,
            published_at=timezone.now() - timedelta(hours=1),
        )
    )
    html = client.get(reverse("villages:news_list", kwargs={"slug": village.slug})).text
    assert "没有封面的消息" in html and "card__photo" not in html
