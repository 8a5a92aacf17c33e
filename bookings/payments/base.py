"""The payment provider interface and the registry of providers enabled in settings.

``settings.PAYMENT_PROVIDERS`` lists provider classes by dotted path; a provider counts as enabled
when it is listed and configured (Stripe needs its keys). Paying at the homestay needs nothing and is
always enabled, so the platform works fully without any keys. A homestay accepts a subset of the
enabled providers (``HomestayPayment``), all of them by default.
"""

from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar, cast

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.functional import Promise
from django.utils.module_loading import import_string

from bookings.payments.models import HomestayPayment, Payment, Refund
from common.wechat_browser import in_wechat as browser_in_wechat
from common.wechat_ids import openid_for
from villages.models import Homestay

AT_HOMESTAY = "at_homestay"
ONLINE = "online"  # Booking.Payment.ONLINE (bookings.models imports this package's models)
DEFAULT_PROVIDERS = [
    "bookings.payments.at_homestay.AtHomestay",
    "bookings.payments.stripe_checkout.StripeCheckout",
]


@dataclass(frozen=True)
class PaymentStart:
    """What a provider answers when a payment starts: where to send the guest (empty when nothing is
    paid online) and its own reference for the payment."""

    redirect_url: str = ""
    provider_reference: str = ""


@dataclass(frozen=True)
class RefundResult:
    provider_reference: str
    status: str  # a Refund.Status


@dataclass(frozen=True)
class PaymentClient:
    """Where the guest pays from, for providers whose page differs by device (WeChat Pay: H5 on a
    phone, a QR code on a desktop). ``ip``: the guest's address, which WeChat Pay's H5 wants.
    ``openid`` and ``appid``: the payer's openid in a WeChat app (the official account inside WeChat's
    browser, or the mini-program), which WeChat Pay's JSAPI needs; empty when unknown."""

    mobile: bool = False
    in_wechat: bool = False
    ip: str = ""
    openid: str = ""
    appid: str = ""


ANY_CLIENT = PaymentClient()


class PaymentProviderError(Exception):
    """The provider refused or could not be reached. ``retryable``: trying again later, with the same
    idempotency key, may work (network trouble, rate limits, the provider's own errors)."""

    def __init__(self, message: str, *, retryable: bool):
        super().__init__(message)
        self.message = message
        self.retryable = retryable


class PaymentProvider(ABC):
    identifier: ClassVar[str]
    name: ClassVar[str | Promise]
    booking_payment: ClassVar[str]  # the Booking.Payment way of paying this provider serves

    @property
    def button_label(self) -> str | Promise:
        """What the guest's button to pay with this provider says (its name unless told otherwise)."""
        return self.name

    def is_configured(self) -> bool:
        return True

    def payment_expires_at(self, *, hold_expires_at: datetime | None, now: datetime) -> datetime | None:
        """Until when the guest can pay; the booking's hold is extended to it (never shortened)."""
        return hold_expires_at

    @abstractmethod
    def start_payment(
        self, *, payment: Payment, success_url: str, cancel_url: str, client: PaymentClient = ANY_CLIENT
    ) -> PaymentStart:
        """Open the payment with the provider; called again with the same payment after a failure."""

    def payment_fits(self, *, payment: Payment, client: PaymentClient) -> bool:
        """Whether a payment already opened can be paid from where the guest is now. When not,
        ``payment_start`` closes it and opens another (WeChat Pay: a QR code opened before the guest
        signed in through WeChat, now payable inside WeChat itself)."""
        return True

    def payment_sync(self, *, payment: Payment) -> None:
        """Ask the provider what became of a payment still open (a notification may be lost) and record
        it through the same services as a notification; nothing for providers that only notify."""
        return None

    @abstractmethod
    def cancel_payment(self, *, payment: Payment) -> None:
        """Close a payment the guest has not finished, so it can no longer be paid."""

    def handle_webhook(self, request: HttpRequest) -> HttpResponse:
        raise Http404("this payment provider sends no webhooks")

    @abstractmethod
    def refund(self, *, refund: Refund) -> RefundResult:
        """Send the refund; called again with the same refund after a failure (same idempotency key)."""


def _provider_paths() -> list[str]:
    paths = list(getattr(settings, "PAYMENT_PROVIDERS", DEFAULT_PROVIDERS))
    return paths if DEFAULT_PROVIDERS[0] in paths else [DEFAULT_PROVIDERS[0], *paths]


def providers_enabled() -> dict[str, PaymentProvider]:
    """Enabled providers by identifier, in settings order; paying at the homestay always among them."""
    providers = (import_string(path)() for path in _provider_paths())
    return {provider.identifier: provider for provider in providers if provider.is_configured()}


