"""Dividends to member households (入股农户), on phones: a member of the group staff registers a household
linked to a villager's account, declares a dividend for 彩家庄村 and last month, checks the split before
confirming it, and records the bank transfer; the villager then reads their statement on their phone."""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management import call_command
from playwright.sync_api import expect

from common.clock import local_today
from shareholders.models import Allocation, HouseholdPayout

from .conftest import PHONE
from .helpers import assert_fits_phone, sign_in

STAFF = "staff@demo.lishi-tourism.cn"
PASSWORD = "lishi-demo-2026"
MEMBER_EMAIL, MEMBER_PASSWORD = "zhangdashan@example.cn", "jujube-2026-pass"


def test_staff_declare_and_pay_a_dividend_and_the_household_reads_it(open_page, shot):
    call_command("seed_shareholders", verbosity=0)
    member = get_user_model().objects.create_user("zhangdashan", MEMBER_EMAIL, MEMBER_PASSWORD)
    EmailAddress.objects.create(user=member, email=MEMBER_EMAIL, verified=True, primary=True)
    today = local_today()
    end = today.replace(day=1) - timedelta(days=1)
    start = end.replace(day=1)

    staff = open_page(PHONE)
    sign_in(staff, STAFF, PASSWORD)
    staff.goto("/group/shareholders/")
    staff.get_by_role("link", name="彩家庄村").click()
    expect(staff.get_by_role("heading", level=1)).to_contain_text("彩家庄村股东名册")
    form = staff.locator("#add-shareholder")
    form.get_by_label("户主姓名或名称").fill("张大山")
    form.get_by_label("身份证号码").fill("11010519491231002X")
    form.get_by_label("银行账号").fill("6222020200112233445")
    form.get_by_label("关联账号(用户名或邮箱,可不填)").fill(MEMBER_EMAIL)
    form.get_by_label("股数").fill("6")
    form.get_by_label("入股日期").fill((start - timedelta(days=30)).isoformat())
    form.get_by_role("button", name="登记").click()
    expect(staff.get_by_text("已登记股东 张大山")).to_be_visible()
    expect(staff.get_by_text("1101**********002X")).to_be_visible()
    assert "11010519491231002X" not in staff.content()
    assert_fits_phone(staff)
    shot(staff, "register")

    staff.get_by_role("link", name="宣告一期分红").click()
    staff.get_by_label("分红期从").fill(start.isoformat())
    staff.get_by_label("到(含)").fill(end.isoformat())
    staff.get_by_label("来自村集体分成(元)").fill("0")
    staff.get_by_label("集团追加(元)").fill("1000.00")
    staff.get_by_role("button", name="预览分配").click()
    split = staff.locator("#split")
    expect(split.locator("tr", has_text="张大山")).to_be_visible()
    expect(split.locator("tfoot")).to_contain_text("¥1,000.00")
    assert not Allocation.objects.exists()  # only a preview so far
    assert_fits_phone(staff)
    shot(staff, "preview")

    staff.get_by_role("button", name="确认宣告").click()
    expect(staff.get_by_text("分红已宣告")).to_be_visible()
    allocation = Allocation.objects.get(shareholder__name="张大山")
    card = staff.locator("#allocations li", has_text="张大山")
    expect(card).to_contain_text(f"¥{allocation.amount:,.2f}")
    card.get_by_label("银行转账单号").fill("ICBC-20260101-7")
    card.get_by_role("button", name="登记已支付").click()
    expect(staff.locator("#allocations li", has_text="张大山")).to_contain_text("已支付")
    assert HouseholdPayout.objects.get().reference == "ICBC-20260101-7"
    assert_fits_phone(staff)
    shot(staff, "paid")

    household = open_page(PHONE)
    sign_in(household, MEMBER_EMAIL, MEMBER_PASSWORD)
    household.goto("/me/dividends/")
    expect(household.get_by_role("heading", name="我的分红")).to_be_visible()
    expect(household.get_by_text(f"{start.isoformat()} – {end.isoformat()}")).to_contain_text(
        f"¥{allocation.amount:,.2f}"
    )
    expect(household.get_by_text("已支付").first).to_be_visible()
    expect(household.get_by_text("6222***********3445")).to_be_visible()
    assert "股份经济合作社" not in household.locator("main").inner_text()  # nobody else's part
    assert_fits_phone(household)
    shot(household, "statement")
    assert household.js_errors == [] and staff.js_errors == []
