"""Payouts to producers: from what the ledger says is owed, never more, once per form, posted naming
the producer, and shown on the producer's earnings and the group's report."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from bookings.ledger import Account, Kind, LedgerEntry, Sector
from common.clock import local_today
from notifications.models import Notification
from notifications.sms.templates import SMS_SINGLE_LIMIT, sms_templates
from shop import notices
from shop.ledger import producer_owed
from shop.models import ProducerPayout
from shop.payouts import producer_payout_record
from shop.returns import order_return
from shop.services import Actor
from shop.transitions import STAFF
from tests import factories
from tests.shop import factories as shop
from tests.shop.helpers import delivered_and_completed
from villages.roles import GROUP_STAFF

pytestmark = pytest.mark.django_db


@pytest.fixture
def seller():
    return factories.user()


@pytest.fixture
def staff():
    user = factories.user()
    user.groups.add(Group.objects.get_or_create(name=GROUP_STAFF)[0])
    return user


@pytest.fixture
def producer(seller):
    return shop.producer(users=[seller], name_zh_hans="枣林红枣合作社")


@pytest.fixture
def owed(producer, seller, settings):
    """Two completed orders of ¥90 of dates each (15 % margin), free delivery: ¥153.00 owed."""
    settings.SHOP_FREE_DELIVERY_FROM = Decimal("50.00")
    dates = shop.product(producer=producer, price=Decimal("30.00"), stock=10)
    return [
        delivered_and_completed(buyer=factories.user(), seller=seller, items={dates.pk: 3}) for _ in range(2)
    ]


def pay(producer, amount: str, key: str = "k1", **extra):
    return producer_payout_record(producer=producer, amount=Decimal(amount), key=key, by=None, **extra)


def test_a_payout_is_posted_naming_the_producer_and_lowers_what_is_owed(producer, owed):
    assert producer_owed(producer) == Decimal("153.00")

    payout = pay(producer, "100.00")

    lines = {e.account: e for e in LedgerEntry.objects.filter(kind=Kind.PRODUCER_PAYOUT)}
    assert {account: e.amount for account, e in lines.items()} == {
        Account.PRODUCER_PAYABLE: Decimal("100.00"),
        Account.CASH_PROVIDER: Decimal("-100.00"),
    }
    assert {(e.party, e.sector, e.village_id, e.source, e.provider) for e in lines.values()} == {
        (
            f"producer:{producer.pk}",
            Sector.SHOP,
            producer.village_id,
            f"producer_payout:{payout.pk}",
            "bank_transfer",
        )
    }
    assert producer_owed(producer) == Decimal("53.00")


def test_never_more_than_is_owed(producer, owed):
    pay(producer, "150.00")

    with pytest.raises(ValidationError) as refusal:
        pay(producer, "3.01", key="k2")

    assert refusal.value.code == "more_than_owed" and "3.00" in refusal.value.messages[0]
    assert ProducerPayout.objects.count() == 1
    assert pay(producer, "3.00", key="k3").amount == Decimal("3.00")
    assert producer_owed(producer) == Decimal("0.00")


def test_a_return_after_completion_lowers_what_can_be_paid(producer, owed, staff):
    order_return(order=owed[0], actor=Actor(STAFF, staff))

    assert producer_owed(producer) == Decimal("76.50")
    with pytest.raises(ValidationError):
        pay(producer, "76.51")


def test_the_same_form_sent_twice_is_one_payout(producer, owed):
    first = pay(producer, "100.00", key="form-1")
    again = pay(producer, "100.00", key="form-1")

    assert again.pk == first.pk
    assert ProducerPayout.objects.count() == 1
    assert LedgerEntry.objects.filter(kind=Kind.PRODUCER_PAYOUT).count() == 2


def test_a_key_of_another_producers_payout_is_refused(producer, owed):
    pay(producer, "10.00", key="form-1")
    other = shop.producer()

    with pytest.raises(ValidationError):
        pay(other, "10.00", key="form-1")


@pytest.mark.parametrize(
    ("amount", "paid_on", "code"),
    [("0", None, "amount_invalid"), ("-5", None, "amount_invalid"), ("5", "tomorrow", "date_future")],
)
def test_nonsense_is_refused_and_changes_nothing(producer, owed, amount, paid_on, code):
    day = local_today() + timedelta(days=1) if paid_on else None
    with pytest.raises(ValidationError) as refusal:
        pay(producer, amount, paid_on=day)

    assert refusal.value.code == code
    assert not ProducerPayout.objects.exists()


def test_the_producer_is_told_by_a_text_that_fits_one_sms(producer, owed, seller):
    producer.name_zh_hans = "离石区枣林乡彩家庄村红枣种植专业合作社联合社"
    producer.save()

    payout = pay(producer, "153.00", paid_on=date(2026, 1, 1))

    notification = Notification.objects.get(event=notices.PRODUCER_PAID)
    assert notification.recipient == seller
    message = notices.render(notification)
    assert message is not None and message.sms is not None
    text = sms_templates()[message.sms.template].render(message.sms.params)
    assert (
        text
        == "【离石乡村旅游】集团已向离石区枣林乡彩家庄村红…支付货款153.00元，付款日期1月1日，详见生产者中心。"
    )
    assert len(text) <= SMS_SINGLE_LIMIT
    assert payout.paid_on == date(2026, 1, 1)


def test_staff_record_a_payout_on_the_page_and_the_producer_sees_it(client, staff, seller, producer, owed):
    client.force_login(staff)
    page = client.get("/shop/payouts/").content.decode()
    assert "枣林红枣合作社" in page and "¥153.00" in page
    key = page.split('name="key" value="')[1].split('"')[0]

    for _ in range(2):  # a double tap
        client.post("/shop/payouts/", {"producer": producer.pk, "amount": "100", "key": key, "note": "转账"})

    assert ProducerPayout.objects.get().amount == Decimal("100.00")
    assert "¥53.00" in client.get("/shop/payouts/").content.decode()
    report = client.get("/shop/report/").content.decode()
    assert "已付生产者" in report and "¥100.00" in report
    client.force_login(seller)
    earnings = client.get("/producer/earnings/").content.decode()
    assert "¥53.00" in earnings and "¥100.00" in earnings


def test_the_page_explains_a_payout_above_what_is_owed(client, staff, producer, owed):
    client.force_login(staff)

    response = client.post(
        "/shop/payouts/", {"producer": producer.pk, "amount": "999", "key": "x"}, follow=True
    )

    assert "超过应付金额" in response.content.decode()
    assert not ProducerPayout.objects.exists()


def test_a_producer_cannot_open_the_payouts_page(client, seller):
    client.force_login(seller)
    assert client.get("/shop/payouts/").status_code == 403
