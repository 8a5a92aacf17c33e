"""What a member household's linked account is told: a dividend declared to it, and paid.

Queued through ``notifications.services`` inside the declaring or paying transaction (sent after it
commits, once per key), rendered by the worker from the allocation as it is then. A household with no
linked account is told nothing here (the village tells it in person). Bilingual, Chinese first; no
ID or bank number in any message. No SMS template exists for these yet: a person reached only by text
gets the message on their next channel, or none (``notifications``).
"""

from django.conf import settings
from django.urls import reverse

from notifications.channels import Message
from notifications.models import Notification
from notifications.registry import renderer_register
from notifications.services import Notice, notifications_queue

PREFIX = "dividend."
DECLARED = "dividend.declared"
PAID = "dividend.paid"
ROLE = "household"
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
    if notification.event == PAID and hasattr(allocation, "payout"):
        lines.append(f"付款日期 Paid on: {allocation.payout.paid_on.isoformat()}")
    lines.append(f"查看明细 Your statement: {url}")
    return Message(
        subject=f"[{settings.SITE_NAME}] {headline} · ¥{allocation.amount}",
        text="\n".join(lines) + "\n",
        short=f"【{settings.SITE_NAME}】{headline} ¥{allocation.amount}",
        facts={"amount": allocation.amount, "village": village.name},
    )


def register() -> None:
    renderer_register(PREFIX, render)
