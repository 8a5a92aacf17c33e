from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from common.models import UserPhone, WeChatIdentity, WeChatOpenId
from common.phones import phone_mask


@admin.register(UserPhone)
class UserPhoneAdmin(admin.ModelAdmin):
    """Numbers shown masked (DESIGN invariant 7); staff find one by typing it in full. People add and
    change their own number through the account pages, where it is verified by a code."""

    list_display = ["masked_number", "user", "verified", "changed_at"]
    list_filter = ["verified"]
    search_fields = ["=number", "user__username", "user__email"]
    fields = ["user", "masked_number", "verified", "changed_at"]
    readonly_fields = ["user", "masked_number", "changed_at"]

    @admin.display(description=_("手机号 phone number"))
    def masked_number(self, obj: UserPhone) -> str:
        return phone_mask(obj.number)

    def has_add_permission(self, request) -> bool:
        return False


class WeChatOpenIdInline(admin.TabularInline):
    model = WeChatOpenId
    extra = 0
    fields = ["kind", "appid", "openid", "seen_at"]
    readonly_fields = ["kind", "appid", "openid", "seen_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(WeChatIdentity)
class WeChatIdentityAdmin(admin.ModelAdmin):
    """Who is who on WeChat. Read-only: identities are made and linked by signing in through WeChat."""

    list_display = ["user", "nickname", "unionid", "linked_at"]
    search_fields = ["=unionid", "=openids__openid", "user__username", "user__email"]
    fields = ["user", "nickname", "unionid", "linked_at"]
    readonly_fields = ["user", "nickname", "unionid", "linked_at"]
    inlines = [WeChatOpenIdInline]

    def has_add_permission(self, request) -> bool:
        return False
