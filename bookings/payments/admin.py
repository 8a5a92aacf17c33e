"""Staff views of payments, refunds, provider events and the ledger: read-only (money changes only
through the services), with the records that need a person filtered out first. The one thing staff
change is the "needs attention" flag of a payment or refund, once they have dealt with it (the group's
queue at ``/group/attention/`` links here). Imported by ``bookings/admin.py``."""

from django import forms
from django.contrib import admin

from bookings.ledger import LedgerEntry
from bookings.payments.base import provider_choices
from bookings.payments.models import HomestayPayment, Payment, Refund, WebhookEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class FlaggedAdmin(ReadOnlyAdmin):
    """Read-only but for ``needs_attention``. Saving writes that flag alone, so a change page opened
    before a webhook moved the record on never puts the old status back."""

    FLAG = "needs_attention"

    def get_readonly_fields(self, request, obj=None):
        return [name for name in super().get_readonly_fields(request, obj) if name != self.FLAG]

    def save_model(self, request, obj, form, change):
        obj.save(update_fields=[self.FLAG, "updated_at"])


@admin.register(Payment)
class PaymentAdmin(FlaggedAdmin):
    list_display = [
        "booking",
        "payable",
        "provider",
        "amount",
        "status",
        "applied",
        "needs_attention",
        "created_at",
    ]
    list_filter = ["needs_attention", "status", "provider", "applied"]
    list_select_related = ["booking"]
    search_fields = ["booking__reference", "payable", "provider_reference", "provider_payment_reference"]
    date_hierarchy = "created_at"


@admin.register(Refund)
class RefundAdmin(FlaggedAdmin):
    list_display = ["booking", "payable", "amount", "reason", "status", "needs_attention", "created_at"]
    list_filter = ["needs_attention", "status", "reason"]
    list_select_related = ["booking"]
    search_fields = ["booking__reference", "payable", "provider_reference"]
    date_hierarchy = "created_at"


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyAdmin):
    list_display = ["event_type", "event_id", "provider", "received_at"]
    list_filter = ["provider", "event_type"]
    search_fields = ["event_id"]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ["booking", "kind", "account", "amount", "currency", "provider", "created_at"]
    list_filter = ["kind", "account", "provider"]
    list_select_related = ["booking"]
    search_fields = ["booking__reference"]
    date_hierarchy = "created_at"


class HomestayPaymentForm(forms.ModelForm):
    providers = forms.MultipleChoiceField(choices=provider_choices, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = HomestayPayment
        fields = ["homestay", "providers"]


@admin.register(HomestayPayment)
class HomestayPaymentAdmin(admin.ModelAdmin):
    form = HomestayPaymentForm
    list_display = ["homestay", "providers"]
    list_select_related = ["homestay"]
    autocomplete_fields = ["homestay"]
