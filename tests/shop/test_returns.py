"""Returns (退货) of completed orders: staff record them; the stock comes back when the goods do; the
sale is turned around line for line and the money handed back; buyer and producer are told; a repeat
changes nothing; the buyer and the producer cannot record one."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.db.models import Sum

from bookings.ledger import Account, Kind, LedgerEntry
from notifications.models import Notification
from shop import notices
from shop.errors import IllegalTransition
from shop.models import Order, OrderEvent, Product
from shop.returns import order_return
from shop.services import Actor, order_act, orders_place
from shop.transitions import BUYER, PRODUCER, STAFF, actions_for
from tests import factories
from tests.shop import factories as shop
from tests.shop.helpers import delivered_and_completed
from villages.roles import GROUP_STAFF

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer():
    return factories.user()


@pytest.fixture
def seller():
    return factories.user()


@pytest.fixture
def staff():
    user = factories.user()
    user.groups.add(Group.objects.get_or_create(name=GROUP_STAFF)[0])
    return user


@pytest.fixture
def dates(seller):
    """红枣 ¥30/斤, 10 in stock, the group's margin 15 %."""
    return shop.product(producer=shop.producer(users=[seller]), price=Decimal("30.00"), stock=10)


@pytest.fixture
def completed(buyer, seller, dates, settings):
    """3 斤 delivered for a ¥10 fee: ¥100 paid, ¥76.50 the producer's, ¥23.50 the group's."""
    settings.SHOP_DELIVERY_FEE, settings.SHOP_FREE_DELIVERY_FROM = Decimal("10.00"), Decimal("99.00")
    return delivered_and_completed(buyer=buyer, seller=seller, items={dates.pk: 3})


def entries(order, kind):
    return {e.account: e.amount for e in LedgerEntry.objects.filter(source=order.source_reference, kind=kind)}


def balances(order) -> dict[str, Decimal]:
    rows = (
        LedgerEntry.objects.filter(source=order.source_reference)
        .values("account")
        .annotate(total=Sum("amount"))
    )
    return {row["account"]: row["total"] for row in rows if row["total"]}


def stock(product) -> int:
    return Product.objects.get(pk=product.pk).stock


def test_a_return_reverses_the_sale_exactly_and_hands_the_money_back(completed, staff, dates):
    Product.objects.filter(pk=dates.pk).update(margin_rate=Decimal("0.3"))  # later changes do not matter

    order = order_return(order=completed, actor=Actor(STAFF, staff), reason="枣子受潮")

    sale = entries(order, Kind.SALE)
    assert sale == {
        Account.GUEST: Decimal("100.00"),
        Account.PRODUCER_PAYABLE: Decimal("-76.50"),
        Account.PLATFORM_COMMISSION: Decimal("-23.50"),
    }
    assert entries(order, Kind.SALE_REVERSED) == {account: -amount for account, amount in sale.items()}
    assert entries(order, Kind.SALE_REFUND) == {
        Account.CASH_PROVIDER: Decimal("-100.00"),
        Account.GUEST: Decimal("100.00"),
    }
    assert balances(order) == {}  # nothing owed to anyone, no cash held
    assert (order.status, order.return_reason, order.goods_back) == (Order.Status.RETURNED, "枣子受潮", True)


def test_goods_that_come_back_go_back_into_stock_and_perished_ones_do_not(buyer, seller, staff, dates):
    first = delivered_and_completed(buyer=buyer, seller=seller, items={dates.pk: 3})
    second = delivered_and_completed(buyer=buyer, seller=seller, items={dates.pk: 2})
    assert stock(dates) == 5

    order_return(order=first, actor=Actor(STAFF, staff), goods_back=True)
    order_return(order=second, actor=Actor(STAFF, staff), goods_back=False)

    assert stock(dates) == 8
    assert Order.objects.get(pk=second.pk).goods_back is False


def test_recording_a_return_twice_changes_nothing(completed, staff, dates):
    order_return(order=completed, actor=Actor(STAFF, staff))
    again = order_return(order=completed, actor=Actor(STAFF, staff))
    again = order_act(order=completed, action="return", actor=Actor(STAFF, staff))

    assert again.status == Order.Status.RETURNED
    assert stock(dates) == 10
    assert LedgerEntry.objects.filter(source=completed.source_reference, kind=Kind.SALE_REVERSED).count() == 3
    assert LedgerEntry.objects.filter(source=completed.source_reference, kind=Kind.SALE_REFUND).count() == 2
    assert OrderEvent.objects.filter(order=completed, action="return").count() == 1


