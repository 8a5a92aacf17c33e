from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.phones import phone_mask


class IdempotencyKey(models.Model):
    """An API write sent with an ``Idempotency-Key`` header, and its answer to replay on a retry.

    A row is claimed before the write runs (``status_code`` empty: in flight) and completed with the
    answer afterwards; see ``common.idempotency``."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("用户 user"),
    )
    key = models.CharField(_("幂等键 idempotency key"), max_length=255)
    method = models.CharField(_("请求方法 method"), max_length=10)
    path = models.TextField(_("路径 path"))
    body_digest = models.CharField(_("请求体摘要 body digest"), max_length=64, help_text="SHA-256")
    status_code = models.PositiveSmallIntegerField(
        _("状态码 status code"),
        null=True,
        blank=True,
        help_text=_("空表示请求仍在处理 Empty while the request is still running"),
    )
    response_body = models.TextField(_("响应内容 response body"), blank=True)
    response_headers = models.JSONField(_("响应头 response headers"), default=dict, blank=True)
    created_at = models.DateTimeField(_("创建时间 created"), db_index=True)

    class Meta:
        verbose_name = _("幂等键 idempotency key")
        verbose_name_plural = _("幂等键 idempotency keys")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} ({self.key})"


class UserPhone(models.Model):
    """A person's mobile number, in E.164: how they sign in by SMS code and how SMS reaches them.

    One per person (the account adapter's ``get_phone``/``set_phone``), and one person per *verified*
    number, so a number signs in to exactly one account. A number typed at sign-up is held unverified
    until its code comes back; several accounts may hold one number so (a stranger can type anyone's
    number), and the account that verifies it takes it from the others (``common.user_phones``)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="phone",
        verbose_name=_("用户 user"),
    )
    number = models.CharField(_("手机号 phone number"), max_length=16, db_index=True, help_text="E.164")
    verified = models.BooleanField(_("已验证 verified"), default=False)
    changed_at = models.DateTimeField(_("修改时间 changed"), auto_now=True)

    class Meta:
        verbose_name = _("手机号 phone number")
        verbose_name_plural = _("手机号 phone numbers")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(number__regex=r"^\+[1-9][0-9]{5,14}$"), name="user_phone_is_e164"
            ),
            models.UniqueConstraint(
                fields=["number"], condition=models.Q(verified=True), name="user_phone_verified_is_unique"
            ),
        ]

    def __str__(self) -> str:
        return phone_mask(self.number)


class WeChatIdentity(models.Model):
    """One person as WeChat knows them: their UnionID, shared by every app of the group's WeChat Open
    Platform account (the website's QR login, the official account, the mini-program).

    Keyed by the UnionID, never by an openid, so signing in on the website, inside the official account
    and in the mini-program is one person. A UnionID is empty only while no app bound to the Open
    Platform account has been seen; such an identity is joined by its openids alone."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="wechat",
        verbose_name=_("用户 user"),
    )
    unionid = models.CharField(_("UnionID"), max_length=64, unique=True, null=True, blank=True)
    nickname = models.CharField(_("微信昵称 WeChat nickname"), max_length=100, blank=True)
    linked_at = models.DateTimeField(_("绑定时间 linked"), auto_now_add=True)

    class Meta:
        verbose_name = _("微信身份 WeChat identity")
        verbose_name_plural = _("微信身份 WeChat identities")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(unionid=""), name="wechat_identity_unionid_null_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return self.nickname or (self.unionid or "")[:8] or str(self.pk)


class WeChatOpenId(models.Model):
    """A person's openid in one WeChat app (appid): what JSAPI payment and subscription messages to
    that app need. One per person and app, and one person per openid."""

    class Kind(models.TextChoices):
        WEBSITE = "website", _("网站扫码登录 website QR login")
        OFFICIAL_ACCOUNT = "official_account", _("公众号网页授权 official account")
        MINI_PROGRAM = "mini_program", _("小程序 mini-program")

    identity = models.ForeignKey(
        WeChatIdentity,
        on_delete=models.CASCADE,
        related_name="openids",
        verbose_name=_("微信身份 WeChat identity"),
    )
    appid = models.CharField(_("AppID"), max_length=32)
    kind = models.CharField(_("应用类型 app kind"), max_length=20, choices=Kind.choices)
    openid = models.CharField(_("OpenID"), max_length=64)
    seen_at = models.DateTimeField(_("最近登录 last seen"), auto_now=True)

    class Meta:
        verbose_name = _("微信 OpenID")
        verbose_name_plural = _("微信 OpenID")
        constraints = [
            models.UniqueConstraint(fields=["appid", "openid"], name="wechat_openid_unique"),
            models.UniqueConstraint(fields=["identity", "appid"], name="wechat_openid_one_per_app"),
        ]

    def __str__(self) -> str:
        return f"{self.appid}:{self.openid[:6]}…"
