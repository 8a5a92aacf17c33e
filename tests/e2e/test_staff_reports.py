"""A member of the group staff opens the reports on a phone, picks a period and downloads a report as an
Excel workbook."""

from playwright.sync_api import expect

from tests.xlsx import first_sheet

from .helpers import assert_fits_phone, sign_in

STAFF = "staff@demo.lishi-tourism.cn"
PASSWORD = "lishi-demo-2026"


def test_staff_open_the_reports_on_a_phone_and_download_the_workbook(phone, shot):
    page = phone
    sign_in(page, STAFF, PASSWORD)
    page.goto("/group/")
    page.get_by_role("link", name="报表").click()
    expect(page.get_by_role("heading", name="报表", level=1)).to_be_visible()
    page.get_by_label("时段").select_option(label="自选日期")
    page.get_by_label("从", exact=True).fill("2026-01-01")
    page.get_by_label("到(含)").fill("2026-03-31")
    page.get_by_role("button", name="查看").click()
    expect(page.get_by_text("2026-01-01 至 2026-03-31")).to_be_visible()
    for title in ("游客人次和人夜", "游客来源地", "分板块收入"):
        expect(page.get_by_role("heading", name=title)).to_be_visible()
    assert_fits_phone(page)
    shot(page, "reports-phone")

    revenue = page.locator("#report-revenue")
    with page.expect_download() as download:
        revenue.get_by_role("link", name="下载 Excel").click()
    assert download.value.suggested_filename == "revenue-by-sector-20260101-20260331.xlsx"
    sheet = first_sheet(download.value.path().read_bytes())
    assert [cell.value for cell in sheet[1]] == ["村庄", "板块", "2026-01", "2026-02", "2026-03", "合计"]
    assert [cell.value for cell in sheet[2]][:2] == ["Village", "Sector"]
    assert page.js_errors == []
