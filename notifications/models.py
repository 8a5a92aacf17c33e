"""One row per message to one person on one channel: what, to whom, in which language, and how sending
went (status, attempts, the last error, when to try again). The ``key`` makes queueing idempotent: the
same event about the same thing for the same person is recorded, and sent, once.

After sending, ``provider_id`` is the provider's id for the message (an SMS's BizId or SerialNo) and the
carrier's receipt, when one comes (``notifications.receipts``), sets ``delivered_at``, or turns a
message the carrier could not deliver into ``failed`` with the carrier's error."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("电子邮件 E-mail")
    SMS = "sms", _("短信 SMS")
    WECHAT = "wechat", _("微信消息 WeChat message")


class Notification(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("待发送 Pending")
        SENT = "sent", _("已发送 Sent")
        FAILED = "failed", _("发送失败 Failed")
        SKIPPED = "skipped", _("无需发送 Not needed")

    key = models.CharField(_("去重键 key"), max_length=200, unique=True)
    event = models.CharField(_("事件 event"), max_length=60)
    subject = models.CharField(
        _("对象 about"), max_length=60, help_text=_("如 booking:ABCD2345 e.g. booking:ABCD2345")
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("收件人 recipient"),
    )
    role = models.CharField(_("身份 role"), max_length=10)
    channel = models.CharField(_("渠道 channel"), max_length=10, choices=Channel.choices)
    address = models.CharField(_("地址 address"), max_length=254, blank=True)
    language = models.CharField(_("语言 language"), max_length=10, choices=settings.LANGUAGES)
    context = models.JSONField(_("参数 details"), default=dict, blank=True)
    status = models.CharField(_("状态 status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数 attempts"), default=0)
    last_error = models.CharField(_("最近错误 last error"), max_length=300, blank=True)
    next_attempt_at = models.DateTimeField(_("下次尝试 next attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间 sent"), null=True, blank=True)
    provider_id = models.CharField(
        _("服务商消息编号 provider's message id"),
        max_length=100,
        blank=True,
        help_text=_("短信 BizId / SerialNo，微信订阅消息 msgid SMS BizId / SerialNo, WeChat msgid"),
    )
    delivered_at = models.DateTimeField(_("送达时间 delivered"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间 created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间 updated"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("通知 notification")
        verbose_name_plural = _("通知 notifications")
        indexes = [
            models.Index(fields=["subject", "created_at"], name="notification_subject"),
            models.Index(fields=["next_attempt_at"], condition=Q(status="pending"), name="notification_due"),
            models.Index(fields=["status"], condition=Q(status="failed"), name="notification_failed"),
            models.Index(
                fields=["sent_at"],
                condition=Q(status="sent", channel="sms", delivered_at__isnull=True) & ~Q(provider_id=""),
                name="notification_awaiting_receipt",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "sent", "failed", "skipped"]),
                name="notification_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(channel__in=["email", "sms", "wechat"]), name="notification_channel_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False), name="notification_sent_has_time"
            ),
            models.CheckConstraint(
                condition=Q(delivered_at__isnull=True) | Q(status="sent"),
                name="notification_delivered_was_sent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.role} ({self.channel}, {self.status})"


class ContactPreference(models.Model):
    """How a person wants to hear from the platform: the channel and the language. An empty channel (and
    no row at all) is the default of ``notifications.routing``: owners by SMS when they have a verified
    phone, guests on the channel they signed up with; the language defaults to Chinese."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="contact_preference",
        verbose_name=_("用户 user"),
    )
    channel = models.CharField(
        _("通知方式 how to reach me"), max_length=10, choices=Channel.choices, blank=True, default=""
    )
    language = models.CharField(
        _("通知语言 language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    class Meta:
        verbose_name = _("通知偏好 contact preference")
        verbose_name_plural = _("通知偏好 contact preferences")
        constraints = [
            models.CheckConstraint(
                condition=Q(channel__in=["", "email", "sms", "wechat"]),
                name="contact_preference_channel_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel or 'auto'} / {self.language}"


class WeChatSubscription(models.Model):
    """Messages a person agreed to receive on one subscription template of the mini-program
    (``wx.requestSubscribeMessage``): each "accept" allows one message (a one-time subscription), so
    ``remaining`` counts the acceptances not yet used; a send takes one. WeChat's 43101 (the person
    refused, or turned the template off) sets it to zero and records when."""

    openid = models.ForeignKey(
        "common.WeChatOpenId",
        on_delete=models.CASCADE,
        related_name="subscriptions",
        verbose_name=_("小程序 OpenID mini-program openid"),
    )
    template_id = models.CharField(_("模板编号 template id"), max_length=64)
    remaining = models.PositiveIntegerField(_("可发送条数 messages left"), default=0)
    accepted_at = models.DateTimeField(_("最近同意 last accepted"), null=True, blank=True)
    refused_at = models.DateTimeField(_("最近拒收 last refused"), null=True, blank=True)

    class Meta:
        verbose_name = _("微信订阅消息授权 WeChat subscription")
        verbose_name_plural = _("微信订阅消息授权 WeChat subscriptions")
        constraints = [
            models.UniqueConstraint(fields=["openid", "template_id"], name="wechat_subscription_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.template_id[:8]}… × {self.remaining}"
