"""The shop's demo data: realistic products of the demo villages, marked demo, safe to seed twice."""

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from shop.models import Order, Producer, Product
from shop.services import orders_place
from tests import factories
from villages.demo.accounts import DEFAULT_DEMO_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def villages():
    for slug in ("caijiazhuang", "yancun", "guihua", "dujiashan", "dadonggou"):
        factories.village(slug=slug)


def test_seed_shop_makes_demo_producers_and_products_once(villages, monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    call_command("seed_shop")
    dates = Product.objects.get(name_zh_hans="红枣")
    orders_place(user=factories.user(), items={dates.pk: 2}, fulfilment="pickup")
    call_command("seed_shop")

    assert dates.producer.village.slug == "caijiazhuang"
    assert Product.objects.filter(name_zh_hans="葫芦烙画摆件", producer__village__slug="yancun").exists()
    assert (
        Product.objects.filter(demo=False).count() == 0 and Producer.objects.filter(demo=False).count() == 0
    )
    assert Product.objects.count() == 8 and Order.objects.count() == 1
    assert Product.objects.get(pk=dates.pk).stock == dates.stock - 2  # a rerun keeps what was sold
    producer = authenticate(username="producer", password=DEFAULT_DEMO_PASSWORD)
    assert producer is not None and producer.email == "producer@demo.lishi-tourism.cn"
    assert Producer.objects.filter(users=producer).count() == 5
