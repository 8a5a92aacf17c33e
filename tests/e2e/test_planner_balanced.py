"""On a 360 px phone a tourist finds places with the picker's search box (grouped by village), marks five
of them must-see for a three-day trip and gets them spread over the three days, the summary first."""

from datetime import timedelta

from playwright.sync_api import expect

from common.clock import local_today
from tests.translated import translated
from villages.models import Attraction

from .helpers import assert_fits_phone, fill_date

# The whole trip form at 360 px, every village folded (about 1,700 px): the start map, six village
# names, dates, pace.
FORM_HEIGHT_LIMIT = 2_200
MUSTS = (
    "anguo-temple",
    "gourd-culture-park",
    "gourd-hall-of-fame",
    "ancient-courtyards",
    "integrity-culture-hall",
)


def test_five_must_sees_over_three_days_are_balanced(phone, shot):
    page = phone
    names = [translated(Attraction.objects.get(slug=slug), "name", "zh-hans") for slug in MUSTS]
    page.goto("/plan/")
    search = page.get_by_label("搜索景点或村庄")
    expect(search).to_be_visible()
    assert_fits_phone(page)

    for name in names:
        search.fill(name[:3])
        pick = page.locator("li.pick:not(.pick--route)", has_text=name)
        expect(pick).to_be_visible()
        pick.locator("input[name=attraction]").check()
        pick.locator("input[name=must_attraction]").check()
    search.fill("安国")
    expect(page.locator("li.pick:not(.pick--route)", has_text="安国寺")).to_be_visible()
    expect(page.locator("details.pick-village:visible")).not_to_have_count(6)  # others filtered out
    search.fill("没有这样的地方xyz")
    expect(page.get_by_role("status")).to_contain_text("没有找到")
    for name in names:  # ticked places stay in sight whatever is typed
        expect(page.locator("li.pick:not(.pick--route)", has_text=name)).to_be_visible()
    shot(page, "picker-search")
    search.fill("")

    page.get_by_label("出发地", exact=True).select_option(label="离石城区")
    fill_date(page.get_by_label("第一天"), local_today() + timedelta(days=21))
    page.get_by_label("天数").fill("3")
    page.get_by_role("button", name="生成行程").click()

    expect(page.get_by_role("heading", name="您的行程")).to_be_visible()
    days = page.locator("article.plan-day")
    expect(days).to_have_count(3)
    for index in range(3):
        expect(days.nth(index).locator(".plan-stop")).not_to_have_count(0)
    expect(page.locator(".plan-stop")).to_have_count(5)
    summary = page.locator(".plan__summary")
    assert summary.bounding_box()["y"] < days.first.bounding_box()["y"]
    assert_fits_phone(page)
    shot(page, "balanced-plan")
    assert page.js_errors == []


def test_the_picker_folds_each_village_so_the_form_is_short_on_a_phone(phone):
    page = phone
    page.goto("/plan/")
    groups = page.locator("details.pick-village")
    expect(groups).to_have_count(6)
    expect(page.locator("details.pick-village[open]")).to_have_count(0)
    expect(page.locator("li.pick:not(.pick--route)", has_text="安国寺")).to_be_hidden()
    form = page.locator("form.planner-form").bounding_box()
    assert form is not None and form["height"] < FORM_HEIGHT_LIMIT, form  # 5,400 px before the folding

    # A tap on the village's name opens its places; the search opens the group that has a match.
    page.locator("details.pick-village", has_text="杜家山村").locator("summary").click()
    temple = page.locator("li.pick:not(.pick--route)", has_text="安国寺")
    expect(temple).to_be_visible()
    temple.locator("input[name=attraction]").check()
    search = page.get_by_label("搜索景点或村庄")
    search.fill("葫芦文化")
    expect(page.locator("li.pick:not(.pick--route)", has_text="葫芦文化园")).to_be_visible()
    search.fill("")
    expect(page.locator("li.pick:not(.pick--route)", has_text="葫芦文化园")).to_be_hidden()  # folded again
    expect(temple).to_be_visible()  # its group has a ticked place

    fill_date(page.get_by_label("第一天"), local_today() + timedelta(days=21))
    page.get_by_role("button", name="生成行程").click()
    expect(page.get_by_role("heading", name="您的行程")).to_be_visible()
    # On the plan's page the group with the ticked place is open, the others folded.
    expect(page.locator("details.pick-village[open]")).to_have_count(1)
    expect(page.locator("details.pick-village[open]")).to_contain_text("已选 1")
    assert page.js_errors == []
