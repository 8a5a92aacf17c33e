"""modeltranslation's per-language columns (``name_zh_hans``, ``name_en``) are added at run time, so the
type checker does not know them as attributes; tests read them through ``translated``."""

from django.db.models import Model
from modeltranslation.utils import build_localized_fieldname


def translated(obj: Model, field: str, language: str) -> str:
    """``translated(homestay, "name", "zh-hans")`` is ``homestay.name_zh_hans``."""
    return getattr(obj, build_localized_fieldname(field, language))
