"""WeChat Pay's profit sharing (API v3, service-provider mode) through ``wechatpayv3``: add the receivers
to the sub-merchant (``/v3/profitsharing/receivers/add``, harmless when already added), request the
split with ``unfreeze_unsplit`` so the rest is released to the owner in the same order
(``/v3/profitsharing/orders``), or only release it when there is nothing to split
(``/v3/profitsharing/orders/unfreeze``); ask about a split still processing
(``GET /v3/profitsharing/orders/{out_order_no}``); take a split back before a refund
(``/v3/profitsharing/return-orders``). Same client, signatures, timeouts and retries as the payments
(``wechat_pay.WeChatPay._call``); receivers' names are encrypted with the platform key by the SDK."""

from decimal import Decimal

from bookings.payments.base import PaymentProviderError
from bookings.payments.models import Split, SplitReturn
from bookings.payments.splits import Receiver, SplitOutcome
from bookings.payments.wechat_pay import WeChatPay, fen
from common.money import from_minor_units

ORDER_STATES = {"PROCESSING": Split.Status.PROCESSING, "FINISHED": Split.Status.SUCCEEDED}
RETURN_STATES = {
    "PROCESSING": SplitReturn.Status.PROCESSING,
    "SUCCESS": SplitReturn.Status.SUCCEEDED,
    "FAILED": SplitReturn.Status.FAILED,
}
RELATION = {"platform": "SERVICE_PROVIDER", "collective": "PARTNER"}


def _outcome(body: dict, parties: dict[str, str]) -> SplitOutcome:
    state = body.get("state")
    if state not in ORDER_STATES:
        raise PaymentProviderError(f"WeChat Pay split: unknown state {state!r}", retryable=True)
    receivers = []
    closed = []
    for receiver in body.get("receivers") or []:
        if not isinstance(receiver, dict) or receiver.get("type") != "MERCHANT_ID":
            continue  # the owner's own release line
        amount = receiver.get("amount")
        result = str(receiver.get("result", ""))
        account = str(receiver.get("account", ""))
        receivers.append(
            {
                "party": parties.get(account, ""),
                "account": account,
                "amount": str(from_minor_units(amount)) if type(amount) is int else "",
                "result": result,
                "fail_reason": str(receiver.get("fail_reason", "")),
                "detail_id": str(receiver.get("detail_id", "")),
            }
        )
        if result == "CLOSED":
            closed.append(f"{account} {receiver.get('fail_reason', '')}".strip())
    status = ORDER_STATES[state]
    if status == Split.Status.SUCCEEDED and any(r["result"] != "SUCCESS" for r in receivers):
        status = Split.Status.FAILED if closed else Split.Status.PROCESSING
    note = f"WeChat Pay split: receiver closed {', '.join(closed)}" if closed else ""
    return SplitOutcome(
        status=status, provider_order_id=str(body.get("order_id", "")), receivers=receivers, note=note
    )


class WeChatSplitter:
    def __init__(self) -> None:
        self.provider = WeChatPay()

    def send(self, *, split: Split, receivers: list[Receiver]) -> SplitOutcome:
        payment = split.payment
        transaction_id = payment.provider_payment_reference
        if not transaction_id:
            raise PaymentProviderError("WeChat Pay split: the payment has no transaction_id", retryable=False)
        sub = {"sub_mchid": split.sub_mchid}
        for receiver in receivers:
            self.provider._call(
                "add receiver",
                lambda api, r=receiver: api.profitsharing_add_receiver(
                    account_type="MERCHANT_ID",
                    account=r.account,
                    relation_type=RELATION[r.party],
                    name=r.name,
                    **sub,
                ),
            )
        if not receivers:
            _code, body = self.provider._call(
                "unfreeze",
                lambda api: api.profitsharing_unfreeze(
                    transaction_id=transaction_id,
                    out_order_no=split.out_order_no,
                    description=f"解冻 {split.booking.reference}",
                    **sub,
                ),
            )
            return _outcome(body, {})
        lines = [
            {
                "type": "MERCHANT_ID",
                "account": receiver.account,
                "name": receiver.name,
                "amount": fen(receiver.amount),
                "description": receiver.description[:80],
            }
            for receiver in receivers
        ]
        _code, body = self.provider._call(
            "split",
            lambda api: api.profitsharing_order(
                transaction_id=transaction_id,
                out_order_no=split.out_order_no,
                receivers=[dict(line) for line in lines],  # the SDK encrypts names in place
                unfreeze_unsplit=True,
                **sub,
            ),
        )
        return _outcome(body, {receiver.account: receiver.party for receiver in receivers})

    def query(self, *, split: Split) -> SplitOutcome:
        _code, body = self.provider._call(
            "split query",
            lambda api: api.profitsharing_order_query(
                transaction_id=split.payment.provider_payment_reference,
                out_order_no=split.out_order_no,
                sub_mchid=split.sub_mchid,
            ),
        )
        return _outcome(body, {r["account"]: r["party"] for r in split.receivers})

    def give_back(self, *, split_return: SplitReturn) -> str:
        split = split_return.split
        _code, body = self.provider._call(
            "split return",
            lambda api: api.profitsharing_return(
                out_return_no=split_return.out_return_no,
                return_mchid=split_return.account,
                amount=fen(Decimal(split_return.amount)),
                description=f"退款回退 {split.booking.reference}",
                out_order_no=split.out_order_no,
                sub_mchid=split.sub_mchid,
            ),
        )
        return RETURN_STATES.get(str(body.get("result", "")), SplitReturn.Status.PROCESSING)
