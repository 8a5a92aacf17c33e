"""Demo producers and products of the 消费帮扶 shop (``manage.py seed_shop``). Every one is marked demo:
the source article names the villages, 枣林乡 and 严村's gourd culture; the producers, products, prices and
stock here are invented for the demo."""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import Group, User
from django.db import transaction

from shop.models import Producer, Product
from villages.demo.accounts import AccountSeed, account_sync
from villages.demo.schema import T, translated
from villages.models import Village
from villages.roles import GROUP_STAFF

PRODUCER_ACCOUNT = AccountSeed(
    username="producer",
    role=T(
        "生产者:经营全部演示生产者,在 /producer/ 打包发货", "Producer: runs every demo producer at /producer/"
    ),
)


@dataclass(frozen=True)
class ProductSeed:
    name: T
    description: T
    unit: str
    price: str
    stock: int


@dataclass(frozen=True)
class ProducerSeed:
    village: str
    kind: str
    name: T
    description: T
    products: tuple[ProductSeed, ...]


PRODUCERS = (
    ProducerSeed(
        "caijiazhuang",
        Producer.Kind.COOPERATIVE,
        T("枣林乡彩家庄红枣合作社(演示)", "Zaolin Caijiazhuang Red Date Cooperative (demo)"),
        T(
            "枣林乡的枣农合作社,自家枣园晾晒。",
            "Date growers of Zaolin township, sun-dried in their own orchards.",
        ),
        (
            ProductSeed(
                T("红枣", "Red dates"),
                T(
                    "枣林乡红枣,个大肉厚,自然晾干。",
                    "Red dates from Zaolin, large and fleshy, dried in the sun.",
                ),
                "斤",
                "25.00",
                200,
            ),
            ProductSeed(
                T("枣夹核桃", "Dates stuffed with walnuts"),
                T("红枣夹核桃仁,礼盒装。", "Red dates with walnut kernels, in a gift box."),
                "盒",
                "68.00",
                40,
            ),
        ),
    ),
    ProducerSeed(
        "yancun",
        Producer.Kind.HOUSEHOLD,
        T("严村葫芦烙画工坊(演示)", "Yancun Gourd Pyrography Workshop (demo)"),
        T("严村葫芦文化园旁的手艺人家。", "A craft household beside Yancun's gourd culture park."),
        (
            ProductSeed(
                T("葫芦烙画摆件", "Pyrography gourd ornament"),
                T("手工烙画葫芦,每件图案不同。", "A hand-burnt gourd; every one is different."),
                "个",
                "128.00",
                15,
            ),
            ProductSeed(
                T("彩绘小葫芦挂件", "Painted mini-gourd charm"),
                T("小葫芦手绘挂件,寓意福禄。", "A hand-painted little gourd, for good fortune."),
                "个",
                "35.00",
                60,
            ),
        ),
    ),
    ProducerSeed(
        "guihua",
        Producer.Kind.COOPERATIVE,
        T("归化村杂粮合作社(演示)", "Guihua Grain Cooperative (demo)"),
        T("黄土高坡上的小米与荞麦。", "Millet and buckwheat from the loess hills."),
        (
            ProductSeed(
                T("小米", "Millet"),
                T("当年新小米,熬粥香。", "This year's millet, for a fragrant porridge."),
                "斤",
                "12.00",
                300,
            ),
            ProductSeed(
                T("荞麦面", "Buckwheat noodles"),
                T("手工荞麦挂面。", "Hand-made buckwheat noodles."),
                "斤",
                "15.00",
                120,
            ),
        ),
    ),
    ProducerSeed(
        "dujiashan",
        Producer.Kind.HOUSEHOLD,
        T("杜家山村核桃农户(演示)", "Dujiashan Walnut Household (demo)"),
        T("杜家山上的老核桃树。", "Old walnut trees on Dujiashan."),
        (
            ProductSeed(
                T("核桃", "Walnuts"),
                T("薄皮核桃,易剥。", "Thin-shelled walnuts, easy to crack."),
                "斤",
                "22.00",
                150,
            ),
        ),
    ),
    ProducerSeed(
        "dadonggou",
        Producer.Kind.COOPERATIVE,
        T("大东沟沙棘合作社(演示)", "Dadonggou Sea-buckthorn Cooperative (demo)"),
        T("吕梁山野生沙棘。", "Wild sea-buckthorn of the Lüliang mountains."),
        (
            ProductSeed(
                T("沙棘汁", "Sea-buckthorn juice"),
                T("沙棘原浆饮品,12瓶一箱。", "Sea-buckthorn juice, 12 bottles."),
                "箱",
                "88.00",
                50,
            ),
        ),
    ),
)


@transaction.atomic
def shop_seed(*, password: str, reset_password: bool = False) -> tuple[User, bool, int, list[str]]:
    """The demo producer account, producers and products; safe to run again (stock is set only when a
    product is first made, so a rerun keeps what was sold). Returns the account, whether its password
    was set now, the number of products and the villages missing (seed_demo not run)."""
    group, _created = Group.objects.get_or_create(name=GROUP_STAFF)
    user, password_set = account_sync(
        PRODUCER_ACCOUNT, password=password, reset_password=reset_password, group=group
    )
    count, missing = 0, []
    for seed in PRODUCERS:
        village = Village.objects.filter(slug=seed.village).first()
        if village is None:
            missing.append(seed.village)
            continue
        producer, _created = Producer.objects.update_or_create(
            village=village,
            name_zh_hans=seed.name.zh,
            defaults={
                "kind": seed.kind,
                "demo": True,
                **translated(name=seed.name, description=seed.description),
            },
        )
        producer.users.add(user)
        for item in seed.products:
            Product.objects.update_or_create(
                producer=producer,
                name_zh_hans=item.name.zh,
                defaults={
                    "unit": item.unit,
                    "price": Decimal(item.price),
                    "demo": True,
                    **translated(name=item.name, description=item.description),
                },
                create_defaults={
                    "unit": item.unit,
                    "price": Decimal(item.price),
                    "stock": item.stock,
                    "demo": True,
                    **translated(name=item.name, description=item.description),
                },
            )
            count += 1
    return user, password_set, count, missing
