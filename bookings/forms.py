"""Forms of the tourist's booking pages. They parse and tidy the input; the booking rules (dates, party
size, stay length, contact details) belong to the core (``bookings.rules``, ``bookings.contacts``), whose
bilingual ``ValidationError`` is put on the field it is about with ``add_core_error``."""

from datetime import date, timedelta
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _

from bookings.contacts import NAME_MAX_LENGTH, clean_name, normalize_phone
from bookings.models import Booking
from bookings.payments.base import PaymentProvider
from villages.models import Theme, Village

DATE_FORMAT = "%Y-%m-%d"
DEFAULT_GUESTS = 2
MAX_GUESTS = 200
MAX_ROOMS = 50
SEARCH_HORIZON_DAYS = 730
STAY_FIELDS = ("check_in", "check_out", "guests", "rooms")

SORT_CHOICES = [
    ("recommended", _("推荐")),
    ("price", _("价格从低到高")),
    ("-price", _("价格从高到低")),
    ("rating", _("评分从高到低")),
]
DEFAULT_SORT = "recommended"

# Django's own messages for what a form can refuse before the booking rules are asked, in the site's
# "中文 English" form; the core's messages already are. Validators' parameters (the limit, the value) fill
# the blanks.
REQUIRED = _("请填写这一项 This field is required")
ERRORS_DATE = {
    "required": REQUIRED,
    "invalid": _("请按“年-月-日”填写日期,例如 2026-09-08 Enter the date as year-month-day, e.g. 2026-09-08"),
}
ERRORS_WHOLE_NUMBER = {
    "required": REQUIRED,
    "invalid": _("请填写整数 Enter a whole number"),
    "max_value": _("不能超过 %(limit_value)s Enter %(limit_value)s or less"),
}
ERRORS_AMOUNT = {
    "required": REQUIRED,
    "invalid": _("请填写金额(数字) Enter an amount in figures"),
    "min_value": _("不能低于 %(limit_value)s Enter %(limit_value)s or more"),
    "max_digits": _("金额太大 The amount is too large"),
    "max_whole_digits": _("金额太大 The amount is too large"),
    "max_decimal_places": _("金额最多精确到分 Enter the amount to the fen (two decimal places) at most"),
}
ERRORS_TEXT = {
    "required": REQUIRED,
    "max_length": _(
        "最多%(limit_value)d个字,现在是%(show_value)d个 "
        "At most %(limit_value)d characters; this has %(show_value)d"
    ),
    "null_characters_not_allowed": _("含有无效字符 This contains invalid characters"),
}
ERRORS_CHOICE = {
    "required": _("请选择一项 Choose one"),
    "invalid_choice": _("“%(value)s”不是可选的一项 “%(value)s” is not one of the choices"),
}

# The line explaining each way of paying on the booking page. Which ones are offered depends on the
# homestay and on the providers enabled (``bookings.payments.base.booking_payments_for``).
PAYMENT_NOTES = {
    Booking.Payment.AT_HOMESTAY.value: _("入住时直接向民宿付款，网上不收取任何费用。"),
    Booking.Payment.ONLINE.value: _("提交后房间为您保留，请在保留时间内在线付款；取消时按取消政策原路退款。"),
}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=DATE_FORMAT)


def _date_or_none(text: str) -> date | None:
    try:
        return parse_date(text)
    except ValueError:
        return None


def query_with_defaults(query: QueryDict, *, today: date, guests: int = DEFAULT_GUESTS) -> QueryDict:
    """The query with its blanks filled: arrive tomorrow (Beijing time), stay one night, ``guests`` guests
    in one room. A check-out left blank is the day after the check-in given."""
    data = query.copy()
    for name in list(data):
        if not data.get(name, "").strip():
            del data[name]
    check_in = _date_or_none(data.get("check_in", "")) or today + timedelta(days=1)
    data.setdefault("check_in", check_in.isoformat())
    data.setdefault("check_out", (check_in + timedelta(days=1)).isoformat())
    data.setdefault("guests", str(guests))
    data.setdefault("rooms", "1")
    return data


