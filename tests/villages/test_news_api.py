"""Village news in the API: published news of published villages only, newest first, bodies cleaned to
the allow-list even for a row written around the service; and the demo news ``make run`` seeds."""

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from tests import factories
from tests.villages.test_views import freeze
from villages.demo.news import NEWS
from villages.models import News
from villages.services import news_save

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 5, 1, 2, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _frozen(monkeypatch):
    freeze(monkeypatch, NOW)


def news(village, *, title="葫芦文化节开幕", status=News.Status.PUBLISHED, ago=timedelta(hours=1), **fields):
    fields.setdefault("title_en", f"{title} (en)")
    fields.setdefault("body_zh_hans", "<p>正文</p>")
    return news_save(
        news=News(village=village, title_zh_hans=title, status=status, published_at=NOW - ago, **fields)
    )


@pytest.fixture
def village():
    return factories.village(slug="yancun")


def test_the_list_has_only_published_news_of_published_villages_newest_first(client, village):
    older = news(village, title="旧闻", ago=timedelta(days=2))
    newer = news(village, title="新闻")
    news(village, title="草稿", status=News.Status.DRAFT)
    news(village, title="明天发布", ago=-timedelta(hours=5))
    news(factories.village(slug="hidden", is_published=False), title="未发布村庄")

    listed = client.get("/api/news").json()

    assert [item["id"] for item in listed["items"]] == [newer.pk, older.pk]
    assert listed["items"][0]["title"] == {"zh": "新闻", "en": "新闻 (en)"}
    assert listed["items"][0]["village"] == "yancun"
    assert listed["items"][0]["url"] == f"/villages/yancun/news/{newer.pk}/"
    assert "body" not in listed["items"][0]


def test_a_village_filter_and_the_villages_own_list(client, village):
    mine = news(village)
    news(factories.village(slug="guihua"), title="归化新闻")

    assert [n["id"] for n in client.get("/api/news?village=yancun").json()["items"]] == [mine.pk]
    assert client.get("/api/news?village=nowhere").json()["items"] == []
    own = client.get("/api/villages/yancun/news").json()["items"]
    assert [n["id"] for n in own] == [mine.pk] and own[0]["body"]["zh"] == "<p>正文</p>"
    assert client.get("/api/villages/nowhere/news").status_code == 404
    assert client.get("/api/villages/bad%20slug/news").status_code == 422


def test_a_body_written_around_the_service_is_still_cleaned_on_the_way_out(client, village):
    piece = news(village)
    News.objects.filter(pk=piece.pk).update(
        body_zh_hans='<p onclick="steal()">hi<script>alert(1)</script></p><img src="https://evil.example/x.png">'
    )

    body = client.get(f"/api/news/{piece.pk}").json()["body"]

    assert body["zh"].startswith("<p>hi</p>") and "steal" not in body["zh"]
    assert "alert" not in body["zh"] and "evil.example" not in body["zh"]
    assert body["en"] == body["zh"]  # no English body: the Chinese one


def test_a_draft_or_unknown_piece_is_not_found(client, village):
    draft = news(village, status=News.Status.DRAFT)

    assert client.get(f"/api/news/{draft.pk}").status_code == 404
    assert client.get("/api/news/999999").status_code == 404
    assert client.get("/api/news/0").status_code == 422


def test_the_news_operations_are_in_the_openapi_document(client):
    paths = client.get("/api/openapi.json").json()["paths"]

    assert {"/api/news", "/api/news/{id}", "/api/villages/{slug}/news"} <= set(paths)


def test_the_demo_news_is_seeded_once_marked_demo_and_published(client):
    for seed in NEWS:
        factories.village(slug=seed.village)

    out = StringIO()
    call_command("seed_news", stdout=out)
    call_command("seed_news", stdout=out)

    assert News.objects.count() == len(NEWS) == 6
    assert set(News.objects.values_list("is_demo", "status").distinct()) == {(True, News.Status.PUBLISHED)}
    assert "news added: 6" in out.getvalue() and "news added: 0" in out.getvalue()
    page = client.get("/villages/yancun/news/").content.decode()
    assert "葫芦文化艺术展" in page and "演示" in page
    body = client.get("/api/villages/yancun/news").json()["items"][0]["body"]
    assert "演示内容" in body["zh"] and "Demo content" in body["en"]


def test_seeding_skips_villages_that_do_not_exist():
    factories.village(slug="yancun")

    call_command("seed_news", stdout=StringIO())

    assert list(News.objects.values_list("village__slug", flat=True)) == ["yancun"]