def provider_get(identifier: str) -> PaymentProvider:
    """An enabled provider; ``KeyError`` when it is not enabled (e.g. Stripe without keys)."""
    return providers_enabled()[identifier]


def provider_choices() -> list[tuple[str, str | Promise]]:
    """``(identifier, name)`` of every provider listed in settings, configured or not."""
    return [(provider.identifier, provider.name) for provider in map(import_string, _provider_paths())]


def providers_known() -> set[str]:
    return {identifier for identifier, _name in provider_choices()}


def providers_for(*, homestay: Homestay) -> list[PaymentProvider]:
    """The providers a guest can pay this homestay with. If none of its choices is enabled any more
    (e.g. Stripe keys removed), paying at the homestay remains."""
    enabled = providers_enabled()
    relation = HomestayPayment.homestay.field.remote_field  # ``homestay.payment_choice``
    if relation.is_cached(homestay):  # loaded with the homestay (select_related)
        row = cast(HomestayPayment | None, relation.get_cached_value(homestay))
        choice = row.providers if row is not None else None
    else:
        choice = HomestayPayment.objects.filter(homestay=homestay).values_list("providers", flat=True).first()
    if choice is None:
        return list(enabled.values())
    chosen = [provider for identifier, provider in enabled.items() if identifier in choice]
    return chosen or [enabled[AT_HOMESTAY]]


# Who comes first where (docs/payments.md): inside WeChat's browser WeChat Pay, and no Alipay (WeChat
# blocks Alipay's pages); on other phones and desktops WeChat Pay, then Alipay, then card (Stripe),
# which is what guests from abroad have; a guest who booked in English sees card first.
WECHAT_PAY, ALIPAY, CARD = "wechat_pay", "alipay", "stripe_checkout"
ORDER_IN_CHINA = {WECHAT_PAY: 0, ALIPAY: 1, CARD: 2}
ORDER_FROM_ABROAD = {CARD: 0, WECHAT_PAY: 1, ALIPAY: 2}
NOT_IN_WECHAT = frozenset({ALIPAY})


def payment_client(request: HttpRequest) -> PaymentClient:
    """Where the guest pays from, read from the browser's user agent (WeChat's browser says
    MicroMessenger) and the address the request came from; inside WeChat, the payer's openid in the
    official account when they signed in through it (for JSAPI)."""
    agent = request.headers.get("User-Agent", "")
    in_wechat = browser_in_wechat(request)
    return PaymentClient(
        mobile=any(marker in agent for marker in ("Mobile", "Android", "iPhone", "iPad", "HarmonyOS")),
        in_wechat=in_wechat,
        ip=request.META.get("REMOTE_ADDR", ""),
        **(wechat_payer(request, settings.WECHAT_OA_APPID) if in_wechat else {}),
    )


def wechat_payer(request: HttpRequest, appid: str) -> dict[str, str]:
    """The signed-in person's openid in the WeChat app ``appid`` (recorded when they signed in through
    it), as ``PaymentClient`` fields; nothing when they have none there."""
    openid = openid_for(getattr(request, "user", None), appid)
    return {"openid": openid, "appid": appid} if openid else {}


def online_choices(*, homestay: Homestay, client: PaymentClient, language: str) -> list[PaymentProvider]:
    """The online providers the guest can pay this homestay with, in the order offered: only those
    whose keys are set (``providers_for``), ordered for where the guest is (``ORDER_IN_CHINA``)."""
    return online_in_order(providers_for(homestay=homestay), client=client, language=language)


def online_in_order(
    providers: Iterable[PaymentProvider], *, client: PaymentClient, language: str
) -> list[PaymentProvider]:
    """The online ones of ``providers`` in the order offered where the guest is: no Alipay inside
    WeChat, WeChat Pay first in China, card first for a guest in English (``ORDER_IN_CHINA``)."""
    online = [provider for provider in providers if provider.booking_payment == ONLINE]
    if client.in_wechat:
        online = [provider for provider in online if provider.identifier not in NOT_IN_WECHAT]
    order = ORDER_FROM_ABROAD if language == "en" else ORDER_IN_CHINA
    return sorted(online, key=lambda provider: order.get(provider.identifier, len(order)))


def booking_payments_for(*, homestay: Homestay) -> dict[str, PaymentProvider]:
    """The ways of paying (``Booking.Payment`` values) a guest can choose for this homestay now, each
    with the first of its providers that serves it: what the booking page and the API offer, and the
    provider ``payment_start`` uses by default."""
    offered: dict[str, PaymentProvider] = {}
    for provider in providers_for(homestay=homestay):
        offered.setdefault(provider.booking_payment, provider)
    return offered
