"""Producers, products and stays for the shop's tests."""

import itertools
import secrets
from datetime import timedelta
from decimal import Decimal

from bookings.models import REFERENCE_ALPHABET, REFERENCE_LENGTH, Booking
from common.clock import local_today
from shop.models import Producer, Product
from tests import factories

_seq = itertools.count(1)


def producer(*, users=(), **fields) -> Producer:
    n = next(_seq)
    fields.setdefault("village", factories.village())
    fields.setdefault("name_zh_hans", f"测试合作社{n}")
    fields.setdefault("name_en", f"Test Cooperative {n}")
    fields.setdefault("kind", Producer.Kind.COOPERATIVE)
    fields.setdefault("phone", "+8613900000000")
    obj = Producer.objects.create(**fields)
    obj.users.set(users)
    return obj


def product(**fields) -> Product:
    n = next(_seq)
    fields.setdefault("producer", producer())
    fields.setdefault("name_zh_hans", f"红枣{n}")
    fields.setdefault("name_en", f"Red dates {n}")
    fields.setdefault("unit", "斤")
    fields.setdefault("price", Decimal("30.00"))
    fields.setdefault("stock", 10)
    return Product.objects.create(**fields)


def stay(*, user, status=Booking.Status.CONFIRMED, starts_in: int = 3, nights: int = 2, **fields) -> Booking:
    """A stay of ``user`` (its nights are not counted in the room calendar: the shop only reads it)."""
    room_type = fields.pop("room_type", None) or factories.room_type()
    check_in = local_today() + timedelta(days=starts_in)
    return Booking.objects.create(
        reference="".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH)),
        user=user,
        homestay=room_type.homestay,
        room_type=room_type,
        check_in=check_in,
        check_out=check_in + timedelta(days=nights),
        guests=1,
        total=Decimal("400.00"),
        status=status,
        payment=Booking.Payment.AT_HOMESTAY,
        lead_guest_name="张三",
        lead_guest_phone="+8613800138000",
        **fields,
    )