@pytest.mark.parametrize("role", [BUYER, PRODUCER])
def test_neither_the_buyer_nor_the_producer_may_record_a_return(completed, buyer, seller, role):
    user = buyer if role == BUYER else seller
    with pytest.raises(IllegalTransition):
        order_return(order=completed, actor=Actor(role, user))

    assert Order.objects.get(pk=completed.pk).status == Order.Status.COMPLETED
    assert not LedgerEntry.objects.filter(kind=Kind.SALE_REVERSED).exists()
    assert "return" not in actions_for(completed, role=role)
    assert "return" in actions_for(completed, role=STAFF)


def test_an_order_not_completed_cannot_be_returned(buyer, seller, staff, dates):
    [order] = orders_place(user=buyer, items={dates.pk: 1}, fulfilment="pickup")

    with pytest.raises(IllegalTransition):
        order_return(order=order, actor=Actor(STAFF, staff))

    assert Order.objects.get(pk=order.pk).status == Order.Status.PLACED
    assert "return" not in actions_for(order, role=STAFF)


def test_buyer_and_producer_are_told_once_and_the_buyers_text_fits_one_sms(completed, staff, seller):
    order_return(order=completed, actor=Actor(STAFF, staff))
    order_return(order=completed, actor=Actor(STAFF, staff))

    to_buyer = Notification.objects.get(event=notices.RETURNED)
    to_producer = Notification.objects.get(event=notices.PRODUCER_RETURNED)
    assert (to_buyer.recipient, to_producer.recipient) == (completed.user, seller)
    message = notices.render(to_buyer)
    assert message is not None and message.sms is not None
    from notifications.sms.templates import sms_templates

    text = sms_templates()[message.sms.template].render(message.sms.params)
    assert text == f"【离石乡村旅游】您的订单{completed.reference}已办理退货，100.00元将退还给您。"


def test_the_earnings_and_the_report_count_the_return(completed, staff, seller, client):
    order_return(order=completed, actor=Actor(STAFF, staff))
    client.force_login(staff)

    page = client.get("/shop/report/").content.decode()

    assert "¥100.00" in page  # the sale, and the return of it
    client.force_login(seller)
    earnings = client.get("/producer/earnings/").content.decode()
    assert "¥0.00" in earnings


def test_staff_record_a_return_from_the_producer_console_saying_whether_the_goods_came_back(
    completed, staff, dates, client
):
    client.force_login(staff)
    page = client.get(f"/producer/orders/{completed.reference}/").content.decode()
    assert "登记退货并退款" in page

    client.post(f"/producer/orders/{completed.reference}/", {"action": "return", "reason": "破损"})

    order = Order.objects.get(pk=completed.pk)
    assert (order.status, order.goods_back, order.return_reason) == (Order.Status.RETURNED, False, "破损")
    assert stock(dates) == 7


def test_the_producer_does_not_see_the_return_button(completed, seller, client):
    client.force_login(seller)
    page = client.get(f"/producer/orders/{completed.reference}/").content.decode()

    assert "登记退货并退款" not in page
    client.post(f"/producer/orders/{completed.reference}/", {"action": "return"})
    assert Order.objects.get(pk=completed.pk).status == Order.Status.COMPLETED


def test_the_buyer_reads_how_to_ask_for_a_return_and_then_that_it_was_returned(completed, staff, client):
    client.force_login(completed.user)
    assert "请联系文旅集团客服" in client.get(f"/shop/orders/{completed.reference}/").content.decode()

    order_return(order=completed, actor=Actor(STAFF, staff))

    page = client.get(f"/shop/orders/{completed.reference}/").content.decode()
    assert "已退货" in page and "¥100.00将退还给您" in page


def test_the_admin_action_records_returns_and_explains_refusals(completed, buyer, dates, client):
    admin = factories.user(is_staff=True, is_superuser=True)
    [placed] = orders_place(user=buyer, items={dates.pk: 1}, fulfilment="pickup")
    client.force_login(admin)

    response = client.post(
        "/admin/shop/order/",
        {"action": "record_return_goods_back", "_selected_action": [completed.pk, placed.pk]},
        follow=True,
    )

    assert Order.objects.get(pk=completed.pk).status == Order.Status.RETURNED
    assert Order.objects.get(pk=placed.pk).status == Order.Status.PLACED
    assert placed.reference in response.content.decode()
