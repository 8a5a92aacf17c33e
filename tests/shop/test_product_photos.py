"""Producers put a photo of their product on the shop from the console, on a phone: checked and made
ready for the web like the owners' gallery photos (resized, upright, no location data); another
producer's product is 404; a bad file is explained and changes nothing."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from shop.models import Product
from tests import factories
from tests.shop import factories as shop

pytestmark = pytest.mark.django_db


@pytest.fixture
def seller():
    return factories.user()


@pytest.fixture
def dates(seller):
    return shop.product(producer=shop.producer(users=[seller]), name_zh_hans="红枣")


def url(product) -> str:
    return f"/producer/products/{product.pk}/photo/"


def test_a_phone_photo_is_resized_stripped_of_its_location_and_shown(client, seller, dates):
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (37.0, 31.0, 12.0)}  # GPS of the producer's house
    client.force_login(seller)

    response = client.post(url(dates), {"photo": factories.image_upload(size=(4000, 3000), exif=exif)})

    assert response.status_code == 302 and response.url.endswith(f"#product-{dates.pk}")
    photo = Product.objects.get(pk=dates.pk).photo
    with Image.open(photo.path) as saved:
        assert dict(saved.getexif()) == {}
        assert saved.format == "JPEG" and saved.size[0] <= 1600
    page = client.get("/producer/products/").content.decode()
    assert "换一张照片" in page and 'class="shop-photo"' in page
    assert 'class="shop-photo"' in client.get(f"/shop/products/{dates.pk}/").content.decode()


def test_a_new_photo_replaces_the_old_file(client, seller, dates, django_capture_on_commit_callbacks):
    client.force_login(seller)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(dates), {"photo": factories.image_upload()})
    first = Path(Product.objects.get(pk=dates.pk).photo.path)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(dates), {"photo": factories.image_upload()})

    assert not first.exists()
    assert Path(Product.objects.get(pk=dates.pk).photo.path).exists()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (lambda: SimpleUploadedFile("photo.jpg", b"this is not a picture"), "无法识别"),
        (lambda: factories.image_upload("anim.gif", (10, 10), "GIF"), "JPEG、PNG或WebP"),
        (lambda: None, "请选择一张照片"),
    ],
)
def test_a_bad_upload_is_explained_and_changes_nothing(client, seller, dates, upload, message):
    client.force_login(seller)
    data = {"photo": upload()} if upload() is not None else {}

    response = client.post(url(dates), data, follow=True)

    assert message in response.content.decode()
    assert not Product.objects.get(pk=dates.pk).photo


def test_another_producers_product_is_not_found(client, dates):
    client.force_login(shop.producer(users=[factories.user()]).users.get())

    assert client.post(url(dates), {"photo": factories.image_upload()}).status_code == 404
    assert not Product.objects.get(pk=dates.pk).photo
