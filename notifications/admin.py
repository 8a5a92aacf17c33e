from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from notifications.models import ContactPreference, Notification
from notifications.services import notification_retry


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "event", "subject", "role", "channel", "language", "status", "attempts")
    list_filter = ("status", "channel", "role", "event")
    search_fields = ("subject", "event")
    date_hierarchy = "created_at"
    actions = ["retry"]
    readonly_fields = [field.name for field in Notification._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

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
