"""The pages: what a tourist and the staff at the door see and can do on their phones."""

from datetime import timedelta

import pytest
from django.urls import reverse

from events import services
from events.models import Ticket, TicketSlot
from tests import factories
from tests.events.helpers import TODAY, event, register, slot

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def tourist(db):
    return factories.user(username="tourist")


# Browsing


def test_the_list_shows_upcoming_events_by_village_and_not_past_or_hidden_ones(client, clock):
    village = factories.village(name_zh_hans="严村")
    upcoming = slot(event_=event(village=village, title_zh_hans="葫芦文化艺术展"))
    slot(event_=event(village=village, title_zh_hans="已结束的展览"), hour=8)  # started at 08:00 today
    slot(event_=event(village=village, title_zh_hans="未发布的活动", is_published=False))

    page = text(client.get(reverse("events:list")))

    assert "严村" in page
    assert "葫芦文化艺术展" in page
    assert "已结束的展览" not in page
    assert "未发布的活动" not in page
    assert upcoming.event.get_absolute_url() in page


def test_the_event_page_shows_each_slot_with_the_places_left(client, free_slot):
    register(free_slot, quantity=3)

    page = text(client.get(free_slot.event.get_absolute_url()))

    assert "剩余 7 个名额" in page
    assert "免费登记" in page


def test_a_full_slot_says_so_and_offers_no_form(client, tourist):
    full = slot(capacity=2)
    register(full, quantity=2)
    client.force_login(tourist)

    page = text(client.get(full.event.get_absolute_url()))

    assert "已满" in page
    assert reverse("events:register", args=[full.pk]) not in page


def test_an_unpublished_event_is_not_found(client):
    hidden = event(is_published=False)

    assert client.get(hidden.get_absolute_url()).status_code == 404


def test_the_village_page_shows_its_upcoming_events_and_a_new_one_at_once(client):
    village = factories.village()
    slot(event_=event(village=village, title_zh_hans="葫芦文化艺术展"))
    url = village.get_absolute_url()
    assert "葫芦文化艺术展" in text(client.get(url))  # now cached

    slot(event_=event(village=village, title_zh_hans="枣林丰收节"))

    assert "枣林丰收节" in text(client.get(url))


def test_the_village_page_drops_an_event_unpublished_meanwhile(client):
    village = factories.village()
    exhibition = event(village=village, title_zh_hans="葫芦文化艺术展")
    slot(event_=exhibition)
    assert "葫芦文化艺术展" in text(client.get(village.get_absolute_url()))

    exhibition.is_published = False
    exhibition.save()

    assert "葫芦文化艺术展" not in text(client.get(village.get_absolute_url()))


def test_the_home_page_shows_upcoming_events(client, free_slot):
    assert str(free_slot.event.title) in text(client.get(reverse("home")))


# Registering


def test_registering_needs_signing_in(client, free_slot):
    response = client.post(
        reverse("events:register", args=[free_slot.pk]),
        {"quantity": 1, "holder_name": "王小明", "holder_phone": "13800138000"},
    )

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not Ticket.objects.exists()


def test_a_tourist_registers_and_gets_a_ticket_with_a_qr_code_of_the_check_in_address(
    client, tourist, free_slot
):
    client.force_login(tourist)

    response = client.post(
        reverse("events:register", args=[free_slot.pk]),
        {"quantity": 2, "holder_name": "王小明", "holder_phone": "138 0013 8000"},
        follow=True,
    )

    ticket = Ticket.objects.get()
    page = text(response)
    assert response.redirect_chain[-1][0] == ticket.get_absolute_url()
    assert "<svg" in page and "<script" not in page.split("<main", 1)[-1].split("</main>")[0]
    assert ticket.code in page
    assert "+8613800138000" in page  # the holder sees their own number
    assert TicketSlot.objects.get(pk=free_slot.pk).taken == 2


def test_a_sold_out_slot_refuses_clearly_and_changes_nothing(client, tourist):
    nearly = slot(capacity=2)
    register(nearly, quantity=1)
    client.force_login(tourist)

    response = client.post(
        reverse("events:register", args=[nearly.pk]),
        {"quantity": 2, "holder_name": "王小明", "holder_phone": "13800138000"},
    )

    assert response.status_code == 409
    assert "名额不足" in text(response)
    assert Ticket.objects.count() == 1


def test_a_bad_phone_number_is_shown_next_to_the_field(client, tourist, free_slot):
    client.force_login(tourist)

    response = client.post(
        reverse("events:register", args=[free_slot.pk]),
        {"quantity": 1, "holder_name": "王小明", "holder_phone": "123"},
    )

    assert response.status_code == 200
    assert "手机号码不正确" in text(response)
    assert not Ticket.objects.exists()


# My tickets


def test_my_tickets_lists_mine_only(client, tourist, free_slot):
    mine = register(free_slot, user=tourist)
    theirs = register(free_slot, name="李四")
    client.force_login(tourist)

    page = text(client.get(reverse("events:my_tickets")))

    assert mine.get_absolute_url() in page
    assert theirs.get_absolute_url() not in page


def test_another_persons_ticket_is_not_found(client, tourist, free_slot):
    theirs = register(free_slot)
    client.force_login(tourist)

    assert client.get(theirs.get_absolute_url()).status_code == 404
    assert client.post(reverse("events:ticket_cancel", args=[theirs.code])).status_code == 404
    assert Ticket.objects.get(pk=theirs.pk).status == Ticket.Status.ISSUED


