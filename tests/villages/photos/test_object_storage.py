"""Media on S3-compatible object storage (Aliyun OSS, Tencent COS, MinIO speak the S3 protocol), against
a real S3 server started here (moto's server mode, over HTTP on 127.0.0.1): the settings read from the
environment as in production, an owner's upload through the console, and its thumbnails read back
from the addresses the page gives."""

import json
import os
import re
import subprocess
import sys
import urllib.request
import uuid
from io import BytesIO

import boto3
import pytest
from django.urls import reverse
from django.utils.functional import empty
from moto.server import ThreadedMotoServer
from PIL import Image
from sorl.thumbnail import default as sorl_default
from sorl.thumbnail.images import get_or_create_storage

from tests import factories
from tests.factories import image_upload
from tourism.settings import BASE_DIR

pytestmark = pytest.mark.django_db

KEYS = {"MEDIA_S3_ACCESS_KEY_ID": "LTAI-test-key", "MEDIA_S3_SECRET_ACCESS_KEY": "test-secret"}


def settings_from_environment(**environment: str) -> dict:
    """``STORAGES``, ``MEDIA_HOSTS`` and ``SERVE_MEDIA`` as a fresh process computes them from these
    variables: exactly what a deployment gets."""
    code = (
        "import json, tourism.settings as s;"
        "print(json.dumps({'storage': s.STORAGES['default'], 'img_src': s.SECURE_CSP['img-src'],"
        " 'serve_media': s.SERVE_MEDIA}, default=str))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MEDIA_S3_")}
    result = subprocess.run(  # noqa: S603 - this interpreter, a fixed program
        [sys.executable, "-c", code],
        env={**clean, **environment},
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def _forget_storages() -> None:
    """Django forgets its storages when STORAGES changes; sorl-thumbnail's own memo must too."""
    get_or_create_storage.cache_clear()
    sorl_default.storage._wrapped = empty


@pytest.fixture
def bucket(s3_endpoint, settings):
    name = f"lishi-media-{uuid.uuid4().hex[:8]}"
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id=KEYS["MEDIA_S3_ACCESS_KEY_ID"],
        aws_secret_access_key=KEYS["MEDIA_S3_SECRET_ACCESS_KEY"],
    )
    client.create_bucket(Bucket=name)
    configured = settings_from_environment(
        MEDIA_S3_BUCKET=name,
        MEDIA_S3_ENDPOINT_URL=s3_endpoint,
        MEDIA_S3_REGION="us-east-1",
        MEDIA_S3_ADDRESSING_STYLE="path",
        # Anyone may read the photos (as a public-read bucket policy would say): the server checks it.
        MEDIA_S3_DEFAULT_ACL="public-read",
        **KEYS,
    )
    settings.STORAGES = {**settings.STORAGES, "default": configured["storage"]}
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    _forget_storages()
    yield client, name
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    _forget_storages()


def test_the_environment_chooses_object_storage_and_its_public_address():
    configured = settings_from_environment(
        MEDIA_S3_BUCKET="lishi-media",
        MEDIA_S3_ENDPOINT_URL="https://oss-cn-beijing.aliyuncs.com",
        MEDIA_S3_CUSTOM_DOMAIN="img.lishi-tourism.example",
        **KEYS,
    )

    storage = configured["storage"]
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"]["bucket_name"] == "lishi-media"
    assert storage["OPTIONS"]["endpoint_url"] == "https://oss-cn-beijing.aliyuncs.com"
    assert storage["OPTIONS"]["custom_domain"] == "img.lishi-tourism.example"
    assert storage["OPTIONS"]["querystring_auth"] is False
    assert "https://img.lishi-tourism.example" in configured["img_src"]
    assert configured["serve_media"] is False  # the bucket serves the photos, not Django


def test_without_a_bucket_media_stay_on_disk():
    configured = settings_from_environment()

    assert configured["storage"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert configured["serve_media"] is True


def test_an_owner_uploads_a_photo_to_the_bucket_and_the_page_serves_its_thumbnails_from_there(
    bucket, client, django_capture_on_commit_callbacks, s3_endpoint
):
    s3, name = bucket
    owner = factories.user()
    homestay = factories.homestay(owner=owner)
    client.force_login(owner)
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (37.0, 31.0, 12.0)}  # the GPS position of the owner's house

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("owner:homestay_photos", kwargs={"pk": homestay.pk}),
            {"image": image_upload(exif=exif), "alt_zh_hans": "院子", "alt_en": "The yard"},
        )

    assert response.status_code == 302
    photo = homestay.photos.get()
    keys = {item["Key"] for item in s3.list_objects_v2(Bucket=name)["Contents"]}
    assert f"media/{photo.image.name}" in keys
    original = s3.get_object(Bucket=name, Key=f"media/{photo.image.name}")
    assert original["CacheControl"] == "public, max-age=31536000, immutable"
    with Image.open(BytesIO(original["Body"].read())) as uploaded:
        assert uploaded.size == (1600, 800)
        assert dict(uploaded.getexif()) == {}
    assert any(key.startswith("media/thumbs/") and key.endswith(".webp") for key in keys)  # made after commit

    page = client.get(homestay.get_absolute_url()).text
    webp = re.search(r'<source type="image/webp" srcset="([^"]+)"', page)
    assert webp is not None
    urls = [item.rsplit(" ", 1) for item in webp.group(1).split(", ")]
    assert urls and all(url.startswith(f"{s3_endpoint}/{name}/media/thumbs/") for url, _w in urls)
    for url, width in urls:
        with urllib.request.urlopen(url, timeout=10) as answer:
            content = answer.read()
        with Image.open(BytesIO(content)) as thumbnail:
            assert thumbnail.format == "WEBP"
            assert f"{thumbnail.width}w" == width
    assert f"/{photo.image.name}" not in page  # the upload itself is never on the page


def test_deleting_a_photo_removes_it_and_its_thumbnails_from_the_bucket(
    bucket, client, django_capture_on_commit_callbacks
):
    s3, name = bucket
    owner = factories.user()
    homestay = factories.homestay(owner=owner)
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("owner:homestay_photos", kwargs={"pk": homestay.pk}), {"image": image_upload()})
    photo = homestay.photos.get()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("owner:photo_action", kwargs={"pk": photo.pk, "action": "delete"}))

    assert s3.list_objects_v2(Bucket=name).get("KeyCount", 0) == 0
