"""The group's staff add producers and products here (and see orders: changes to orders go through the
producer console, whose use cases post to the ledger)."""

from django import forms
from django.contrib import admin
from django.core.files.uploadedfile import UploadedFile
from modeltranslation.admin import TabbedTranslationAdmin

from shop.models import Order, OrderEvent, OrderLine, Producer, Product
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

    def has_add_permission(self, request):
        return False
