"""What a member household's linked account is told: a dividend declared to it, and paid.

Queued through ``notifications.services`` inside the declaring or paying transaction (sent after it
commits, once per key), rendered by the worker from the allocation as it is then. A household with no
linked account is told nothing here (the village tells it in person). Bilingual, Chinese first; no
ID or bank number in any message. Each has an SMS template (``SMS``; Chinese, one SMS of 70 characters
with the signature, the village's name cut to ``NAME_LIMIT`` characters), listed in
``SMS_TEMPLATE_NAMES``.
"""

from django.conf import settings
from django.urls import reverse

from notifications.channels import Message, SmsContent
from notifications.models import Notification
from notifications.registry import renderer_register
from notifications.services import Notice, notifications_queue
from notifications.sms.templates import SmsTemplate, sms_param, sms_template_register

PREFIX = "dividend."
DECLARED = "dividend.declared"
PAID = "dividend.paid"
ROLE = "household"
NAME_LIMIT = 12
SMS = {
    DECLARED: SmsTemplate(
        "dividend_declared",
        "${village}向您宣告分红${amount}元（${period}），明细请见“我的分红”。",
        "入股农户：分红已宣告 Household: dividend declared",
    ),
    PAID: SmsTemplate(
        "dividend_paid",
        "${village}的分红${amount}元已于${day}支付给您，明细请见“我的分红”。",
        "入股农户：分红已支付 Household: dividend paid",
    ),
}
HEADLINES = {
    DECLARED: "分红已宣告 A dividend was declared to you",
    PAID: "分红已支付 Your dividend was paid",
}


def declared_queue(*, allocations) -> None:
    notifications_queue(
        [
            Notice(
                key=f"{DECLARED}:{allocation.pk}",
                event=DECLARED,
                subject=f"allocation:{allocation.pk}",
                role=ROLE,
                recipient=allocation.shareholder.user,
            )
            for allocation in allocations
            if allocation.shareholder.user is not None
        ]
    )


def paid_queue(*, allocation) -> None:
    if allocation.shareholder.user is None:
        return
    notifications_queue(
        [
            Notice(
                key=f"{PAID}:{allocation.pk}",
                event=PAID,
                subject=f"allocation:{allocation.pk}",
                role=ROLE,
                recipient=allocation.shareholder.user,
            )
        ]
    )


def render(notification: Notification) -> Message | None:
    from shareholders.models import Allocation

    pk = notification.subject.partition(":")[2]
    allocation = (
        Allocation.objects.select_related("declaration__village", "shareholder", "payout")
        .filter(pk=pk if pk.isdigit() else 0)
        .first()
    )
    if allocation is None:
        return None
    declaration = allocation.declaration
    headline = HEADLINES[notification.event]
    village = declaration.village
    url = f"{settings.SITE_URL.rstrip('/')}{reverse('shareholders:my_dividends')}"
    period = f"{declaration.period_start.isoformat()} – {declaration.period_end.isoformat()}"
    lines = [
        f"{allocation.shareholder.name}:",
        f"{headline}",
        f"村庄 Village: {village.name}",
        f"分红期 Period: {period}",
        f"金额 Amount: ¥{allocation.amount}",
    ]
    paid_on = allocation.payout.paid_on if hasattr(allocation, "payout") else None
    if notification.event == PAID and paid_on is not None:
        lines.append(f"付款日期 Paid on: {paid_on.isoformat()}")
    params = {
        "village": sms_param(village.name, limit=NAME_LIMIT),
        "amount": f"{allocation.amount}",
        "period": f"{declaration.period_start:%Y.%m}–{declaration.period_end:%Y.%m}",
        "day": f"{paid_on.month}月{paid_on.day}日" if paid_on else "",
    }
    template = SMS[notification.event]
    lines.append(f"查看明细 Your statement: {url}")
    return Message(
        subject=f"[{settings.SITE_NAME}] {headline} · ¥{allocation.amount}",
        text="\n".join(lines) + "\n",
        short=f"【{settings.SITE_NAME}】{headline} ¥{allocation.amount}",
        sms=SmsContent(template.name, {name: params[name] for name in template.params}),
        facts={"amount": allocation.amount, "village": village.name},
    )


def register() -> None:
    renderer_register(PREFIX, render)
    for template in SMS.values():
        sms_template_register(template)
