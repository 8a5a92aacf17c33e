"""A Stripe API that never leaves the process: a ``stripe.HTTPClient`` that records what the real
``StripeClient`` sends and answers like Stripe, and signed webhook deliveries."""

import itertools
import json
import time
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

import stripe

WEBHOOK_SECRET = "whsec_test_secret"
SECRET_KEY = "sk_test_fake"
WEBHOOK_URL = "/payments/stripe/webhook/"

_ids = itertools.count(1)


@dataclass
class Sent:
    method: str
    path: str
    headers: dict
    params: dict  # the form-encoded body, flattened: {"line_items[0][quantity]": "1", ...}


class FakeStripe(stripe.HTTPClient):
    """Answers sessions, session expiry and refunds. ``fail`` makes the next calls answer with an
    error: ``(status code, error type)``, e.g. ``(400, "invalid_request_error")``; ``offline`` makes
    every call fail as if the network were down."""

    name = "fake"

    def __init__(self):
        super().__init__()
        self.sent: list[Sent] = []
        self.fail: list[tuple[int, str]] = []
        self.refund_status = "pending"
        self.offline = False
        self.balance_transactions: list[dict] = []  # what balance_transactions.list pages through
        self.timeout = False  # every call times out (the network, not Stripe)

    def request(self, method, url, headers, post_data=None, *, _usage=None):
        if self.offline:
            raise stripe.APIConnectionError("network unreachable", should_retry=False)
        if self.timeout:
            raise stripe.APIConnectionError("Request timed out", should_retry=True)
        path, query = urlsplit(url).path, dict(parse_qsl(urlsplit(url).query))
        self.sent.append(Sent(method, path, dict(headers or {}), query or dict(parse_qsl(post_data or ""))))
        if self.fail:
            status, kind = self.fail.pop(0)
            body = {"error": {"type": kind, "message": "refused by the fake"}}
            return json.dumps(body), status, {"stripe-should-retry": "false"}
        if path == "/v1/balance_transactions":
            return json.dumps(self.balance_page(query)), 200, {}
        return json.dumps(self.answer(path)), 200, {}

    def balance_page(self, query: dict) -> dict:
        """A page of balance transactions created in ``created[gte]`` <= created < ``created[lt]``,
        newest first, after ``starting_after``, ``limit`` long, sources expanded when asked."""
        low, high = int(query.get("created[gte]", 0)), int(query.get("created[lt]", 2**40))
        rows = sorted(
            (row for row in self.balance_transactions if low <= row["created"] < high),
            key=lambda row: row["created"],
            reverse=True,
        )
        if "starting_after" in query:
            ids = [row["id"] for row in rows]
            rows = rows[ids.index(query["starting_after"]) + 1 :]
        limit = int(query.get("limit", 10))
        expand = query.get("expand[0]") == "data.source"
        data = [row if expand else {**row, "source": row["source"]["id"]} for row in rows[:limit]]
        return {
            "object": "list",
            "url": "/v1/balance_transactions",
            "has_more": len(rows) > limit,
            "data": data,
        }

    def balance_transaction(self, kind: str, source: dict, created: int, settled: str = "hkd") -> dict:
        """Add a balance transaction (``charge``, ``refund``, ``payout``...) for a source, settled in
        another currency than the guest paid, as a Hong Kong account would be."""
        row = {
            "id": f"txn_test_{next(_ids)}",
            "object": "balance_transaction",
            "type": kind,
            "created": created,
            "currency": settled,
            "amount": round(source.get("amount", 0) * 1.08) * (-1 if "refund" in kind else 1),
            "status": "available",
            "source": source,
        }
        self.balance_transactions.append(row)
        return row

    def answer(self, path: str) -> dict:
        number = next(_ids)
        if path == "/v1/checkout/sessions":
            return {
                "id": f"cs_test_{number}",
                "object": "checkout.session",
                "url": f"https://checkout.stripe.com/c/pay/cs_test_{number}",
            }
        if path.startswith("/v1/checkout/sessions/") and path.endswith("/expire"):
            return {"id": path.split("/")[4], "object": "checkout.session", "status": "expired"}
        if path == "/v1/refunds":
            return {"id": f"re_test_{number}", "object": "refund", "status": self.refund_status}
        raise AssertionError(f"unexpected Stripe call {path}")

    def close(self):
        pass

    def calls(self, path: str) -> list[Sent]:
        return [sent for sent in self.sent if sent.path == path]


def event(event_type: str, stripe_object: dict, event_id: str | None = None) -> dict:
    return {
        "id": event_id or f"evt_test_{next(_ids)}",
        "object": "event",
        "type": event_type,
        "created": int(time.time()),
        "data": {"object": stripe_object},
    }


def signed(payload: str, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    return stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp)


def session_object(payment, *, payment_status: str = "paid", intent: str = "pi_test_1") -> dict:
    return {
        "id": payment.provider_reference,
        "object": "checkout.session",
        "payment_status": payment_status,
        "payment_intent": intent,
        "amount_total": int(payment.amount * 100),
        "currency": "cny",
        "client_reference_id": payment.booking.reference,
        "metadata": {"booking": payment.booking.reference, "payment": str(payment.pk)},
    }


def refund_object(refund_id: str, *, status: str, amount_fen: int, intent: str = "pi_test_1") -> dict:
    return {
        "id": refund_id,
        "object": "refund",
        "status": status,
        "amount": amount_fen,
        "currency": "cny",
        "payment_intent": intent,
    }
