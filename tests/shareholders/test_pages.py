"""The staff pages and the member's statement: what each person sees, what a form does, privacy."""

from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from shareholders.models import Allocation, DividendDeclaration, HouseholdPayout, Shareholder
from shareholders.services import declaration_declare, declaration_draft, household_payout_record
from tests import factories
from tests.shareholders.conftest import SEPTEMBER, D

pytestmark = pytest.mark.django_db
PRIVATE = ("11010519491231002X", "6222020200112233445", "13912345678", "142301198001011234")


def declared(register):
    declaration = declaration_draft(
        village=register["collective"].village,
        period=SEPTEMBER,
        collective_amount=D("20.00"),
        group_amount=D("10.00"),
    )
    declaration_declare(declaration=declaration)
    return declaration


def assert_private_hidden(content: bytes) -> None:
    text = content.decode("utf-8", errors="replace")
    for number in PRIVATE:
        assert number not in text


def test_the_register_shows_masked_numbers_only(staff_client, register):
    response = staff_client.get(reverse("shareholders:register", args=[register["zhang"].village.slug]))
    assert response.status_code == 200
    assert "张大山" in response.text and "1101**********002X" in response.text
    assert_private_hidden(response.content)


def test_staff_register_a_household_with_its_first_holding(staff_client, earned, member):
    url = reverse("shareholders:register", args=[earned.slug])
    response = staff_client.post(
        url,
        {
            "kind": "household",
            "name": "王二",
            "id_number": "110105194912310029",
            "bank_account": "6222 0000 1111 2222",
            "account": member.username,
            "shares": "3",
            "entered_on": "2026-09-10",
        },
    )
    assert response.status_code == 302
    wang = Shareholder.objects.get(name="王二")
    assert (wang.user, wang.bank_account, wang.holdings.get().shares) == (member, "6222000011112222", 3)
    page = staff_client.get(url)
    assert "6222000011112222" not in page.text and "6222" in page.text


def test_a_second_collective_is_refused_with_a_message(staff_client, register):
    url = reverse("shareholders:register", args=[register["zhang"].village.slug])
    response = staff_client.post(
        url, {"kind": "collective", "name": "又一个", "shares": "1", "entered_on": "2026-09-10"}
    )
    assert response.status_code == 400
    assert "已登记村集体股东" in response.text
    assert Shareholder.objects.filter(kind="collective").count() == 1


def test_an_unknown_account_is_refused(staff_client, earned):
    response = staff_client.post(
        reverse("shareholders:register", args=[earned.slug]),
        {"kind": "household", "name": "赵", "account": "nobody", "shares": "1", "entered_on": "2026-09-10"},
    )
    assert response.status_code == 400
    assert not Shareholder.objects.exists()


def test_declare_previews_then_declares(staff_client, register):
    village = register["zhang"].village
    response = staff_client.post(
        reverse("shareholders:declare", args=[village.slug]),
        {"start": "2026-09-01", "end": "2026-09-08", "collective_amount": "20.00", "group_amount": "10.00"},
    )
    assert response.status_code == 302
    declaration = DividendDeclaration.objects.get()
    preview = staff_client.get(response["Location"])
    assert preview.status_code == 200
    assert "确认宣告" in preview.text and "¥10.00" in preview.text and "¥3.33" in preview.text
    assert not Allocation.objects.exists()
    staff_client.post(reverse("shareholders:declaration_declare", args=[declaration.pk]))
    again = staff_client.post(reverse("shareholders:declaration_declare", args=[declaration.pk]), follow=True)
    assert "之前已宣告" in again.text
    assert Allocation.objects.count() == 3


def test_declaring_more_than_the_collective_earned_says_how_much_it_earned(staff_client, register):
    response = staff_client.post(
        reverse("shareholders:declare", args=[register["zhang"].village.slug]),
        {"start": "2026-09-01", "end": "2026-09-08", "collective_amount": "25.00", "group_amount": "0"},
    )
    assert response.status_code == 400
    assert "¥20.00" in response.text
    assert not DividendDeclaration.objects.exists()


def test_recording_a_payout_from_the_page(staff_client, register, staff):
    declaration = declared(register)
    zhang = Allocation.objects.get(shareholder=register["zhang"])
    url = reverse("shareholders:payout_record", args=[zhang.pk])
    staff_client.post(url, {"paid_on": "2026-09-09", "reference": "ICBC-778"})
    again = staff_client.post(url, {"paid_on": "2026-09-09", "reference": "ICBC-779"}, follow=True)
    assert "之前已登记支付" in again.text
    payout = HouseholdPayout.objects.get()
    assert (payout.reference, payout.recorded_by) == ("ICBC-778", staff)
    page = staff_client.get(reverse("shareholders:declaration", args=[declaration.pk]))
    assert "已支付(2026-09-09)" in page.text
    assert_private_hidden(page.content)


