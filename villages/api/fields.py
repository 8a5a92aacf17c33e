"""Building blocks of the API's objects: bilingual text, choice labels, money, coordinates, page addresses."""

from datetime import time
from decimal import Decimal
from typing import Annotated, Any, Literal, Protocol

from django.conf import settings
from django.db.models import Choices
from django.utils import translation
from ninja import Field, Schema
from pydantic import WithJsonSchema

from common.money import CURRENCY, quantize

# PostgreSQL cannot store the NUL character, nor compare with it: a text with one is refused as malformed
# input (422), never failing later as an error 500. Every free-text field an API reads carries it.
NO_NUL = r"^[^\x00]*$"

Money = Annotated[
    str, Field(pattern=r"^\d+\.\d{2}$", examples=["198.00"], description="人民币金额 CNY, two decimals")
]

# A wall-clock time without a UTC offset, "14:00:00". JSON Schema's "time" format demands an offset
# ("14:00:00+08:00"), which these times of day do not have, so the document gives the pattern instead.
LocalTime = Annotated[
    time,
    WithJsonSchema({"type": "string", "pattern": r"^\d{2}:\d{2}:\d{2}(\.\d+)?$", "examples": ["14:00:00"]}),
]


def bilingual(obj: Any, field: str) -> dict[str, str]:
    zh = getattr(obj, f"{field}_zh_hans") or ""
    return {"zh": zh, "en": getattr(obj, f"{field}_en") or zh}


def choice_label(choices: type[Choices], code: Any) -> dict[str, str] | None:
    """Split a bilingual choice label "寺庙 Temple" into {"zh": "寺庙", "en": "Temple"}."""
    label = dict(choices.choices).get(code)
    if label is None:
        return None
    with translation.override(None):
        zh, _, en = str(label).partition(" ")
    return {"zh": zh, "en": en or zh}


def money(amount: Decimal | None) -> str | None:
    return None if amount is None else str(quantize(amount))


class HasPage(Protocol):
    def get_absolute_url(self) -> str: ...


def page_url(obj: HasPage) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return obj.get_absolute_url()


class Text(Schema):
    """Text in Chinese and English. "en" falls back to the Chinese text while no English text exists."""

    zh: str = Field(description="简体中文 Simplified Chinese")
    en: str = Field(description="English; the Chinese text when there is no English text yet")


class Point(Schema):
    lat: float = Field(description="纬度 latitude, WGS-84")
    lng: float = Field(description="经度 longitude, WGS-84")

    @staticmethod
    def resolve_lat(obj):
        return float(obj.latitude)

    @staticmethod
    def resolve_lng(obj):
        return float(obj.longitude)


class Page(Schema):
    is_demo: bool = Field(description="演示数据 invented for the demo, not from official sources")
    url: str = Field(description="网页地址 absolute path of the Chinese HTML page")

    @staticmethod
    def resolve_url(obj):
        return page_url(obj)


class Priced(Schema):
    currency: Literal["CNY"] = Field(description="货币 currency of every amount in this object")

    @staticmethod
    def resolve_currency(obj):
        return CURRENCY


class Named(Schema):
    name: Text

    @staticmethod
    def resolve_name(obj):
        return bilingual(obj, "name")


class Summarised(Named):
    summary: Text

    @staticmethod
    def resolve_summary(obj):
        return bilingual(obj, "summary")


class Described(Schema):
    description: Text

    @staticmethod
    def resolve_description(obj):
        return bilingual(obj, "description")


class ErrorOut(Schema):
    detail: str = Field(description="中文 / English", examples=["找不到这个村庄 / Village not found"])


class ValidationErrorOut(Schema):
    detail: list[dict[str, Any]] = Field(description="One entry per bad parameter: loc, msg, type")
