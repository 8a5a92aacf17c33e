"""Revenue-share rules per village and the dividends paid to village collectives (村集体分红).

``bookings/models.py`` imports this module, so these are models of the ``bookings`` app. Money movements
themselves are ledger entries (``bookings.ledger``); a ``DividendPayout`` is the record behind one payout
posting, never a stored balance.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from common.money import CURRENCY
from villages.models import Village

RATE_DIGITS = 5
RATE_PLACES = 4
# Rates have 4 places, so "at most 1" is "below 1.00005": SQLite compares decimals as floats, and
# 0.3 + 0.7 need not be exactly 1 there.
WHOLE_WITH_SLACK = Decimal("1.00005")


class RevenueShareRule(models.Model):
    """From ``effective_from`` on (a Beijing date), bookings made in the village are split: the platform
    keeps ``commission_rate``, the village collective gets ``collective_rate``, the owner the rest.
    A booking follows the rule in effect on the day it was made, whatever changes later."""

    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="revenue_rules", verbose_name=_("村庄 village")
    )
    effective_from = models.DateField(
        _("生效日期 effective from"), help_text=_("这天及以后下的预订适用 Bookings made on or after this day")
    )
    commission_rate = models.DecimalField(
        _("平台佣金比例 platform commission rate"), max_digits=RATE_DIGITS, decimal_places=RATE_PLACES
    )
    collective_rate = models.DecimalField(
        _("村集体分成比例 village collective rate"), max_digits=RATE_DIGITS, decimal_places=RATE_PLACES
    )
    is_demo = models.BooleanField(_("演示数据 demo data"), default=False)
    note = models.CharField(_("说明 note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("设置人 set by"),
    )
    created_at = models.DateTimeField(_("创建时间 created"), auto_now_add=True)

    class Meta:
        ordering = ["village", "-effective_from"]
        verbose_name = _("分成规则 revenue-share rule")
        verbose_name_plural = _("分成规则 revenue-share rules")
        constraints = [
            models.UniqueConstraint(
                fields=["village", "effective_from"], name="revenue_rule_one_per_village_and_day"
            ),
            models.CheckConstraint(
                condition=Q(commission_rate__gte=0) & Q(collective_rate__gte=0),
                name="revenue_rule_rates_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(commission_rate__lte=WHOLE_WITH_SLACK - F("collective_rate")),
                name="revenue_rule_rates_at_most_whole",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.effective_from} {self.commission_rate}/{self.collective_rate}"

    @property
    def owner_rate(self) -> Decimal:
        return Decimal(1) - self.commission_rate - self.collective_rate


class DividendPayout(models.Model):
    """Money the group paid to a village collective for its share of a period's bookings (by arrival
    date). Written once by ``dividend_payout_record`` together with its ledger posting."""

    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="dividend_payouts", verbose_name=_("村庄 village")
    )
    period_start = models.DateField(_("结算期开始 period from"))
    period_end = models.DateField(_("结算期结束(含) period to (inclusive)"))
    amount = models.DecimalField(_("金额 amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("币种 currency"), max_length=3, default=CURRENCY)
    paid_on = models.DateField(_("付款日期 paid on"))
    reference = models.CharField(_("转账单号 transfer reference"), max_length=80, blank=True)
    note = models.CharField(_("说明 note"), max_length=200, blank=True)
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
        ordering = ["village", "-paid_on", "-id"]
        verbose_name = _("村集体分红支付 dividend payout")
        verbose_name_plural = _("村集体分红支付 dividend payouts")
        indexes = [models.Index(fields=["village", "period_start"], name="dividend_payout_village_period")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="dividend_payout_amount_positive"),
            models.CheckConstraint(
                condition=Q(period_start__lte=F("period_end")), name="dividend_payout_period_in_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period_start}–{self.period_end} ¥{self.amount}"