def test_a_payout_in_the_future_is_refused_with_a_message(staff_client, register):
    declared(register)
    zhang = Allocation.objects.get(shareholder=register["zhang"])
    response = staff_client.post(
        reverse("shareholders:payout_record", args=[zhang.pk]), {"paid_on": "2026-09-30"}, follow=True
    )
    assert "不能在未来" in response.text
    assert not HouseholdPayout.objects.exists()


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_exports_carry_names_and_money_never_private_numbers(staff_client, register, file_format):
    declaration = declared(register)
    household_payout_record(
        allocation=Allocation.objects.get(shareholder=register["zhang"]),
        paid_on=date(2026, 9, 9),
        reference="=HYPERLINK()",
    )
    response = staff_client.get(reverse("shareholders:export", args=[declaration.pk, file_format]))
    assert response.status_code == 200
    if file_format == "csv":
        content = response.content
        text = content.decode("utf-8-sig")
        assert "张大山" in text and "10.00" in text and "'=HYPERLINK()" in text
    else:
        sheet = load_workbook(BytesIO(response.content)).active
        assert sheet is not None
        cells = [str(cell.value) for row in sheet.iter_rows() for cell in row]
        text = " ".join(cells)
        assert "张大山" in text and "'=HYPERLINK()" in text
        content = text.encode()
    assert_private_hidden(content)
    assert "1101" not in text  # not even masked


def test_an_unknown_export_format_and_a_draft_have_no_export(staff_client, register):
    declaration = declaration_draft(
        village=register["zhang"].village, period=SEPTEMBER, collective_amount=D("1.00"), group_amount=D("0")
    )
    assert staff_client.get(reverse("shareholders:export", args=[declaration.pk, "csv"])).status_code == 404
    declaration_declare(declaration=declaration)
    assert staff_client.get(reverse("shareholders:export", args=[declaration.pk, "pdf"])).status_code == 404


def test_a_member_reads_their_own_statement(client, register, member):
    declared(register)
    client.force_login(member)
    response = client.get(reverse("shareholders:my_dividends"))
    assert response.status_code == 200
    assert "张大山" in response.text and "¥10.00" in response.text and "48 股·天" in response.text
    assert "未支付" in response.text
    assert "李小河" not in response.text and "¥3.33" not in response.text
    assert_private_hidden(response.content)


def test_someone_without_shares_sees_an_empty_statement(client, register):
    declared(register)
    client.force_login(factories.user(username="stranger"))
    response = client.get(reverse("shareholders:my_dividends"))
    assert response.status_code == 200
    assert "还没有关联入股农户" in response.text
    assert "张大山" not in response.text and "李小河" not in response.text


@pytest.mark.parametrize(
    "name",
    ["index", "declarations", "register", "declare", "declaration", "shareholder", "export"],
)
def test_a_member_cannot_open_the_staff_pages(client, register, member, name):
    declaration = declared(register)
    kwargs = {
        "register": {"slug": register["zhang"].village.slug},
        "declare": {"slug": register["zhang"].village.slug},
        "declaration": {"pk": declaration.pk},
        "shareholder": {"pk": register["zhang"].pk},
        "export": {"pk": declaration.pk, "file_format": "csv"},
    }.get(name, {})
    client.force_login(member)
    response = client.get(reverse(f"shareholders:{name}", kwargs=kwargs))
    assert response.status_code == 403
    assert_private_hidden(response.content)
    assert "张大山" not in response.text


def test_a_member_cannot_record_a_payout(client, register, member):
    declared(register)
    client.force_login(member)
    zhang = Allocation.objects.get(shareholder=register["zhang"])
    response = client.post(reverse("shareholders:payout_record", args=[zhang.pk]), {"paid_on": "2026-09-09"})
    assert response.status_code == 403
    assert not HouseholdPayout.objects.exists()


def test_the_statement_page_needs_sign_in(client):
    response = client.get(reverse("shareholders:my_dividends"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_staff_end_a_holding_and_add_a_new_one_from_the_register(staff_client, register):
    li = register["li"]
    holding = li.holdings.get()
    response = staff_client.post(
        reverse("shareholders:holding_end", args=[holding.pk]), {"exited_on": "2026-10-01"}
    )
    assert response.status_code == 302
    again = staff_client.post(
        reverse("shareholders:holding_end", args=[holding.pk]), {"exited_on": "2026-10-01"}, follow=True
    )
    assert "之前已登记退股" in again.text
    overlap = staff_client.post(
        reverse("shareholders:holding_add", args=[li.pk]),
        {"shares": "2", "entered_on": "2026-09-20"},
        follow=True,
    )
    assert "重叠" in overlap.text
    staff_client.post(
        reverse("shareholders:holding_add", args=[li.pk]), {"shares": "2", "entered_on": "2026-10-01"}
    )
    assert [(h.shares, h.exited_on) for h in li.holdings.order_by("entered_on")] == [
        (4, date(2026, 10, 1)),
        (2, None),
    ]


def test_staff_read_a_household_statement_masked(staff_client, register):
    declared(register)
    response = staff_client.get(reverse("shareholders:shareholder", args=[register["zhang"].pk]))
    assert response.status_code == 200
    assert "张大山" in response.text and "¥10.00" in response.text and "6222***********3445" in response.text
    assert_private_hidden(response.content)


def test_the_me_page_links_a_member_to_their_dividends_and_nobody_else(client, register, member):
    client.force_login(member)
    assert "/me/dividends/" in client.get(reverse("me")).text
    client.force_login(factories.user(username="stranger"))
    assert "/me/dividends/" not in client.get(reverse("me")).text
