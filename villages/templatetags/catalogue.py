"""Display helpers for catalogue pages: money, durations, coordinates and demo badges."""

from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

from common.money import quantize
from villages.navigation import place_navigation

register = template.Library()


@register.filter
def cny(amount) -> str:
    """``Decimal("1234.5")`` -> ``"¥1,234.50"``. Floats are refused: money is never a float."""
    if amount is None or amount == "":
        return ""
    value = quantize(amount)
    return f"¥{value:,.2f}"


@register.filter
def minutes(total) -> str:
    """``90`` -> ``"1 小时 30 分钟"`` (through the translation catalogue)."""
    hours, rest = divmod(int(total), 60)
    if hours and rest:
        return _("%(hours)d 小时 %(minutes)d 分钟") % {"hours": hours, "minutes": rest}
    if hours:
        return _("%(hours)d 小时") % {"hours": hours}
    return _("%(minutes)d 分钟") % {"minutes": rest}


@register.filter
def coordinates(point) -> str:
    """A WGS-84 point as words: ``"北纬 37.52000°，东经 111.13000°"``.

    Takes anything with ``latitude`` / ``longitude``, a ``{"lat": .., "lng": ..}`` mapping (a map marker)
    or a ``[lat, lng]`` pair (a point of a route line).
    """
    if isinstance(point, dict):
        latitude, longitude = Decimal(str(point["lat"])), Decimal(str(point["lng"]))
    elif isinstance(point, list | tuple):
        latitude, longitude = (Decimal(str(value)) for value in point)
    else:
        latitude, longitude = Decimal(point.latitude), Decimal(point.longitude)
    return _("%(lat_hemisphere)s %(lat)s°，%(lng_hemisphere)s %(lng)s°") % {
        "lat_hemisphere": _("北纬") if latitude >= 0 else _("南纬"),
        "lat": f"{abs(latitude):.5f}",
        "lng_hemisphere": _("东经") if longitude >= 0 else _("西经"),
        "lng": f"{abs(longitude):.5f}",
    }


@register.inclusion_tag("partials/demo_badge.html")
def demo_badge(obj):
    """The "演示数据" badge when ``obj.is_demo`` is set; nothing otherwise."""
    return {"show": bool(getattr(obj, "is_demo", False))}


@register.inclusion_tag("partials/navigate.html")
def navigate(place):
    """The 导航 button of a village, attraction or homestay: a list of map apps to open it in, or
    WeChat's own map (``wx.openLocation``) inside WeChat when the JS-SDK is on."""
    return {"nav": place_navigation(place)}


@register.simple_tag(takes_context=True)
def absolute_uri(context, location: str = "") -> str:
    """``location`` (a path or a full URL, such as a photo on object storage) as a full URL, for Open
    Graph tags and share cards; the page's own address when empty."""
    request = context.get("request")
    if location.startswith(("http://", "https://")) or request is None:
        return location
    return request.build_absolute_uri(location or request.get_full_path())
