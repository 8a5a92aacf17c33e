"""Retries of API writes are harmless: the ``Idempotency-Key`` header, as Stripe and pretix offer it.

A client that sends a write again (a timeout, a lost answer, a double tap) with the same key gets the
first answer back instead of a second booking. Keys are the signed-in user's own: the same user, key,
method, path and body replay the first answer (status, JSON body, Content-Type and Retry-After, with
``Idempotent-Replayed: true``) without running the endpoint again. The same key with another body or
path is refused (422), and so is a second request while the first still runs (409): nothing runs twice.
Answers that ask for a retry (5xx, 429) are not kept, so the retry runs. Keys are kept for
``IDEMPOTENCY_KEY_TTL_HOURS``; ``manage.py purge_idempotency_keys`` deletes older ones, and a user's own
expired keys go whenever that user claims a new one.

Use it between the route and the function; the route must require a sign-in (``request.auth`` is the
user)::

    @router.post("/bookings", auth=SIGNED_IN, response={...})
    @idempotent
    def booking_create(request, payload: BookingIn): ...

Two layers: the function's wrapper, which ninja calls after authentication, claims the key (or answers
from it); a wrapper of the operation's ``run``, where ninja turns whatever the function did (a dict, a
model, ``Status(...)``, an ``HttpError``) into its response, keeps that response byte for byte, or lets
the key go when the answer must not be kept or the function raised what ninja does not answer.
"""

import enum
import functools
import hashlib
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Schema, Status
from ninja.operation import Operation

from common.models import IdempotencyKey

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEY_FORMAT = re.compile(r"[\x20-\x7e]{1,255}")  # visible ASCII and spaces, as an HTTP header carries
REPLAYED_HEADERS = ("Content-Type", "Retry-After")
# An in-flight claim older than this belongs to a request that died (a killed worker): far beyond
# gunicorn's 30 s timeout, so a request still running is never run a second time, and well within the
# booking use case's 10-minute duplicate-stay window, so a booking the dead request made is found, not
# made again.
ABANDONED_AFTER = timedelta(minutes=5)
IN_FLIGHT_RETRY_AFTER = "1"
KEY_INVALID = "幂等键须为1至255个可见ASCII字符 Idempotency-Key must be 1 to 255 visible ASCII characters"
KEY_REUSED = (
    "这个幂等键已用于另一个请求,请为新请求换一个键 This Idempotency-Key was used for another request: "
    "use a new key for a new request"
)
KEY_IN_USE = (
    "使用这个幂等键的请求仍在处理,请稍后再试 A request with this Idempotency-Key is still being "
    "processed: try again in a moment"
)
DOCUMENTATION = (
    " Optional header `Idempotency-Key` (1-255 visible ASCII characters, e.g. a UUID) makes retrying "
    "safe: send the same key again with the same body and this request's first answer comes back "
    "(status and body, with `Idempotent-Replayed: true`) without acting twice, for "
    "IDEMPOTENCY_KEY_TTL_HOURS hours (24 by default). 5xx and 429 answers are not kept, so a retry runs "
    "again. The same key with another body or address: 422 `idempotency_key_reused`; while the first "
    "request is still running: 409 `idempotency_key_in_use` with Retry-After; a malformed key: 422 "
    "`idempotency_key_invalid`. Keys are per user."
)
_CALL = "_idempotent_call"
PARAMETER = {
    "in": "header",
    "name": HEADER,
    "required": False,
    "description": "重试同一请求时发送同一个键 the same key when retrying the same request",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[\\x20-\\x7e]+$"},
}


class IdempotencyKeyRefusedOut(Schema):
    detail: str = Field(description="原因 the reason, 中文 English")
    code: Literal["idempotency_key_reused", "idempotency_key_invalid"]


class IdempotencyKeyInUseOut(Schema):
    detail: str = Field(description="原因 the reason, 中文 English")
    code: Literal["idempotency_key_in_use"]


def idempotent(view):
    """Let ``view``, a ninja operation function, take an ``Idempotency-Key`` header."""
    if hasattr(view, "_ninja_operation"):
        raise TypeError("@idempotent goes below @router.post(...), right above the function")

    @functools.wraps(view)
    def claim_then_run(request: HttpRequest, *args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return view(request, *args, **kwargs)
        if not KEY_FORMAT.fullmatch(key):
            return Status(422, {"detail": KEY_INVALID, "code": "idempotency_key_invalid"})
        call: _Call = getattr(request, _CALL)
        assert request.method is not None  # Django sets it on every request it serves
        outcome, held = _claim(
            user=request.auth,  # type: ignore[attr-defined]  # set by ninja's auth; not in HttpRequest's stubs
            key=key,
            method=request.method,
            path=request.path,
            digest=hashlib.sha256(request.body).hexdigest(),
        )
        if outcome is _Outcome.REUSED:
            return Status(422, {"detail": KEY_REUSED, "code": "idempotency_key_reused"})
        if outcome is _Outcome.IN_FLIGHT:
            call.in_flight = True
            return Status(409, {"detail": KEY_IN_USE, "code": "idempotency_key_in_use"})
        if outcome is _Outcome.REPLAY:
            assert held is not None
            return HttpResponse(
                held.response_body.encode(),
                status=held.status_code,
                headers={**held.response_headers, REPLAYED_HEADER: "true"},
            )
        call.claim = held
        return view(request, *args, **kwargs)

    # ninja's hook for decorators (ninja.utils.contribute_operation_callback), absent from its types.
    claim_then_run._ninja_contribute_to_operation = [  # type: ignore[attr-defined]
        *getattr(view, "_ninja_contribute_to_operation", []),
        _prepare_operation,
    ]
    return claim_then_run


def idempotency_keys_purge() -> int:
    """Delete the keys older than IDEMPOTENCY_KEY_TTL_HOURS; the number deleted."""
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=_expired_before()).delete()
    return deleted


