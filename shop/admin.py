"""The group's staff add producers and products here (and see orders: changes to orders go through the
producer console, whose use cases post to the ledger, or the admin's actions that call the same use
cases: recording a return). Payouts to producers are recorded at /shop/payouts/ and only listed here."""

from django import forms
from django.contrib import admin, messages
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin

from shop.errors import ShopError
from shop.models import Order, OrderEvent, OrderLine, Producer, ProducerPayout, Product
from shop.returns import order_return
from shop.services import Actor
from shop.transitions import STAFF
from villages.photos.images import photo_for_web


class ProductForm(forms.ModelForm):
    """A product photo gets the owners' photo checks: type, size, pixels, upright, resized, no metadata."""

    class Meta:
        model = Product
        fields = [
            "producer",
            "name_zh_hans",
            "name_en",
            "description_zh_hans",
            "description_en",
            "unit",
            "price",
            "stock",
            "margin_rate",
            "active",
            "photo",
            "demo",
        ]

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if isinstance(photo, UploadedFile):
            content = photo_for_web(photo)
            content.name = "product.jpg"
            return content
        return photo


@admin.register(Producer)
class ProducerAdmin(TabbedTranslationAdmin):
    list_display = ["name", "village", "kind", "demo"]
    list_filter = ["village", "kind", "demo"]
    filter_horizontal = ["users"]


@admin.register(Product)
class ProductAdmin(TabbedTranslationAdmin):
    form = ProductForm
    list_display = ["name", "producer", "unit", "price", "stock", "margin_rate", "active", "demo"]
    list_filter = ["active", "demo", "producer__village"]


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    can_delete = False
    readonly_fields = ["product", "name", "unit", "quantity", "unit_price", "margin_rate"]


class OrderEventInline(admin.TabularInline):
    model = OrderEvent
    extra = 0
    can_delete = False
    readonly_fields = ["action", "role", "user", "status_before", "status_after", "created_at"]


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["reference", "producer", "status", "fulfilment", "total", "paid_at", "created_at"]
    list_filter = ["status", "fulfilment"]
    search_fields = ["reference"]
    inlines = [OrderLineInline, OrderEventInline]
    readonly_fields = [field.name for field in Order._meta.fields]
    actions = ["record_return_goods_back", "record_return_goods_kept"]

    def has_add_permission(self, request):
        return False

    def _return(self, request, queryset, *, goods_back: bool) -> None:
        done, refused = 0, []
        for order in queryset.order_by("pk"):
            try:
                order_return(order=order, actor=Actor(STAFF, request.user), goods_back=goods_back)
            except ShopError as refusal:
                refused.append(f"{order.reference}: {refusal.message}")
            else:
                done += 1
        if done:
            self.message_user(
                request, _("已登记退货 Returns recorded: %(n)d") % {"n": done}, messages.SUCCESS
            )
        for line in refused:
            self.message_user(request, line, messages.ERROR)

    @admin.action(description=_("登记退货(货物已退回、重新入库)并退款 Record a return, goods back in stock"))
    def record_return_goods_back(self, request, queryset):
        self._return(request, queryset, goods_back=True)

    @admin.action(description=_("登记退货(货物未退回)并退款 Record a return, goods not back"))
    def record_return_goods_kept(self, request, queryset):
        self._return(request, queryset, goods_back=False)


@admin.register(ProducerPayout)
class ProducerPayoutAdmin(admin.ModelAdmin):
    """A payout is recorded at /shop/payouts/ (checked against what is owed, posted to the ledger)."""

    list_display = ["producer", "amount", "paid_on", "recorded_by", "created_at"]
    list_filter = ["producer__village"]
    readonly_fields = [field.name for field in ProducerPayout._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