class BookingForm(forms.Form):
    """Labels without Django's trailing colon; ``add_core_error`` puts a ``ValidationError`` of the
    booking core on the field its code is about."""

    ERROR_FIELDS: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def add_core_error(self, error: ValidationError) -> None:
        field = self.ERROR_FIELDS.get(getattr(error, "code", None) or "")
        self.add_error(field if field in self.fields else None, error)


class StayForm(BookingForm):
    """Dates and party of a stay. Fill the blanks with ``query_with_defaults`` before binding."""

    ERROR_FIELDS = {
        "dates_order": "check_out",
        "too_long": "check_out",
        "past": "check_in",
        "same_day_cutoff": "check_in",
        "booking_window": "check_in",
        "min_nights": "check_out",
        "max_nights": "check_out",
        "guests": "guests",
        "capacity": "guests",
        "rooms": "rooms",
    }

    check_in = forms.DateField(
        label=_("入住日期"), input_formats=[DATE_FORMAT], widget=DateInput, error_messages=ERRORS_DATE
    )
    check_out = forms.DateField(
        label=_("退房日期"), input_formats=[DATE_FORMAT], widget=DateInput, error_messages=ERRORS_DATE
    )
    guests = forms.IntegerField(
        label=_("人数"),
        max_value=MAX_GUESTS,
        error_messages=ERRORS_WHOLE_NUMBER,
        widget=forms.NumberInput(attrs={"min": 1, "inputmode": "numeric"}),
    )
    rooms = forms.IntegerField(
        label=_("间数"),
        max_value=MAX_ROOMS,
        error_messages=ERRORS_WHOLE_NUMBER,
        widget=forms.NumberInput(attrs={"min": 1, "inputmode": "numeric"}),
    )

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        horizon = today + timedelta(days=SEARCH_HORIZON_DAYS)
        for name in ("check_in", "check_out"):
            self.fields[name].widget.attrs.update({"min": today.isoformat(), "max": horizon.isoformat()})

    def clean_check_in(self) -> date:
        check_in = self.cleaned_data["check_in"]
        if check_in > self.today + timedelta(days=SEARCH_HORIZON_DAYS):
            raise ValidationError(
                _("只能预订两年以内的日期 Only dates within the next two years can be booked"),
                code="booking_window",
            )
        return check_in

    def stay(self) -> dict:
        return {name: self.cleaned_data[name] for name in STAY_FIELDS}

    def stay_query(self) -> str:
        query = QueryDict(mutable=True)
        for name, value in self.stay().items():
            query[name] = value.isoformat() if isinstance(value, date) else str(value)
        return query.urlencode()


class SearchForm(StayForm):
    ERROR_FIELDS = {**StayForm.ERROR_FIELDS, "sort": "sort"}

    village = forms.ChoiceField(label=_("村庄"), required=False, error_messages=ERRORS_CHOICE)
    theme = forms.ChoiceField(label=_("主题"), required=False, error_messages=ERRORS_CHOICE)
    max_price = forms.DecimalField(
        label=_("每晚最高价（元）"),
        required=False,
        min_value=Decimal(1),
        max_digits=8,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"min": 1, "step": 1, "inputmode": "decimal"}),
        error_messages=ERRORS_AMOUNT,
    )
    sort = forms.ChoiceField(
        label=_("排序"), choices=SORT_CHOICES, required=False, error_messages=ERRORS_CHOICE
    )

    def __init__(self, *args, villages: list[Village], themes: list[Theme], **kwargs):
        super().__init__(*args, **kwargs)
        village, theme = self.fields["village"], self.fields["theme"]
        assert isinstance(village, forms.ChoiceField) and isinstance(theme, forms.ChoiceField)
        village.choices = [("", _("全部村庄")), *((v.slug, v.name) for v in villages)]
        theme.choices = [("", _("全部主题")), *((t.slug, t.name) for t in themes)]

    def search_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            **self.stay(),
            "village": data["village"] or None,
            "theme": data["theme"] or None,
            "max_price": data["max_price"],
            "sort": data["sort"] or DEFAULT_SORT,
        }


