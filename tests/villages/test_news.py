"""Village news (村庄动态): staff write it in the admin, its HTML is cleaned to an allow-list on every save,
the public reads only what is published, and the village page shows the latest three at once."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from tests import factories
from tests.translated import translated
from tests.villages.test_views import freeze
from villages.models import News
from villages.richtext import rich_text_clean
from villages.roles import GROUP_STAFF
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


def village_page(client, village) -> str:
    response = client.get(reverse("villages:village_detail", kwargs={"slug": village.slug}))
    assert response.status_code == 200
    return response.text


# --- sanitising ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dirty", "gone"),
    [
        ("<p>hi<script>alert('x')</script></p>", "alert"),
        ('<p onclick="steal()">hi</p>', "steal"),
        ('<img src="/media/news/a.jpg" onerror="steal()" alt="a">', "steal"),
        ('<a href="javascript:steal()">hi</a>', "javascript"),
        ('<a href="JaVaScRiPt:steal()">hi</a>', "steal"),
        ('<p style="background:url(https://evil.example/x)">hi</p>', "evil"),
        ("<style>p { color: red }</style><p>hi</p>", "color"),
        ('<iframe src="https://evil.example/"></iframe>', "evil"),
        ('<img src="https://evil.example/track.gif" alt="">', "evil"),
        ('<img src="//evil.example/media/x.jpg" alt="">', "evil"),
        ('<img src="data:image/png;base64,AAAA" alt="">', "data:"),
        ('<a href="data:text/html,<script>x</script>">hi</a>', "data:"),
        ('<p class="x" id="y">hi</p>', 'class="x"'),
        ("<form action=/x><input name=a></form>", "input"),
    ],
)
def test_dangerous_html_is_removed(dirty, gone):
    assert gone.lower() not in rich_text_clean(dirty).lower()


def test_the_allowed_html_stays_and_links_get_noopener_nofollow():
    clean = rich_text_clean(
        "<h3>活动</h3><p><strong>十月</strong><em>开幕</em><br></p><ul><li>一</li></ul><ol><li>二</li></ol>"
        '<h4>小</h4><blockquote>引</blockquote><a href="https://example.com/x" target="_blank">链接</a>'
        '<img src="/media/news/2026/05/a.jpg" alt="葫芦">'
    )
    for kept in ("<h3>", "<strong>", "<em>", "<br>", "<ul>", "<ol>", "<li>", "<h4>", "<blockquote>"):
        assert kept in clean
    assert '<a href="https://example.com/x" rel="noopener nofollow">链接</a>' in clean
    assert 'target="_blank"' not in clean
    assert '<img src="/media/news/2026/05/a.jpg" alt="葫芦">' in clean


def test_the_media_bucket_domain_counts_as_our_own(settings):
    settings.MEDIA_S3_CUSTOM_DOMAIN = "img.lishi.example"
    assert 'src="https://img.lishi.example/news/a.jpg"' in rich_text_clean(
        '<img src="https://img.lishi.example/news/a.jpg" alt="">'
    )


def test_saving_cleans_the_body_in_every_language_and_keeps_the_first_author():
    writer, editor = factories.user(is_staff=True), factories.user(is_staff=True)
    item = news_save(
        news=News(
            village=factories.village(),
            title_zh_hans="标题",
            body_zh_hans='<p onmouseover="x()">中文<script>bad()</script></p>',
            body_en='<p style="color:red">English<a href="javascript:bad()">x</a></p>',
        ),
        author=writer,
    )
    item.refresh_from_db()
    assert translated(item, "body", "zh-hans") == "<p>中文</p>"
    assert translated(item, "body", "en") == '<p>English<a rel="noopener nofollow">x</a></p>'
    assert item.author == writer
    news_save(news=item, author=editor)
    item.refresh_from_db()
    assert item.author == writer


# --- pages -----------------------------------------------------------------------------------------


def test_the_list_shows_published_news_newest_first_and_never_drafts_or_future_news(client):
    village = factories.village()
    news(village, title="较早的消息", ago=timedelta(days=3))
    news(village, title="最新的消息", ago=timedelta(hours=1))
    news(village, title="还在写的草稿", status=News.Status.DRAFT)
    news(village, title="明天才发布", ago=timedelta(days=-1))
    news(factories.village(), title="别的村的消息")
    response = client.get(reverse("villages:news_list", kwargs={"slug": village.slug}))
    assert response.status_code == 200
    text = response.text
    assert text.index("最新的消息") < text.index("较早的消息")
    for hidden in ("还在写的草稿", "明天才发布", "别的村的消息"):
        assert hidden not in text


def test_the_news_page_shows_the_cleaned_body_in_english_too(client):
    village = factories.village()
    item = news(village, body_zh_hans="<p><strong>开幕</strong></p>", body_en="<p><em>Opening</em></p>")
    url = reverse("villages:news_detail", kwargs={"slug": village.slug, "pk": item.pk})
    assert "<strong>开幕</strong>" in client.get(url).text
    english = client.get("/en" + url)
    assert "<em>Opening</em>" in english.text
    assert "葫芦文化节开幕 (en)" in english.text


@pytest.mark.parametrize("case", ["draft", "future", "other_village", "unpublished_village", "missing"])
def test_news_the_public_may_not_read_is_not_found(client, case):
    village = factories.village()
    item = news(
        village,
        status=News.Status.DRAFT if case == "draft" else News.Status.PUBLISHED,
        ago=timedelta(days=-1) if case == "future" else timedelta(hours=1),
    )
    slug, pk = village.slug, item.pk
    if case == "other_village":
        slug = factories.village().slug
    if case == "unpublished_village":
        village.is_published = False
        village.save()
    if case == "missing":
        pk += 1000
    response = client.get(reverse("villages:news_detail", kwargs={"slug": slug, "pk": pk}))
    assert response.status_code == 404
    assert item.title not in response.text


def test_the_list_of_an_unpublished_village_is_not_found(client):
    village = factories.village(is_published=False)
    assert client.get(reverse("villages:news_list", kwargs={"slug": village.slug})).status_code == 404


def test_the_list_pages_by_twenty(client):
    village = factories.village()
    for n in range(21):
        news(village, title=f"消息{n:02d}", ago=timedelta(hours=n + 1))
    url = reverse("villages:news_list", kwargs={"slug": village.slug})
    first, second = client.get(url).text, client.get(url + "?page=2").text
    assert "消息00" in first and "消息20" not in first
    assert "消息20" in second
    assert client.get(url + "?page=abc").status_code == 200


# --- the village page and its cached fragment ------------------------------------------------------


def test_the_village_page_shows_the_latest_three(client):
    village = factories.village()
    for n in range(4):
        news(village, title=f"第{n}条", ago=timedelta(days=n + 1))
    text = village_page(client, village)
    assert text.index("第0条") < text.index("第1条") < text.index("第2条")
    assert "第3条" not in text
    assert reverse("villages:news_list", kwargs={"slug": village.slug}) in text


def test_the_cached_village_page_shows_news_as_soon_as_it_changes(client):
    village = factories.village()
    assert "村庄动态" not in village_page(client, village)
    assert "村庄动态" not in village_page(client, village)  # now from the cache
    item = news(village, title="新消息", status=News.Status.DRAFT)
    assert "新消息" not in village_page(client, village)
    item.status = News.Status.PUBLISHED
    news_save(news=item)
    assert "新消息" in village_page(client, village)
    item.title_zh_hans = "改过的标题"
    news_save(news=item)
    text = village_page(client, village)
    assert "改过的标题" in text and "新消息" not in text
    item.delete()
    assert "改过的标题" not in village_page(client, village)


# --- the admin -------------------------------------------------------------------------------------


def test_staff_write_news_in_the_admin_and_the_body_is_cleaned(client):
    staff = factories.user(is_staff=True, is_superuser=True)
    client.force_login(staff)
    village = factories.village()
    response = client.post(
        reverse("admin:villages_news_add"),
        {
            "village": village.pk,
            "title_zh_hans": "严村葫芦展",
            "title_en": "Gourd show",
            "summary_zh_hans": "",
            "summary_en": "",
            "body_zh_hans": '<p>欢迎<script>alert(1)</script><a href="javascript:x()">报名</a></p>',
            "body_en": '<p onclick="x()">Welcome</p>',
            "status": "published",
            "published_at_0": "2026-05-01",
            "published_at_1": "09:00:00",
        },
    )
    assert response.status_code == 302, response.text[:2000]
    item = News.objects.get()
    assert translated(item, "body", "zh-hans") == '<p>欢迎<a rel="noopener nofollow">报名</a></p>'
    assert translated(item, "body", "en") == "<p>Welcome</p>"
    assert item.author == staff
    assert "严村葫芦展" in village_page(client, village)


def test_the_group_staff_may_write_news_in_the_admin(client):
    call_command("staff_group_sync", verbosity=0)
    member = factories.user(is_staff=True)
    member.groups.add(Group.objects.get(name=GROUP_STAFF))
    client.force_login(member)
    assert client.get(reverse("admin:villages_news_add")).status_code == 200
    client.force_login(factories.user(is_staff=True))  # staff outside the group
    assert client.get(reverse("admin:villages_news_add")).status_code == 403
