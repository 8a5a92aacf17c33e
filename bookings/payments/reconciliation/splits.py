"""The hook through which reconciliation reads our profit-sharing (分账) records.

Splits are recorded by the profit-sharing code, which this package does not import (it may live in
another module or app); it names a function in ``settings.RECONCILIATION_SPLIT_RECORDS`` (a dotted path)::

    def split_records(*, provider: str, start: datetime, end: datetime,
                      references: Collection[str]) -> Iterable[SplitRecord]: ...

It returns, for ``provider`` (``"wechat_pay"``, ``"alipay"``), every split receiver line of ours that
finished (succeeded or failed at the provider) within ``[start, end)`` (the Beijing day, aware
datetimes) with ``in_day=True``, and the lines named by ``references`` (``split_key(out_order_no,
receiver)``, found in the bill but perhaps finished on another day here) with ``in_day`` true or false as
it is. A split return (分账回退) is a line too: its return number in ``out_order_no``, the receiver who
gave back, the amount negative. Unset, splits are not reconciled and the profit-sharing bill (WeChat
Pay) or the owners' account statements (Alipay) are not downloaded.
"""

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.utils.module_loading import import_string

from bookings.payments.reconciliation.bills import split_key


@dataclass(frozen=True)
class SplitRecord:
    """One receiver's share of one split order of ours (or of one return). ``out_order_no``: our split
    order number sent to WeChat Pay (or Alipay's settlement request number, or a return's number);
    ``receiver``: the receiver's account (mchid, openid, Alipay user id) as the bill names it;
    ``provider_reference``: the provider's order_id or settle_no; ``succeeded``: the money moved."""

    out_order_no: str
    receiver: str
    amount: Decimal
    succeeded: bool
    in_day: bool
    provider_reference: str = ""
    booking_reference: str = ""
    currency: str = "CNY"

    @property
    def reference(self) -> str:
        return split_key(self.out_order_no, self.receiver)


SplitHook = Callable[..., Iterable[SplitRecord]]


def split_hook() -> SplitHook | None:
    path = getattr(settings, "RECONCILIATION_SPLIT_RECORDS", "")
    return import_string(path) if path else None


def split_records(
    *, provider: str, start: datetime, end: datetime, references: Collection[str]
) -> list[SplitRecord]:
    hook = split_hook()
    if hook is None:
        return []
    return list(hook(provider=provider, start=start, end=end, references=references))