class CalendarForm(BookingForm):
    """The price calendar's query: the first month shown ("2026-09"), the check-in picked, the party.
    Fill the party's blanks before binding; a month outside this month to the search's horizon is refused."""

    ERROR_FIELDS = {"guests": "guests", "capacity": "guests", "rooms": "rooms"}

    month = forms.RegexField(
        regex=r"^\d{4}-\d{2}$",
        required=False,
        error_messages={
            "invalid": _("请按“年-月”填写月份,例如 2026-09 Enter the month as year-month, e.g. 2026-09")
        },
    )
    check_in = forms.DateField(
        label=_("入住日期"), required=False, input_formats=[DATE_FORMAT], error_messages=ERRORS_DATE
    )
    guests = StayForm.base_fields["guests"]
    rooms = StayForm.base_fields["rooms"]

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.horizon = today + timedelta(days=SEARCH_HORIZON_DAYS)

    def clean_month(self) -> date:
        """The 1st of the month asked for, this month when none is."""
        text = self.cleaned_data["month"]
        this_month = self.today.replace(day=1)
        if not text:
            return this_month
        try:
            first = date(int(text[:4]), int(text[5:]), 1)
        except ValueError:
            raise ValidationError(self.fields["month"].error_messages["invalid"], code="invalid") from None
        if not this_month <= first <= self.horizon:
            raise ValidationError(
                _("只能查看本月到两年以内的月份 Only months from this one to two years ahead can be shown"),
                code="month",
            )
        return first

    def clean(self) -> dict:
        """Without a month, the one of the check-in asked for (when it can be shown)."""
        data = super().clean() or self.cleaned_data
        check_in, month = data.get("check_in"), data.get("month")
        if check_in and not self.data.get("month") and month and month <= check_in <= self.horizon:
            data["month"] = check_in.replace(day=1)
        return data


class GuestForm(BookingForm):
    """The lead guest's contact details and the payment method, checked by the core's rules."""

    ERROR_FIELDS = {"name": "lead_guest_name", "phone": "lead_guest_phone"}

    lead_guest_name = forms.CharField(
        label=_("联系人姓名"),
        required=False,
        max_length=NAME_MAX_LENGTH * 2,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages=ERRORS_TEXT,
    )
    lead_guest_phone = forms.CharField(
        label=_("手机号码"),
        required=False,
        max_length=30,
        help_text=_("民宿会用这个号码联系您。境外号码请以 + 开头。"),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel", "type": "tel"}),
        error_messages=ERRORS_TEXT,
    )
    payment = forms.ChoiceField(
        label=_("付款方式"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("请选择付款方式 Choose how to pay"),
            "invalid_choice": _(
                "这家民宿现在不接受这种付款方式,请选择下面列出的一种 "
                "This homestay does not take this way of paying now; choose one listed below"
            ),
        },
    )

    def __init__(self, *args, payments: dict[str, PaymentProvider], **kwargs):
        """``payments``: the ways of paying offered, ``{Booking.Payment value: provider}`` in the order
        shown (``booking_payments_for``); the provider's name is the choice's label."""
        super().__init__(*args, **kwargs)
        field = self.fields["payment"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(way, provider.name) for way, provider in payments.items()]
        field.initial = next(iter(payments), None)

    def clean_lead_guest_name(self) -> str:
        return clean_name(self.cleaned_data["lead_guest_name"])

    def clean_lead_guest_phone(self) -> str:
        return normalize_phone(self.cleaned_data["lead_guest_phone"])

    def payment_options(self) -> list[tuple]:
        """Each payment radio button with the sentence that explains it."""
        return [(radio, PAYMENT_NOTES[radio.data["value"]]) for radio in self["payment"]]


class CancelForm(BookingForm):
    reason = forms.CharField(
        label=_("取消原因（选填）"),
        required=False,
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages=ERRORS_TEXT,
    )