def test_the_holder_cancels_before_the_start_and_the_places_come_back(client, tourist, free_slot):
    ticket = register(free_slot, user=tourist, quantity=3)
    client.force_login(tourist)

    response = client.post(reverse("events:ticket_cancel", args=[ticket.code]), follow=True)

    assert "门票已取消" in text(response)
    assert TicketSlot.objects.get(pk=free_slot.pk).taken == 0


def test_cancelling_after_the_start_is_refused_clearly(client, tourist, free_slot, clock):
    ticket = register(free_slot, user=tourist)
    clock.set("2026-09-01 14:30")
    client.force_login(tourist)

    response = client.post(reverse("events:ticket_cancel", args=[ticket.code]), follow=True)

    assert "活动已开始" in text(response)
    assert Ticket.objects.get(pk=ticket.pk).status == Ticket.Status.ISSUED


# At the door


def check_in_url(ticket) -> str:
    return reverse("events:check_in", args=[ticket.code])


def test_staff_see_the_ticket_with_the_name_and_phone_masked(client, staff, free_slot):
    ticket = register(free_slot, quantity=2, name="王小明", phone="13812345678")
    client.force_login(staff)

    page = text(client.get(check_in_url(ticket)))

    assert "王**" in page and "王小明" not in page
    assert "138****5678" in page and "13812345678" not in page
    assert "核验入场" in page


def test_staff_check_the_ticket_in_and_a_second_scan_says_so_and_changes_nothing(client, staff, free_slot):
    ticket = register(free_slot)
    client.force_login(staff)

    first = client.post(check_in_url(ticket), follow=True)
    checked = Ticket.objects.get(pk=ticket.pk)
    second_scan = client.get(check_in_url(ticket))
    second_post = client.post(check_in_url(ticket))

    assert "核验成功" in text(first)
    assert checked.status == Ticket.Status.CHECKED_IN
    assert "已核验入场" in text(second_scan)
    assert 'action="' + check_in_url(ticket) not in text(second_scan)  # no button any more
    assert second_post.status_code == 409
    assert "已经核验入场" in text(second_post)
    assert Ticket.objects.get(pk=ticket.pk).checked_in_at == checked.checked_in_at


def test_a_cancelled_ticket_is_refused_at_the_door(client, staff, free_slot):
    ticket = register(free_slot)
    services.ticket_cancel(ticket=ticket)
    client.force_login(staff)

    shown = client.get(check_in_url(ticket))
    posted = client.post(check_in_url(ticket))

    assert "门票已取消" in text(shown)
    assert posted.status_code == 409
    assert Ticket.objects.get(pk=ticket.pk).status == Ticket.Status.CANCELLED


def test_a_ticket_for_another_day_is_refused_at_the_door(client, staff):
    ticket = register(slot(day=TODAY + timedelta(days=2)))
    client.force_login(staff)

    shown = client.get(check_in_url(ticket))
    posted = client.post(check_in_url(ticket))

    assert "不是今天的场次" in text(shown)
    assert posted.status_code == 409
    assert "不是今天的场次" in text(posted)
    assert Ticket.objects.get(pk=ticket.pk).status == Ticket.Status.ISSUED


def test_a_paid_ticket_needs_the_money_ticked_as_taken(client, staff, paid_slot):
    ticket = register(paid_slot, quantity=2)
    client.force_login(staff)

    refused = client.post(check_in_url(ticket))
    taken = client.post(check_in_url(ticket), {"paid": "1"})

    assert refused.status_code == 409
    assert "先现场收款" in text(refused)
    assert taken.status_code == 302
    assert Ticket.objects.get(pk=ticket.pk).paid_at is not None


@pytest.mark.parametrize("who", ["tourist", "holder"])
def test_only_staff_open_the_check_in_page(client, free_slot, who):
    holder = factories.user()
    ticket = register(free_slot, user=holder)
    client.force_login(holder if who == "holder" else factories.user())

    assert client.get(check_in_url(ticket)).status_code == 403
    assert client.post(check_in_url(ticket)).status_code == 403
    assert Ticket.objects.get(pk=ticket.pk).status == Ticket.Status.ISSUED


def test_an_unknown_code_is_not_found_for_staff(client, staff):
    client.force_login(staff)

    assert client.get(reverse("events:check_in", args=["not-a-ticket"])).status_code == 404


def test_the_slot_list_counts_people_and_a_typed_code_opens_the_ticket(client, staff, free_slot):
    a = register(free_slot, quantity=2, name="王小明")
    register(free_slot, quantity=3, name="李四")
    services.ticket_check_in(ticket=a, by=staff)
    client.force_login(staff)
    url = reverse("events:slot_staff", args=[free_slot.pk])

    page = text(client.get(url))
    found = client.post(url, {"code": f" {a.code} "})
    unknown = client.post(url, {"code": "nope"})

    assert "5 / 10" in page
    assert "王**" in page and "王小明" not in page
    assert found.status_code == 302 and found["Location"] == check_in_url(a)
    assert unknown.status_code == 200 and "没有这张票" in text(unknown)


def test_a_code_of_another_slot_is_not_found_in_this_slots_box(client, staff, free_slot):
    other = register(slot())
    client.force_login(staff)

    response = client.post(reverse("events:slot_staff", args=[free_slot.pk]), {"code": other.code})

    assert response.status_code == 200


def test_the_qr_code_carries_the_absolute_check_in_address(client, tourist, free_slot):
    import segno

    ticket = register(free_slot, user=tourist)
    client.force_login(tourist)

    page = text(client.get(ticket.get_absolute_url()))

    expected = segno.make(f"http://testserver{check_in_url(ticket)}", error="m", micro=False)
    assert expected.svg_inline(scale=5, omitsize=False) in page
