from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from notifications.models import ContactPreference, Notification, WeChatSubscription
from notifications.privacy import mask_address, redact
from notifications.services import notification_retry

# Shown masked, redacted or by number instead (DESIGN invariant 7): a username is often the e-mail's
# local part.
PRIVATE_FIELDS = ("recipient", "address", "last_error")


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = (
        *("created_at", "event", "subject", "role", "channel", "address_shown", "language", "status"),
        *("attempts", "delivered_at"),
    )
    list_filter = ("status", "channel", ("delivered_at", admin.EmptyFieldListFilter), "role", "event")
    search_fields = ("subject", "event", "=provider_id")
    date_hierarchy = "created_at"
    actions = ["retry"]
    exclude = PRIVATE_FIELDS
    readonly_fields = [
        field.name if field.name not in PRIVATE_FIELDS else f"{field.name}_shown"
        for field in Notification._meta.fields
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("收件人 recipient"))
    def recipient_shown(self, notification: Notification) -> str:
        return f"#{notification.recipient_id}" if notification.recipient_id else "—"

    @admin.display(description=_("地址 address"))
    def address_shown(self, notification: Notification) -> str:
        return mask_address(notification.address)

    @admin.display(description=_("最近错误 last error"))
    def last_error_shown(self, notification: Notification) -> str:
        return redact(notification.last_error)

    @admin.action(description=_("重新发送失败的通知 Send failed notifications again"), permissions=["change"])
    def retry(self, request, queryset):
        for notification in queryset.filter(status=Notification.Status.FAILED):
            notification_retry(notification=notification)
        self.message_user(request, _("已重新排队 Queued again"), messages.SUCCESS)


@admin.register(ContactPreference)
class ContactPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "channel", "language")
    list_filter = ("channel", "language")
    raw_id_fields = ("user",)


@admin.register(WeChatSubscription)
class WeChatSubscriptionAdmin(admin.ModelAdmin):
    """What people agreed to receive on WeChat, to answer "why did I get an SMS?"; read-only: only the
    person (through the mini-program) and WeChat's answers change it."""

    list_display = ("template_id", "remaining", "accepted_at", "refused_at", "person")
    list_filter = ("template_id",)
    fields = ("template_id", "remaining", "accepted_at", "refused_at", "person")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("用户 user"))
    def person(self, subscription: WeChatSubscription) -> str:
        return f"#{subscription.openid.identity.user_id}"
