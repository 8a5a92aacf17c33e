"""The English UI catalogue: complete, compiled, and really used on the English pages.

UI strings are written in Chinese (the msgid); locale/en/LC_MESSAGES/django.po gives their English.
"""

import gettext
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone, translation

from tests import factories
from villages.models import Attraction, Homestay, Honour, OpeningException

LC_MESSAGES = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]+")
LANGUAGE_SWITCH = re.compile(r'<nav class="lang-switch".*?</nav>', re.DOTALL)
ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


@dataclass
class Entry:
    msgctxt: str = ""
    msgid: str = ""
    msgid_plural: str = ""
    msgstrs: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", lambda match: ESCAPES[match.group(1)], text.strip()[1:-1])


def po_entries(path: Path) -> list[Entry]:
    """Every entry of a .po file, the header (empty msgid) first; obsolete ``#~`` entries are skipped."""
    entries = []
    for block in path.read_text(encoding="utf-8").strip().split("\n\n"):
        entry, key = Entry(), ""
        parts: dict[str, str] = {}
        for line in block.splitlines():
            if line.startswith("#,"):
                entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith('"'):
                parts[key] += _unquote(line)
            elif not line.startswith("#"):
                key, _, rest = line.partition(" ")
                parts[key] = _unquote(rest)
        if "msgid" in parts:
            entry.msgid = parts["msgid"]
            entry.msgctxt = parts.get("msgctxt", "")
            entry.msgid_plural = parts.get("msgid_plural", "")
            entry.msgstrs = [value for name, value in parts.items() if name.startswith("msgstr")]
            entries.append(entry)
    return entries


ENTRIES = po_entries(LC_MESSAGES / "django.po")
MESSAGES = [entry for entry in ENTRIES if entry.msgid]


def test_the_english_catalogue_has_the_ui_strings():
    assert len(MESSAGES) > 300
    assert any(entry.msgid == "首页" for entry in MESSAGES)


def test_every_ui_string_has_an_english_translation():
    untranslated = [
        entry.msgid
        for entry in MESSAGES
        if not entry.msgstrs or not all(msgstr.strip() for msgstr in entry.msgstrs) or "fuzzy" in entry.flags
    ]

    assert untranslated == []


def test_english_translations_contain_no_chinese():
    chinese = [entry.msgid for entry in MESSAGES if any(CJK.search(msgstr) for msgstr in entry.msgstrs)]

    assert chinese == []


def test_the_catalogue_header_is_final_and_says_english():
    header = ENTRIES[0]

    assert header.msgid == ""
    assert "fuzzy" not in header.flags
    assert "Language: en\n" in header.msgstrs[0]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header.msgstrs[0]


def compiled_translation(catalogue: gettext.GNUTranslations, entry: Entry) -> list[str]:
    if entry.msgid_plural:
        return [catalogue.ngettext(entry.msgid, entry.msgid_plural, n) for n in (1, 2)]
    if entry.msgctxt:
        return [catalogue.pgettext(entry.msgctxt, entry.msgid)]
    return [catalogue.gettext(entry.msgid)]


def test_the_committed_mo_file_matches_the_po_file():
    with open(LC_MESSAGES / "django.mo", "rb") as file:
        catalogue = gettext.GNUTranslations(file)

    stale = [entry.msgid for entry in MESSAGES if compiled_translation(catalogue, entry) != entry.msgstrs]

    assert stale == []


def chinese_outside_the_language_switch(html: str) -> list[str]:
    """Each run of Chinese characters left in ``html`` once the language switch is removed, with context."""
    html = LANGUAGE_SWITCH.sub("", html)
    return [html[max(match.start() - 40, 0) : match.end() + 40] for match in CJK.finditer(html)]


@pytest.fixture
def english_village(db):
    """A village whose every shown field has English content, with one of each thing a village page shows."""
    village = factories.village(
        themes=[factories.theme()],
        story_zh_hans="古院落修缮一新。",
        story_en="The old courtyards are restored.",
    )
    Honour.objects.create(village=village, title_zh_hans="省级荣誉", title_en="Provincial honour", year=2021)
    attraction = factories.attraction(
        village=village,
        kind=Attraction.Kind.TEMPLE,
        heritage_level=Attraction.HeritageLevel.NATIONAL,
        ticket_price=Decimal("30.00"),
        visit_minutes=90,
        description_zh_hans="金代古寺。",
        description_en="A temple from the Jin dynasty.",
    )
    OpeningException.objects.create(
        attraction=attraction, date=timezone.localdate(), note_zh_hans="庙会", note_en="Temple fair"
    )
    free = factories.attraction(village=village, ticket_price=Decimal("0.00"), visit_minutes=30)
    homestay = factories.homestay(
        village=village,
        description_zh_hans="老院子。",
        description_en="An old courtyard house.",
        house_rules_zh_hans="请勿吸烟。",
        house_rules_en="No smoking, please.",
        amenities=["Wi-Fi", "Heated kang bed"],
        phone="+86 358 000 0000",
        instant_book=False,
        cancellation_policy=Homestay.CancellationPolicy.STRICT,
    )
    factories.room_type(
        homestay=homestay,
        capacity=1,
        beds_zh_hans="单人床",
        beds_en="Single bed",
        weekend_price=Decimal("260.00"),
        holiday_price=Decimal("320.00"),
    )
    factories.route(village=village, stops=[attraction, free])
    return village


ENGLISH_PAGES = {
    "home": lambda village: "/en/",
    "village list": lambda village: "/en/villages/",
    "village list of a theme": lambda village: f"/en/villages/?theme={village.themes.get().slug}",
    "village": lambda village: village.get_absolute_url(),
    "attraction": lambda village: village.attractions.first().get_absolute_url(),
    "homestay": lambda village: village.homestays.get().get_absolute_url(),
    "route": lambda village: village.routes.get().get_absolute_url(),
    "log in": lambda village: "/en/accounts/login/",
}


@pytest.mark.parametrize("page", ENGLISH_PAGES)
def test_english_pages_show_no_chinese_outside_the_language_switch(client, english_village, page):
    with translation.override("en"):
        url = ENGLISH_PAGES[page](english_village)

    response = client.get(url)

    assert url.startswith("/en/")
    assert response.status_code == 200
    assert chinese_outside_the_language_switch(response.text) == []


@pytest.mark.django_db
def test_english_not_found_page_shows_no_chinese_outside_the_language_switch(client):
    response = client.get("/en/villages/no-such-village/")

    assert response.status_code == 404
    assert chinese_outside_the_language_switch(response.text) == []


@pytest.mark.django_db
def test_english_village_list_explains_an_unknown_theme_in_english(client):
    response = client.get("/en/villages/?theme=no-such-theme")

    assert "There is no theme called “no-such-theme”" in response.text
    assert chinese_outside_the_language_switch(response.text) == []


def test_english_pages_keep_the_chinese_name_in_the_language_switch(client, english_village):
    response = client.get(f"/en/villages/{english_village.slug}/")

    assert response.status_code == 200
    assert "简体中文" in response.text
    assert chinese_outside_the_language_switch(response.text) == []


@pytest.mark.django_db
def test_chinese_pages_still_show_the_chinese_ui(client):
    response = client.get("/villages/")

    assert "离石乡村旅游重点村" in response.text
    assert "Key rural-tourism villages" not in response.text


def test_a_hardcoded_chinese_heading_is_caught():
    html = '<nav class="lang-switch"><a lang="zh-Hans">简体中文</a></nav><h1>村庄</h1>'

    assert chinese_outside_the_language_switch(html) == ["<h1>村庄</h1>"]
