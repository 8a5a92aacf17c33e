"""A reconciliation run (one provider, one Beijing day) and the mismatches it found. Models of the
``bookings`` app (``bookings/models.py`` imports this module), like the payments beside them.

One run per provider and day (a database constraint): running the day again updates that row and its
mismatches, so reruns leave no duplicates. A mismatch is keyed by its run, the kind of line and the
reference (ours when known, the provider's otherwise), again a constraint; one staff resolved keeps its
note when the day is run again.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.money import ZERO


class ReconciliationRun(models.Model):
    class State(models.TextChoices):
        MATCHED = "matched", _("全部对上 All matched")
        MISMATCHED = "mismatched", _("有差异 Mismatches")
        FAILED = "failed", _("未能下载账单 Bill not downloaded")

    provider = models.CharField(_("收款渠道 provider"), max_length=40)
    day = models.DateField(_("账单日期 bill date"))
    state = models.CharField(_("结果 result"), max_length=12, choices=State.choices)
    message = models.CharField(_("说明 message"), max_length=300, blank=True)
    lines = models.PositiveIntegerField(_("账单行数 bill lines"), default=0)
    matched = models.PositiveIntegerField(_("对上的行数 lines matched"), default=0)
    mismatches = models.PositiveIntegerField(_("差异数 mismatches"), default=0)
    bill_paid = models.DecimalField(
        _("账单收款 paid per bill"), max_digits=14, decimal_places=2, default=ZERO
    )
    bill_refunded = models.DecimalField(
        _("账单退款 refunded per bill"), max_digits=14, decimal_places=2, default=ZERO
    )
    bill_split = models.DecimalField(
        _("账单分账 split per bill"), max_digits=14, decimal_places=2, default=ZERO
    )
    ours_paid = models.DecimalField(
        _("本平台收款 paid per our books"), max_digits=14, decimal_places=2, default=ZERO
    )
    ours_refunded = models.DecimalField(
        _("本平台退款 refunded per our books"), max_digits=14, decimal_places=2, default=ZERO
    )
    ours_split = models.DecimalField(
        _("本平台分账 split per our books"), max_digits=14, decimal_places=2, default=ZERO
    )
    attempts = models.PositiveIntegerField(_("运行次数 runs"), default=1)
    started_at = models.DateTimeField(_("开始时间 started"))
    finished_at = models.DateTimeField(_("完成时间 finished"))

    class Meta:
        ordering = ["-day", "provider"]
        verbose_name = _("对账 reconciliation run")
        verbose_name_plural = _("对账 reconciliation runs")
        constraints = [
            models.UniqueConstraint(fields=["provider", "day"], name="reconciliation_run_once_per_day"),
            models.CheckConstraint(
                condition=Q(state__in=["matched", "mismatched", "failed"]),
                name="reconciliation_run_state_valid",
            ),
            models.CheckConstraint(
                condition=Q(matched__lte=models.F("lines")), name="reconciliation_run_matched_within_lines"
            ),
            models.CheckConstraint(
                condition=Q(state="mismatched", mismatches__gt=0) | ~Q(state="mismatched"),
                name="reconciliation_run_mismatched_has_some",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.day} {self.state}"


class Mismatch(models.Model):
    class Kind(models.TextChoices):
        MISSING_HERE = "missing_here", _("本平台没有 Missing here")
        MISSING_THERE = "missing_there", _("账单里没有 Missing in the bill")
        AMOUNT = "amount", _("金额不一致 Amount differs")
        STATUS = "status", _("状态不一致 Status differs")

    class Line(models.TextChoices):
        PAYMENT = "payment", _("收款 Payment")
        REFUND = "refund", _("退款 Refund")
        SPLIT = "split", _("分账 Profit sharing")

    run = models.ForeignKey(
        ReconciliationRun, on_delete=models.CASCADE, related_name="mismatch_lines", verbose_name=_("对账 run")
    )
    kind = models.CharField(_("差异 mismatch"), max_length=16, choices=Kind.choices)
    line = models.CharField(_("类别 line"), max_length=10, choices=Line.choices)
    reference = models.CharField(_("单号 reference"), max_length=255)
    provider_reference = models.CharField(_("渠道单号 provider reference"), max_length=255, blank=True)
    booking_reference = models.CharField(_("预订号 booking"), max_length=20, blank=True)
    bill_amount = models.DecimalField(
        _("账单金额 bill amount"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    our_amount = models.DecimalField(
        _("本平台金额 our amount"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(_("币种 currency"), max_length=3, default="CNY")
    detail = models.CharField(_("说明 detail"), max_length=300, blank=True)
    resolved_at = models.DateTimeField(_("处理时间 resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("处理人 resolved by"),
    )
    resolution_note = models.CharField(_("处理说明 note"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("发现时间 found"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间 updated"), auto_now=True)

    class Meta:
        ordering = ["resolved_at", "line", "reference"]
        verbose_name = _("对账差异 reconciliation mismatch")
        verbose_name_plural = _("对账差异 reconciliation mismatches")
        indexes = [
            models.Index(fields=["resolved_at"], condition=Q(resolved_at__isnull=True), name="mismatch_open"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["run", "line", "reference"], name="mismatch_once_per_run"),
            models.CheckConstraint(
                condition=Q(kind__in=["missing_here", "missing_there", "amount", "status"]),
                name="mismatch_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(line__in=["payment", "refund", "split"]), name="mismatch_line_valid"
            ),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True) | ~Q(resolution_note=""),
                name="mismatch_resolved_with_note",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.line} {self.reference}"

    @property
    def resolved(self) -> bool:
        return self.resolved_at is not None
