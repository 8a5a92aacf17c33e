"""Alipay's royalty (分账) through ``python-alipay-sdk``, for trades made in an owner's name through the
owner's authorisation of the group's application (``app_auth_token``, docs/payments.md): the receivers
are bound to the owner (``alipay.trade.royalty.relation.bind``, harmless when already bound), then one
settlement (``alipay.trade.order.settle``, our ``out_request_no``, ``royalty_finish`` so the rest of the
frozen trade is released to the owner) transfers the commission and the collective's share to their
Alipay accounts. Same client, signatures, timeouts and retries as the payments (``alipay.Alipay._call``).

A settlement whose answer was lost (a timeout, a system error) may have gone through: before sending a
split again (``attempts`` > 0) we ask about it by our request number
(``alipay.trade.order.settle.query``) and send it again, with the same number, only when Alipay has
none. The query's ``royalty_detail_list`` gives each receiver's state (SUCCESS, PROCESSING, FAIL): a
settlement still processing is asked about again later (``splits.split_send``).

Refunds after an Alipay split are refused: Alipay takes royalties back only inside the refund itself
(``refund_royalty_parameters``), not before it, so ``give_back`` says so and the refund is flagged for
staff to make in Alipay's merchant platform.
"""

from decimal import Decimal, InvalidOperation

from bookings.payments.alipay import Alipay, yuan
from bookings.payments.base import PaymentProviderError
from bookings.payments.models import Split, SplitAccount, SplitReturn
from bookings.payments.splits import Receiver, SplitOutcome, alipay_auth_token

# A receiver's state in the settlement query, as the receivers' ``result`` reads (WeChat Pay's words).
SETTLE_STATES = {"SUCCESS": "SUCCESS", "FAIL": "CLOSED", "PROCESSING": "PENDING"}
NOT_FOUND = "NOT_EXIST"  # ACQ.TRADE_SETTLE_NOT_EXIST: Alipay has no settlement of that number


def _generic(api, method: str, biz: dict) -> dict:
    """A signed call the SDK has no method for."""
    return api.verified_sync_response(api.build_body(method, biz), method.replace(".", "_") + "_response")


def _amount(value) -> str:
    try:
        return str(Decimal(str(value)))
    except InvalidOperation:
        return ""


def _receivers(split: Split, details: list[dict]) -> list[dict]:
    """The receivers' lines of a settlement as the query gives them, each with its party (from what we
    sent, or the receiver account on file)."""
    accounts = [str(detail.get("trans_in", "")) for detail in details]
    parties = {r.get("account"): r.get("party", "") for r in split.receivers}
    for account, party in SplitAccount.objects.filter(alipay_account__in=accounts).values_list(
        "alipay_account", "party"
    ):
        parties.setdefault(account, party)
    return [
        {
            "party": parties.get(account, ""),
            "account": account,
            "amount": _amount(detail.get("amount")),
            "result": SETTLE_STATES.get(str(detail.get("state", "")), "PENDING"),
            "fail_reason": str(detail.get("error_code") or detail.get("error_desc") or ""),
        }
        for account, detail in zip(accounts, details, strict=True)
    ]


class AlipaySplitter:
    def __init__(self) -> None:
        self.provider = Alipay()

    def send(self, *, split: Split, receivers: list[Receiver]) -> SplitOutcome:
        payment = split.payment
        trade_no = payment.provider_payment_reference
        if not trade_no:
            raise PaymentProviderError("Alipay split: the payment has no trade_no", retryable=False)
        token = alipay_auth_token(payment=payment)
        if split.attempts:  # an earlier try may have reached Alipay
            try:
                return self.query(split=split)
            except PaymentProviderError as error:
                if NOT_FOUND not in error.message:
                    raise
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
        details = [detail for detail in answer.get("royalty_detail_list") or [] if isinstance(detail, dict)]
        states = {str(detail.get("state", "")) for detail in details}
        status = (
            Split.Status.FAILED
            if "FAIL" in states
            else Split.Status.PROCESSING
            if "PROCESSING" in states or states - SETTLE_STATES.keys()
            else Split.Status.SUCCEEDED
        )
        receivers = _receivers(split, details)
        failed = [f"{r['account']} {r['fail_reason']}".strip() for r in receivers if r["result"] == "CLOSED"]
        return SplitOutcome(
            status=status,
            provider_order_id=str(answer.get("settle_no", "")),
            receivers=receivers,
            note=f"Alipay settle: receiver failed {', '.join(failed)}" if failed else "",
        )

    def give_back(self, *, split_return: SplitReturn) -> str:
        raise PaymentProviderError(
            "Alipay: a refund after a royalty is made in Alipay's merchant platform "
            "(支付宝分账后的退款请在支付宝商家平台办理)",
            retryable=False,
        )
