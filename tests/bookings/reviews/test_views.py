"""The review pages: the guest's form on a phone, the owner's replies, the staff's queue, and the
averages on the homestay's page, the village page's cards and search."""

import re

import pytest
from django.urls import reverse

from bookings.reviews import services
from bookings.reviews.models import Review
from tests import factories
from tests.bookings.reviews.conftest import RATINGS, photo_upload

pytestmark = pytest.mark.django_db

FORM = {**RATINGS, "text": "枣林里的小院，安静，推荐！"}


def write_url(booking) -> str:
    return reverse("reviews:write", kwargs={"reference": booking.reference})


def test_the_guest_writes_a_review_with_photos(client, stays, guest):
    booking = stays.completed(guest)
    client.force_login(guest)
    page = client.get(write_url(booking))
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.text
    response = client.post(
        write_url(booking), {**FORM, "photos": [photo_upload("a.jpg"), photo_upload("b.jpg")]}
    )
    assert response.status_code == 302
    review = Review.objects.get(booking=booking)
    assert review.photos.count() == 2 and review.status == Review.Status.PUBLISHED
    shown = client.get(write_url(booking))
    assert "枣林里的小院" in shown.text and "<form" not in shown.text.split("我的评价")[1]


def test_a_form_with_missing_stars_is_shown_again_and_saves_nothing(client, stays, guest):
    booking = stays.completed(guest)
    client.force_login(guest)
    response = client.post(write_url(booking), {**FORM, "overall": ""})
    assert response.status_code == 400
    assert not Review.objects.exists()


def test_five_photos_are_refused_on_the_page(client, stays, guest):
    booking = stays.completed(guest)
    client.force_login(guest)
    response = client.post(
        write_url(booking), {**FORM, "photos": [photo_upload(f"{n}.jpg", gps=False) for n in range(5)]}
    )
    assert response.status_code == 400 and "最多上传4张照片" in response.text
    assert not Review.objects.exists()


def test_another_guests_stay_is_404(client, stays, guest):
    booking = stays.completed(guest)
    client.force_login(factories.user())
    assert client.get(write_url(booking)).status_code == 404
    assert client.post(write_url(booking), FORM).status_code == 404
    assert not Review.objects.exists()


def test_a_stay_not_over_says_so_and_refuses(client, stays, guest):
    booking = stays.placed(guest)
    client.force_login(guest)
    page = client.get(write_url(booking))
    assert page.status_code == 200 and "退房以后才能评价" in page.text
    assert client.post(write_url(booking), FORM).status_code == 409
    assert not Review.objects.exists()


def test_the_booking_page_links_to_the_review_once_checked_out(client, stays, guest):
    booking = stays.completed(guest)
    client.force_login(guest)
    detail = client.get(reverse("bookings:detail", kwargs={"reference": booking.reference}))
    assert write_url(booking) in detail.text and "写评价" in detail.text


def test_the_owner_replies_on_the_console(client, stays, guest):
    review = services.review_create(
        booking=stays.completed(guest), user=guest, ratings=RATINGS, text="很好的一次住宿"
    )
    client.force_login(stays.owner)
    listing = client.get(reverse("reviews:owner_list"))
    assert listing.status_code == 200 and "很好的一次住宿" in listing.text
    url = reverse("reviews:owner_reply", kwargs={"review_id": review.pk})
    assert client.post(url, {"reply": "谢谢，欢迎再来！"}).status_code == 302
    again = client.post(url, {"reply": "再来一条回复。"})
    assert again.status_code == 409 and "已经回复过了" in again.text
    assert Review.objects.get(pk=review.pk).reply == "谢谢，欢迎再来！"


