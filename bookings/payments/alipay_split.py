"""Alipay's royalty (分账) through ``python-alipay-sdk``, for trades made in an owner's name through the
owner's authorisation of the group's application (``app_auth_token``, docs/payments.md): the receivers
are bound to the owner (``alipay.trade.royalty.relation.bind``, harmless when already bound), then one
settlement (``alipay.trade.order.settle``, our ``out_request_no``, ``royalty_finish`` so the rest of the
frozen trade is released to the owner) transfers the commission and the collective's share to their
Alipay accounts. Same client, signatures, timeouts and retries as the payments (``alipay.Alipay._call``).

Refunds after an Alipay split are refused: Alipay takes royalties back only inside the refund itself
(``refund_royalty_parameters``), not before it, so ``give_back`` says so and the refund is flagged for
staff to make in Alipay's merchant platform.
"""

from bookings.payments.alipay import Alipay, yuan
from bookings.payments.base import PaymentProviderError
from bookings.payments.models import Split, SplitReturn
from bookings.payments.splits import Receiver, SplitOutcome, alipay_auth_token

SETTLE_STATES = {"SUCCESS": "SUCCESS", "FAIL": "CLOSED", "PROCESSING": "PENDING"}


def _generic(api, method: str, biz: dict) -> dict:
    """A signed call the SDK has no method for."""
    return api.verified_sync_response(api.build_body(method, biz), method.replace(".", "_") + "_response")


class AlipaySplitter:
    def __init__(self) -> None:
        self.provider = Alipay()

    def send(self, *, split: Split, receivers: list[Receiver]) -> SplitOutcome:
        payment = split.payment
        trade_no = payment.provider_payment_reference
        if not trade_no:
            raise PaymentProviderError("Alipay split: the payment has no trade_no", retryable=False)
        token = alipay_auth_token(payment=payment)
        if receivers:
            self.provider._call(
                "royalty relation bind",
                lambda api: _generic(
                    api,
                    "alipay.trade.royalty.relation.bind",
                    {
                        "receiver_list": [
                            {"type": "userId", "account": r.account, "name": r.name, "memo": r.party}
                            for r in receivers
                        ],
                        "out_request_no": f"B{split.out_order_no}"[:64],
                    },
                ),
                token,
            )
        answer = self.provider._call(
            "settle",
            lambda api: api.api_alipay_trade_order_settle(
                out_request_no=split.out_order_no,
                trade_no=trade_no,
                royalty_parameters=[
                    {
                        "royalty_type": "transfer",
                        "trans_in_type": "userId",
                        "trans_in": r.account,
                        "amount": yuan(r.amount),
                        "desc": r.description[:80],
                    }
                    for r in receivers
                ],
                extend_params={"royalty_finish": "true"},
                royalty_mode="sync",
            ),
            token,
        )
        return SplitOutcome(
            status=Split.Status.SUCCEEDED,
            provider_order_id=str(answer.get("settle_no", "")),
            receivers=[
                {"party": r.party, "account": r.account, "amount": str(r.amount), "result": "SUCCESS"}
                for r in receivers
            ],
        )

    def query(self, *, split: Split) -> SplitOutcome:
        answer = self.provider._call(
            "settle query",
            lambda api: _generic(
                api,
                "alipay.trade.order.settle.query",
                {"out_request_no": split.out_order_no, "trade_no": split.payment.provider_payment_reference},
            ),
            alipay_auth_token(payment=split.payment),
        )
        details = answer.get("royalty_detail_list") or []
        states = {str(detail.get("state", "")) for detail in details if isinstance(detail, dict)}
        status = (
            Split.Status.FAILED
            if "FAIL" in states
            else Split.Status.PROCESSING
            if "PROCESSING" in states
            else Split.Status.SUCCEEDED
        )
        return SplitOutcome(status=status, provider_order_id=str(answer.get("settle_no", "")))

    def give_back(self, *, split_return: SplitReturn) -> str:
        raise PaymentProviderError(
            "Alipay: a refund after a royalty is made in Alipay's merchant platform "
            "(支付宝分账后的退款请在支付宝商家平台办理)",
            retryable=False,
        )