class _Outcome(enum.Enum):
    CLAIMED = "claimed"  # this request runs the endpoint
    REPLAY = "replay"  # answered before: the same answer again
    REUSED = "reused"  # the key belongs to another request
    IN_FLIGHT = "in flight"  # the same request is running right now


def _claim(*, user, key: str, method: str, path: str, digest: str) -> tuple[_Outcome, IdempotencyKey | None]:
    """Claim the key for this request in a transaction of its own, committed before the endpoint runs, so
    a concurrent request with the key sees the claim; or say who holds it."""
    for _attempt in range(3):
        now = timezone.now()
        try:
            with transaction.atomic():
                IdempotencyKey.objects.filter(user=user, created_at__lt=_expired_before()).delete()
                claimed = IdempotencyKey.objects.create(
                    user=user, key=key, method=method, path=path, body_digest=digest, created_at=now
                )
            return _Outcome.CLAIMED, claimed
        except IntegrityError:
            held = IdempotencyKey.objects.filter(user=user, key=key).first()
        if held is None:
            continue  # its request failed and let the key go meanwhile: claim it again
        if (held.method, held.path, held.body_digest) != (method, path, digest):
            return _Outcome.REUSED, held
        if held.status_code is not None:
            return _Outcome.REPLAY, held
        if held.created_at < now - ABANDONED_AFTER and _take_over(held, now=now):
            return _Outcome.CLAIMED, held
        return _Outcome.IN_FLIGHT, held
    return _Outcome.IN_FLIGHT, None


def _take_over(held: IdempotencyKey, *, now) -> bool:
    """Claim a key whose request died in flight; of two racing for it, one wins."""
    won = IdempotencyKey.objects.filter(
        pk=held.pk, status_code__isnull=True, created_at=held.created_at
    ).update(created_at=now)
    held.created_at = now
    return bool(won)


def _expired_before():
    return timezone.now() - timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)


@dataclass
class _Call:
    """What the key did for one request, from the claim to the answer."""

    claim: IdempotencyKey | None = None
    in_flight: bool = False

    def answered(self, response: HttpResponse) -> None:
        if self.in_flight:
            response["Retry-After"] = IN_FLIGHT_RETRY_AFTER
        if self.claim is None:
            return
        if response.status_code >= 500 or response.status_code == 429:
            self.let_go()  # "try again": the retry must run
            return
        IdempotencyKey.objects.filter(pk=self.claim.pk).update(
            status_code=response.status_code,
            response_body=response.content.decode(),
            response_headers={name: response[name] for name in REPLAYED_HEADERS if name in response},
        )

    def let_go(self) -> None:
        if self.claim is not None:
            IdempotencyKey.objects.filter(pk=self.claim.pk).delete()


def _remember_answers(run):
    """Wrap an operation's ``run``: keep the response it built, or let the key go."""

    @functools.wraps(run)
    def run_and_remember(request: HttpRequest, *args, **kwargs):
        call = _Call()
        setattr(request, _CALL, call)
        try:
            response = run(request, *args, **kwargs)
        except BaseException:
            call.let_go()  # an error ninja did not turn into an answer: Django answers 500
            raise
        call.answered(response)
        return response

    return run_and_remember


def _prepare_operation(operation: Operation) -> None:
    """Document the header and its answers, and remember answers; ninja calls this when it builds the
    operation (and re-applies ``_run_decorators`` to each copy it mounts)."""
    operation.description = (operation.description or "") + DOCUMENTATION
    extra = operation.openapi_extra or {}
    operation.openapi_extra = {**extra, "parameters": [*extra.get("parameters", []), PARAMETER]}
    _also_answers(operation, 409, IdempotencyKeyInUseOut)
    _also_answers(operation, 422, IdempotencyKeyRefusedOut)
    # Operation's run hooks, which ninja's types leave out (_run_decorators) or declare as a method (run).
    operation._run_decorators = [*getattr(operation, "_run_decorators", []), _remember_answers]  # type: ignore[attr-defined]
    operation.run = _remember_answers(operation.run)  # type: ignore[method-assign]


def _also_answers(operation: Operation, status: int, schema: type[Schema]) -> None:
    current = operation.response_models.get(status)
    answer = schema if current is None else current.model_fields["response"].annotation | schema
    operation.response_models[status] = operation._create_response_model(answer)
