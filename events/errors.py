"""Refusals of the ticket use cases: bilingual messages a person reads, with a stable ``code`` that the
pages and the API (409) match on. Nothing changed when one is raised."""

from django.utils.translation import gettext_lazy as _

from common.errors import DomainError


class TicketError(DomainError):
    def __init__(self, message=None):
        super().__init__(str(message if message is not None else self.default))

    default = _("操作失败 The action failed")


class SoldOut(TicketError):
    code = "sold_out"
    default = _("名额不足，请减少人数或选择其他场次 Not enough places left: fewer people or another time")


class SlotClosed(TicketError):
    code = "slot_closed"
    default = _(
        "这个场次已开始或已结束，不能再登记 This time slot has started or ended: registration is closed"
    )


class TooLate(TicketError):
    code = "too_late"
    default = _("活动已开始，不能再取消 The event has started: the ticket can no longer be cancelled")


class AlreadyCheckedIn(TicketError):
    code = "already_checked_in"
    default = _("这张票已经核验入场，不能再次使用 This ticket has already been checked in")


class TicketCancelled(TicketError):
    code = "cancelled"
    default = _("这张票已取消，不能入场 This ticket was cancelled: no entry")


class WrongDay(TicketError):
    code = "wrong_day"
    default = _("这张票不是今天的场次 This ticket is not for today")


class PaymentNotCollected(TicketError):
    code = "payment_not_collected"
    default = _("请先现场收款再核验 Collect the payment at the door first")
