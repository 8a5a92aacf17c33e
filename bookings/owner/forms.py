"""Forms of the owner console: they check what was typed; the services do the work."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from bookings.guests import GuestDetails
from bookings.models import Guest
from bookings.pricing import MAX_QUOTED_NIGHTS
from bookings.sync.models import FEED_URL_MAX_LENGTH
from villages.models import Homestay, Photo, RoomType
from villages.photos.images import ALLOWED_FORMATS, MAX_UPLOAD_BYTES

MAX_AMENITIES = 30
AMENITY_MAX_LENGTH = 30
MONEY: dict[str, Any] = {"max_digits": 8, "decimal_places": 2, "min_value": Decimal("0.01")}


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def time_input() -> forms.TimeInput:
    return forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class HomestayForm(forms.ModelForm):
    amenities_text = forms.CharField(
        label=_("设施"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("每行一项,例如:免费WiFi、停车位、早餐"),
    )

    class Meta:
        model = Homestay
        fields = (
            "description_zh_hans",
            "description_en",
            "house_rules_zh_hans",
            "house_rules_en",
            "check_in_time",
            "check_out_time",
            "instant_book",
            "cancellation_policy",
        )
        labels = {
            "description_zh_hans": _("介绍"),
            "description_en": _("介绍(英文,可不填)"),
            "house_rules_zh_hans": _("入住须知"),
            "house_rules_en": _("入住须知(英文,可不填)"),
            "check_in_time": _("入住时间(几点以后)"),
            "check_out_time": _("退房时间(几点以前)"),
            "instant_book": _("即时预订(不勾选则每个预订需要您确认)"),
            "cancellation_policy": _("取消政策"),
        }
        widgets = {
            "description_zh_hans": forms.Textarea(attrs={"rows": 5}),
            "description_en": forms.Textarea(attrs={"rows": 3}),
            "house_rules_zh_hans": forms.Textarea(attrs={"rows": 4}),
            "house_rules_en": forms.Textarea(attrs={"rows": 3}),
            "check_in_time": time_input(),
            "check_out_time": time_input(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amenities_text"].initial = "\n".join(self.instance.amenities or [])

    def clean_amenities_text(self) -> list[str]:
        amenities = []
        for line in self.cleaned_data["amenities_text"].replace("、", "\n").replace(",", "\n").splitlines():
            amenity = line.strip()
            if amenity and amenity not in amenities:
                amenities.append(amenity)
        if len(amenities) > MAX_AMENITIES:
            raise ValidationError(_("设施最多%(n)s项") % {"n": MAX_AMENITIES})
        if any(len(amenity) > AMENITY_MAX_LENGTH for amenity in amenities):
            raise ValidationError(_("每项设施最多%(n)s个字") % {"n": AMENITY_MAX_LENGTH})
        return amenities

    def service_fields(self) -> dict:
        fields = {name: self.cleaned_data[name] for name in self.Meta.fields}
        fields["amenities"] = self.cleaned_data["amenities_text"]
        return fields


ALT_MAX_LENGTH = Photo._meta.get_field("alt").max_length


class PhotoDescribeForm(forms.Form):
    alt_zh_hans = forms.CharField(
        label=_("照片说明"),
        max_length=ALT_MAX_LENGTH,
        required=False,
        help_text=_("写下照片里有什么,例如:院子里的枣树和窑洞"),
    )
    alt_en = forms.CharField(label=_("照片说明(英文,可不填)"), max_length=ALT_MAX_LENGTH, required=False)


class PhotoUploadForm(PhotoDescribeForm):
    image = forms.FileField(
        label=_("选择照片"),
        widget=forms.FileInput(
            attrs={"accept": ",".join(f"image/{kind.lower()}" for kind in sorted(ALLOWED_FORMATS))}
        ),
        help_text=format_lazy(
            _("JPEG、PNG或WebP格式,不超过{mb}MB;会自动缩小,并去掉拍摄地点等信息"),
            mb=MAX_UPLOAD_BYTES // 1024 // 1024,
        ),
    )
    field_order = ["image", "alt_zh_hans", "alt_en"]


class RoomTypeForm(forms.ModelForm):
    room_count = forms.IntegerField(
        label=_("同类房间数"),
        min_value=1,
        max_value=200,
        help_text=_("减少房间数时,不能少于已预订或关闭的间数"),
    )
    base_price = forms.DecimalField(label=_("平日价(元/晚)"), **MONEY)
    weekend_price = forms.DecimalField(label=_("周末价(元/晚,周五、周六晚)"), required=False, **MONEY)
    holiday_price = forms.DecimalField(label=_("节假日价(元/晚)"), required=False, **MONEY)

    class Meta:
        model = RoomType
        fields = (
            "name_zh_hans",
            "name_en",
            "description_zh_hans",
            "beds_zh_hans",
            "capacity",
            "base_price",
            "weekend_price",
            "holiday_price",
            "min_nights",
            "max_nights",
            "booking_window_days",
            "same_day_cutoff",
            "is_active",
        )
        labels = {
            "name_zh_hans": _("房型名称"),
            "name_en": _("房型名称(英文,可不填)"),
            "description_zh_hans": _("介绍"),
            "beds_zh_hans": _("床型"),
            "capacity": _("每间可住人数"),
            "min_nights": _("最少入住晚数"),
            "max_nights": _("最多入住晚数"),
            "booking_window_days": _("可提前多少天预订"),
            "same_day_cutoff": _("当天预订截止时间"),
            "is_active": _("开放预订"),
        }
        widgets = {
            "description_zh_hans": forms.Textarea(attrs={"rows": 3}),
            "same_day_cutoff": time_input(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name_zh_hans"].required = True
        if self.instance.pk:
            self.fields["room_count"].initial = self.instance.room_count

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        low, high = cleaned.get("min_nights"), cleaned.get("max_nights")
        if low is not None and high is not None and low > high:
            self.add_error("max_nights", _("最多入住晚数不能少于最少入住晚数"))
        if low is not None and low < 1:
            self.add_error("min_nights", _("最少入住晚数至少为1"))
        return cleaned

    def validate_constraints(self, exclude=None):
        """The database constraints are checked by ``clean`` above with words an owner understands."""

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class NightRangeForm(forms.Form):
    first_night = forms.DateField(label=_("从(第一晚)"), widget=date_input())
    last_night = forms.DateField(label=_("到(最后一晚,含)"), widget=date_input())

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        first, last = cleaned.get("first_night"), cleaned.get("last_night")
        if first and last:
            if last < first:
                self.add_error("last_night", _("最后一晚不能早于第一晚"))
            elif last - first >= timedelta(days=MAX_QUOTED_NIGHTS):
                self.add_error("last_night", _("一次最多修改%(n)s晚") % {"n": MAX_QUOTED_NIGHTS})
        return cleaned


class CloseRoomsForm(NightRangeForm):
    action = "close"
    rooms_closed = forms.IntegerField(
        label=_("关闭几间"), min_value=0, max_value=200, help_text=_("填0表示全部开放")
    )


class PriceForm(NightRangeForm):
    action = "price"
    price = forms.DecimalField(
        label=_("每晚价格(元)"), required=False, help_text=_("不填表示恢复平日/周末/节假日价"), **MONEY
    )


class MinNightsForm(NightRangeForm):
    action = "min_nights"
    min_nights = forms.IntegerField(
        label=_("最少入住晚数"),
        required=False,
        min_value=1,
        max_value=365,
        help_text=_("不填表示恢复房型的设置"),
    )


CALENDAR_FORMS = {form.action: form for form in (CloseRoomsForm, PriceForm, MinNightsForm)}


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("原因(会告诉客人)"), max_length=200, widget=forms.Textarea(attrs={"rows": 2})
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("原因(可不填)"), max_length=200, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class GuestForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=60, required=False)
    document_type = forms.ChoiceField(
        label=_("证件类型"), choices=Guest.DocumentType.choices, initial=Guest.DocumentType.RESIDENT_ID
    )
    document_number = forms.CharField(label=_("证件号码"), max_length=40, required=False)
    is_lead = forms.BooleanField(label=_("主要联系人"), required=False)

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if bool(cleaned.get("name")) != bool(cleaned.get("document_number")):
            raise ValidationError(_("请同时填写姓名和证件号码"))
        return cleaned

    def details(self) -> GuestDetails | None:
        if not self.cleaned_data.get("name"):
            return None
        return GuestDetails(
            name=self.cleaned_data["name"],
            document_type=self.cleaned_data["document_type"],
            document_number=self.cleaned_data["document_number"],
            is_lead=self.cleaned_data["is_lead"],
        )


GuestFormSet = forms.formset_factory(GuestForm, extra=0, max_num=20, absolute_max=20)


class FeedForm(forms.Form):
    name = forms.CharField(label=_("平台名称"), max_length=60, help_text=_("例如:Airbnb、Booking.com、途家"))
    url = forms.URLField(
        label=_("日历地址(iCal链接)"),
        max_length=FEED_URL_MAX_LENGTH,
        assume_scheme="https",
        help_text=_("在其他平台的房源日历设置里找到“导出日历”,复制链接粘贴到这里"),
    )


REGISTER_MAX_DAYS = 366


class RegisterRangeForm(forms.Form):
    """The days of the guest register: ``?start=2026-09-01&end=2026-09-30`` (both included; by default
    the last 30 days up to today)."""

    start = forms.DateField(label=_("从"), widget=date_input())
    end = forms.DateField(label=_("到(含)"), widget=date_input())

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("结束日期不能早于开始日期"))
            elif (end - start).days >= REGISTER_MAX_DAYS:
                self.add_error("end", _("一次最多导出一年"))
        return cleaned
