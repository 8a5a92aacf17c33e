"""The shareholder register of each village and the dividends declared to it.

A village has exactly one collective shareholder (村集体) and any number of member households (入股农户).
Shares are whole numbers (``PositiveIntegerField``): a household holds 3 shares, not 2.5, as the
village's register counts them. A ``Holding`` is held from ``entered_on`` up to, not including,
``exited_on`` (still held while empty).

A household's phone, ID number and bank account are personal data (DESIGN invariant 7): stored here,
shown only through ``masked_*`` everywhere, never in ``__str__``, exports for the group or log lines.

Money movements are ledger entries (``bookings.ledger``); ``Allocation.amount`` is the declared split,
a record of what was declared, not a balance.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from bookings.guests import mask_document_number
from common.money import CURRENCY
from villages.models import Village


class Shareholder(models.Model):
    class Kind(models.TextChoices):
        COLLECTIVE = "collective", _("村集体 Village collective")
        HOUSEHOLD = "household", _("入股农户 Member household")

    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="shareholders", verbose_name=_("村庄 village")
    )
    kind = models.CharField(_("类别 kind"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("户主或名称 head of household or name"), max_length=60)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="shareholdings",
        verbose_name=_("关联账号 linked account"),
    )
    phone = models.CharField(_("电话 phone"), max_length=20, blank=True)
    id_number = models.CharField(_("身份证号码 ID number"), max_length=18, blank=True)
    bank_account = models.CharField(_("银行账号 bank account"), max_length=34, blank=True)
    is_demo = models.BooleanField(_("演示数据 demo data"), default=False)
    created_at = models.DateTimeField(_("登记时间 registered"), auto_now_add=True)

    class Meta:
        ordering = ["village", "kind", "id"]
        verbose_name = _("股东 shareholder")
        verbose_name_plural = _("股东 shareholders")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["collective", "household"]), name="shareholder_kind_valid"
            ),
            models.UniqueConstraint(
                fields=["village"], condition=Q(kind="collective"), name="shareholder_one_collective"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="shareholder_has_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"

    @property
    def is_collective(self) -> bool:
        return self.kind == self.Kind.COLLECTIVE

    @property
    def party(self) -> str:
        """The receiver named on the ledger."""
        return f"household:{self.pk}"

    @property
    def masked_phone(self) -> str:
        return mask_document_number(self.phone) if self.phone else ""

    @property
    def masked_id_number(self) -> str:
        return mask_document_number(self.id_number) if self.id_number else ""

    @property
    def masked_bank_account(self) -> str:
        return mask_document_number(self.bank_account) if self.bank_account else ""


class Holding(models.Model):
    shareholder = models.ForeignKey(
        Shareholder, on_delete=models.PROTECT, related_name="holdings", verbose_name=_("股东 shareholder")
    )
    shares = models.PositiveIntegerField(_("股数 shares"))
    entered_on = models.DateField(_("入股日期 entered on"))
    exited_on = models.DateField(
        _("退股日期 exited on"), null=True, blank=True, help_text=_("这天起不再持有 Not held from this day")
    )
    created_at = models.DateTimeField(_("登记时间 registered"), auto_now_add=True)

    class Meta:
        ordering = ["shareholder", "entered_on", "id"]
        verbose_name = _("持股 holding")
        verbose_name_plural = _("持股 holdings")
        constraints = [
            models.CheckConstraint(condition=Q(shares__gt=0), name="holding_shares_positive"),
            models.CheckConstraint(
                condition=Q(exited_on__isnull=True) | Q(exited_on__gt=F("entered_on")),
                name="holding_exit_after_entry",
            ),
            # One open holding per shareholder; overlaps of closed ones are refused by the service.
            models.UniqueConstraint(
                fields=["shareholder"], condition=Q(exited_on__isnull=True), name="holding_one_open"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.shares} @ {self.entered_on}–{self.exited_on or ''}"


class DividendDeclaration(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿 Draft")
        DECLARED = "declared", _("已宣告 Declared")
        PAID = "paid", _("已付清 Paid")

    village = models.ForeignKey(
        Village,
        on_delete=models.PROTECT,
        related_name="dividend_declarations",
        verbose_name=_("村庄 village"),
    )
    period_start = models.DateField(_("分红期开始 period from"))
    period_end = models.DateField(_("分红期结束(含) period to (inclusive)"))
    collective_amount = models.DecimalField(
        _("来自村集体分成 from the collective's share"), max_digits=12, decimal_places=2
    )
    group_amount = models.DecimalField(_("集团追加 added by the group"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("币种 currency"), max_length=3, default=CURRENCY)
    status = models.CharField(_("状态 status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    note = models.CharField(_("说明 note"), max_length=200, blank=True)
    is_demo = models.BooleanField(_("演示数据 demo data"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("起草人 drafted by"),
    )
    created_at = models.DateTimeField(_("起草时间 drafted"), auto_now_add=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("宣告人 declared by"),
    )
    declared_at = models.DateTimeField(_("宣告时间 declared"), null=True, blank=True)
    declared_on = models.DateField(_("宣告日期 declared on"), null=True, blank=True)

    class Meta:
        ordering = ["village", "-period_start", "-id"]
        verbose_name = _("分红宣告 dividend declaration")
        verbose_name_plural = _("分红宣告 dividend declarations")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_start__lte=F("period_end")), name="declaration_period_in_order"
            ),
            models.CheckConstraint(
                condition=Q(collective_amount__gte=0) & Q(group_amount__gte=0),
                name="declaration_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(collective_amount__gt=0) | Q(group_amount__gt=0),
                name="declaration_amount_positive",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "declared", "paid"]), name="declaration_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status="draft", declared_at__isnull=True, declared_on__isnull=True)
                | (~Q(status="draft") & Q(declared_at__isnull=False, declared_on__isnull=False)),
                name="declaration_declared_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period_start}–{self.period_end} ¥{self.total}"

    @property
    def total(self) -> Decimal:
        return self.collective_amount + self.group_amount

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class Allocation(models.Model):
    """One shareholder's part of a declaration: ``amount``, of which ``collective_part`` comes from the
    collective's share and the rest (``group_part``) from the group."""

    declaration = models.ForeignKey(
        DividendDeclaration,
        on_delete=models.PROTECT,
        related_name="allocations",
        verbose_name=_("分红宣告 declaration"),
    )
    shareholder = models.ForeignKey(
        Shareholder, on_delete=models.PROTECT, related_name="allocations", verbose_name=_("股东 shareholder")
    )
    share_days = models.PositiveBigIntegerField(_("股·天 share-days"))
    amount = models.DecimalField(_("金额 amount"), max_digits=12, decimal_places=2)
    collective_part = models.DecimalField(_("村集体出 from the collective"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["declaration", "shareholder__kind", "shareholder_id"]
        verbose_name = _("分红分配 allocation")
        verbose_name_plural = _("分红分配 allocations")
        constraints = [
            models.UniqueConstraint(fields=["declaration", "shareholder"], name="allocation_once"),
            models.CheckConstraint(
                condition=Q(collective_part__gte=0) & Q(collective_part__lte=F("amount")),
                name="allocation_collective_part_within",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} ¥{self.amount}"

    @property
    def group_part(self) -> Decimal:
        return self.amount - self.collective_part

    @property
    def payable(self) -> bool:
        """Paid to the household by a ``HouseholdPayout``: a household's non-zero part. The collective's
        part stays with the collective, paid through the collective payouts (``bookings.revenue``)."""
        return self.amount > 0 and self.shareholder.kind == Shareholder.Kind.HOUSEHOLD


class HouseholdPayout(models.Model):
    allocation = models.OneToOneField(
        Allocation, on_delete=models.PROTECT, related_name="payout", verbose_name=_("分红分配 allocation")
    )
    paid_on = models.DateField(_("付款日期 paid on"))
    reference = models.CharField(_("银行转账单号 bank reference"), max_length=80, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("登记人 recorded by"),
    )
    created_at = models.DateTimeField(_("登记时间 recorded"), auto_now_add=True)

    class Meta:
        ordering = ["-paid_on", "-id"]
        verbose_name = _("农户分红支付 household payout")
        verbose_name_plural = _("农户分红支付 household payouts")

    def __str__(self) -> str:
        return f"#{self.allocation_id} {self.paid_on}"