def test_a_refused_reply_keeps_what_the_owner_wrote(client, stays, guest):
    review = services.review_create(
        booking=stays.completed(guest), user=guest, ratings=RATINGS, text="很好的一次住宿"
    )
    client.force_login(stays.owner)
    response = client.post(
        reverse("reviews:owner_reply", kwargs={"review_id": review.pk}), {"reply": "便宜房加我微信联系"}
    )
    assert response.status_code == 400 and "便宜房加我微信联系" in response.text
    assert Review.objects.get(pk=review.pk).replied_at is None


def test_staff_hide_and_publish_from_the_queue(client, stays, guest, staff):
    held = services.review_create(
        booking=stays.completed(guest), user=guest, ratings=RATINGS, text="要发票请加微信"
    )
    client.force_login(staff)
    queue = client.get(reverse("reviews:staff_queue"))
    assert queue.status_code == 200 and "要发票请加微信" in queue.text
    client.post(reverse("reviews:staff_publish", kwargs={"review_id": held.pk}))
    assert Review.objects.get(pk=held.pk).status == Review.Status.PUBLISHED
    refused = client.post(reverse("reviews:staff_hide", kwargs={"review_id": held.pk}), {"reason": ""})
    assert refused.status_code == 302 and Review.objects.get(pk=held.pk).status == Review.Status.PUBLISHED
    client.post(reverse("reviews:staff_hide", kwargs={"review_id": held.pk}), {"reason": "广告"})
    hidden = Review.objects.get(pk=held.pk)
    assert (hidden.status, hidden.hidden_reason, hidden.moderated_by) == ("hidden", "广告", staff)


def test_the_homestay_page_village_cards_and_search_show_the_average(client, stays, guest, staff):
    homestay = stays.homestay
    page_url = homestay.get_absolute_url()
    village_url = homestay.village.get_absolute_url()
    assert "条评价" not in client.get(village_url).text  # cached now, before any review
    review = services.review_create(
        booking=stays.completed(guest),
        user=guest,
        ratings={**RATINGS, "overall": 4},
        text="干净整洁，值得推荐",
    )
    page = client.get(page_url)
    assert "干净整洁，值得推荐" in page.text and "4.0" in page.text and "1 条评价" in page.text
    assert "1 条评价" in client.get(village_url).text  # the cached card was renewed
    services.review_hide(review=review, by=staff, reason="测试")
    page = client.get(page_url)
    assert "干净整洁，值得推荐" not in page.text and "1 条评价" not in page.text
    assert "1 条评价" not in client.get(village_url).text


def test_search_offers_the_rating_sort(client, stays):
    response = client.get(reverse("bookings:search"), {"sort": "rating"})
    assert response.status_code == 200 and 'value="rating" selected' in response.text


def test_review_photos_show_as_small_thumbnails_never_the_upload(client, stays, guest, owner, staff):
    booking = stays.completed(guest)
    made = services.review_create(
        booking=booking, user=guest, ratings=dict(RATINGS), text="窑洞很凉快", photos=[photo_upload("a.jpg")]
    )
    upload = made.photos.get().image.url
    pages = [
        (None, stays.homestay.get_absolute_url()),
        (None, reverse("reviews:homestay", kwargs={"homestay_id": stays.homestay.pk})),
        (guest, write_url(booking)),
        (owner, reverse("reviews:owner_list")),
        (staff, reverse("reviews:staff_queue")),
    ]
    for user, url in pages:
        if user is not None:
            client.force_login(user)
        html = client.get(url).text
        assert "窑洞很凉快" in html, url
        assert upload not in html, url  # neither the picture nor its link is the 2,400 px upload
        [tile] = re.findall(r'<img [^>]*alt="客人照片 1"[^>]*>', html)
        assert 'sizes="96px"' in tile and "/thumbs/" in tile and 'loading="lazy"' in tile, url
        size = re.search(r'width="(\d+)" height="(\d+)"', tile)
        assert size is not None and size.group(1) == size.group(2), url  # a square, cropped
        link = re.search(r'<a href="([^"]+)"><picture>', html)
        assert link is not None and "/thumbs/" in link.group(1), url  # the whole picture, resized
