"""The phone's chrome at 360 px: a one-row header even when signed in with a console, the tab bar
(首页 / 村庄 / 行程 / 我的) with big targets, the homestay's price-and-book bar, and the booking page's
total and button on the first screen."""

import re
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from common.clock import local_today
from villages.demo.accounts import DEFAULT_DEMO_PASSWORD
from villages.models import Homestay, RoomType

from .helpers import assert_fits_phone, sign_in

TAB_BAR = "底部导航"


def in_first_screen(locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 740


def test_signed_in_owner_has_a_one_row_header_and_the_tab_bar(phone, shot):
    page = phone
    owner = Homestay.objects.get(slug="loess-cave-courtyard").owner
    assert owner is not None
    sign_in(page, owner.email, DEFAULT_DEMO_PASSWORD)
    page.goto("/")
    header = page.locator(".site-header").bounding_box()
    assert header is not None and header["height"] <= 60, header
    expect(page.locator(".site-header").get_by_role("link", name="经营户中心")).to_be_visible()

    tabs = page.get_by_role("navigation", name=TAB_BAR).get_by_role("link")
    expect(tabs).to_have_text(["首页", "村庄", "行程", "我的"])
    for tab in tabs.all():
        box = tab.bounding_box()
        assert box is not None and box["height"] >= 44 and box["width"] >= 44, box
        assert in_first_screen(tab)
    expect(tabs.first).to_have_attribute("aria-current", "page")
    assert_fits_phone(page)
    shot(page, "home-signed-in")

    tabs.last.click()
    expect(page).to_have_url(re.compile(r"/me/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("我的")
    menu = page.get_by_role("navigation", name="我的", exact=True)
    for name in ("我的预订", "经营户中心", "通知设置", "手机号"):
        expect(menu.get_by_role("link", name=name)).to_be_visible()
    expect(page.get_by_role("navigation", name=TAB_BAR).get_by_role("link", name="我的")).to_have_attribute(
        "aria-current", "page"
    )
    assert_fits_phone(page)
    shot(page, "me")
    page.get_by_role("button", name="退出登录").click()
    page.goto("/")
    page.get_by_role("navigation", name=TAB_BAR).get_by_role("link", name="我的").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    assert page.js_errors == []


def test_homestay_and_booking_pages_keep_price_and_button_on_the_first_screen(phone, shot):
    page = phone
    homestay = Homestay.objects.get(slug="loess-cave-courtyard")
    page.goto(homestay.get_absolute_url())
    bar = page.get_by_role("complementary", name="预订")
    expect(bar).to_be_visible()
    assert in_first_screen(bar.get_by_role("link", name="选择房型"))
    expect(bar).to_contain_text("起/晚")
    expect(page.get_by_role("navigation", name=TAB_BAR)).to_be_hidden()
    bar.get_by_role("link", name="选择房型").click()
    expect(page.get_by_role("heading", level=2, name="房型")).to_be_in_viewport()
    shot(page, "homestay-bar")

    tourist = get_user_model().objects.create_user("lihua", "lihua@example.cn", "jujube-cave-2026")
    EmailAddress.objects.create(user=tourist, email=tourist.email, verified=True, primary=True)
    sign_in(page, "lihua@example.cn", "jujube-cave-2026")
    room = RoomType.objects.get(homestay=homestay, name_zh_hans="窑洞大床房")
    first_night = local_today() + timedelta(days=12)
    stay = f"check_in={first_night}&check_out={first_night + timedelta(days=2)}&guests=2&rooms=1"
    page.goto(f"/stays/{room.pk}/book/?{stay}")
    total = page.get_by_role("complementary", name="应付总价")
    expect(total).to_contain_text("¥")
    assert in_first_screen(total.get_by_role("button", name="提交预订"))
    assert_fits_phone(page)
    shot(page, "booking-bar")
    page.get_by_label("联系人姓名").fill("李华")
    page.get_by_label("手机号码").fill("13912345678")
    page.get_by_label("到店付款").check()
    total.get_by_role("button", name="提交预订").click()
    expect(page.get_by_text("已确认").first).to_be_visible()
    assert page.js_errors == []


def test_breadcrumbs_stay_on_one_line_and_cut_the_long_name(phone):
    page = phone
    homestay = Homestay.objects.get(slug="loess-cave-courtyard")
    Homestay.objects.filter(pk=homestay.pk).update(
        name_zh_hans="黄土高原上的窑洞院落民宿（枣林深处，可看日出与星空）"
    )
    page.goto(homestay.get_absolute_url())
    crumbs = page.get_by_role("navigation", name="当前位置").locator("li")
    boxes = [crumb.bounding_box() for crumb in crumbs.all()]
    tops = {round(box["y"] + box["height"] / 2) for box in boxes if box}
    assert len(tops) == 1, tops
    assert_fits_phone(page)
