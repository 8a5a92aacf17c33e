"""Staff pages for profit sharing (分账): the receiver accounts staff keep, the splits (read-only, with
a retry once what made one fail is fixed), the returns, and the payouts the group owes owners it
collected for, recorded as paid here. Imported by ``bookings/admin.py``."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from bookings.payments.admin import FlaggedAdmin, ReadOnlyAdmin
from bookings.payments.models import OwnerPayout, Split, SplitAccount, SplitReturn
from bookings.payments.splits import owner_payout_record_paid, split_retry


@admin.register(SplitAccount)
class SplitAccountAdmin(admin.ModelAdmin):
    list_display = [
        "party",
        "name",
        "homestay",
        "village",
        "wechat_mchid",
        "alipay_account",
        "verified",
        "active",
    ]
    list_filter = ["party", "verified", "active"]
    list_select_related = ["homestay", "village"]
    search_fields = ["name", "wechat_mchid", "alipay_account", "homestay__name", "village__name"]
    autocomplete_fields = ["homestay"]
    readonly_fields = ["updated_by", "updated_at"]

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.action(description=_("重新分账 Try the split again"))
def retry_splits(modeladmin, request: HttpRequest, queryset: QuerySet[Split]) -> None:
    retried = [split_retry(split=split) for split in queryset]
    count = sum(split.status == Split.Status.PENDING for split in retried)
    modeladmin.message_user(
        request, _("%(count)d 笔分账将重新发送 splits will be sent again") % {"count": count}
    )


class SplitReturnInline(admin.TabularInline):
    model = SplitReturn
    extra = 0
    can_delete = False
    fields = readonly_fields = (
        "party",
        "account",
        "amount",
        "out_return_no",
        "provider_return_id",
        "status",
        "created_at",
    )

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Split)
class SplitAdmin(FlaggedAdmin):
    list_display = [
        "booking",
        "mode",
        "amount",
        "commission",
        "collective",
        "owner",
        "status",
        "attempts",
        "needs_attention",
        "created_at",
    ]
    list_filter = ["needs_attention", "status", "mode"]
    list_select_related = ["booking"]
    search_fields = ["booking__reference", "out_order_no", "provider_order_id"]
    date_hierarchy = "created_at"
    actions = [retry_splits]
    inlines = [SplitReturnInline]


@admin.register(OwnerPayout)
class OwnerPayoutAdmin(ReadOnlyAdmin):
    """Owed payouts are paid by bank transfer outside the platform; staff then enter the date and the
    transfer reference here, which records the payout (and its ledger posting) once."""

    list_display = ["homestay", "booking", "amount", "reason", "status", "paid_on", "reference"]
    list_filter = ["status", "homestay__village"]
    list_select_related = ["homestay", "booking"]
    search_fields = ["booking__reference", "homestay__name", "reference"]
    EDITABLE = ("paid_on", "reference")

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if obj is not None and obj.status == OwnerPayout.Status.OWED:
            return [name for name in fields if name not in self.EDITABLE]
        return fields

    def save_model(self, request, obj, form, change):
        if obj.status == OwnerPayout.Status.OWED and obj.paid_on:
            owner_payout_record_paid(
                payout=obj, paid_on=obj.paid_on, reference=obj.reference, by=request.user
            )
            messages.success(request, _("已登记付款 The payout is recorded as paid"))
