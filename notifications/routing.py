"""Which channel reaches a person: one rule, given the channels the registry has enabled.

``channel_choose`` tries, in order: the channel the person chose on /notifications/ (when they chose
one); else the default for their role, an owner by SMS (``OWNER_DEFAULT``: a villager reads a text
before an e-mail) and a guest on the channel they signed up with (``signed_up_with``: a phone sign-up by
SMS, a WeChat sign-in by WeChat message, an e-mail sign-up by e-mail); then e-mail; then any other
enabled channel that reaches them. A channel is used only when it is enabled and the person has an
address on it (a verified phone for SMS), so a ``wechat`` channel plugs in by being registered in
``NOTIFICATION_CHANNELS``, and a person no channel reaches gets none (``("", "")``).
"""

from collections.abc import Mapping
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db.models import Case, Exists, OuterRef, Subquery, Value, When

from common.models import UserPhone, WeChatIdentity
from notifications.channels import ChannelBackend
from notifications.models import Channel

OWNER = "owner"
OWNER_DEFAULT: list[str] = [Channel.SMS]
# A WeChat identity linked this soon after the account was made is how the account was made.
SIGN_UP_WINDOW = timedelta(minutes=10)


CACHE = "_signed_up_with"  # on the user object, set by ``signed_up_with_cache``


def _signed_up_with() -> Case:
    """The channel a person (the query's row) signed up with: WeChat when their WeChat identity came
    with the account, SMS when they have a verified phone and no verified e-mail address, else e-mail."""
    wechat = WeChatIdentity.objects.filter(
        user=OuterRef("pk"), linked_at__lte=OuterRef("date_joined") + Value(SIGN_UP_WINDOW)
    )
    phone = UserPhone.objects.filter(user=OuterRef("pk"), verified=True)
    email = EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)
    return Case(
        When(Exists(wechat), then=Value(Channel.WECHAT)),
        When(Exists(phone) & ~Exists(email), then=Value(Channel.SMS)),
        default=Value(Channel.EMAIL),
    )


def signed_up_with_column(user_id: int | OuterRef) -> Subquery:
    """``signed_up_with`` as a column, for a query that reads the person anyway (the booking use
    case's), which then hands it over with ``signed_up_with_cache``."""
    people = get_user_model().objects.filter(pk=user_id).annotate(channel=_signed_up_with())
    return Subquery(people.values("channel")[:1])


def signed_up_with_cache(user: User, channel: str) -> None:
    setattr(user, CACHE, channel)


def signed_up_with(user: User) -> str:
    """See ``signed_up_with_column``: read with one query, or from the user object when the caller
    loaded it (``signed_up_with_cache``)."""
    cached = getattr(user, CACHE, None)
    if cached is None:
        people = get_user_model().objects.filter(pk=user.pk).annotate(channel=_signed_up_with())
        cached = people.values_list("channel", flat=True).first() or Channel.EMAIL
        signed_up_with_cache(user, cached)
    return cached


def channel_order(*, user: User, role: str, chosen: str) -> list[str]:
    """The channels to try for ``user`` as ``role``, best first (before filtering by what is enabled)."""
    if chosen:
        first = [chosen]
    elif role == OWNER:
        first = OWNER_DEFAULT
    else:
        first = [signed_up_with(user)]
    return list(dict.fromkeys([*first, Channel.EMAIL, *Channel.values]))


def channel_choose(
    *, user: User, role: str, chosen: str, available: Mapping[str, ChannelBackend]
) -> tuple[str, str]:
    """``(channel, address)``: the first channel of ``channel_order`` that is in ``available`` and on
    which the person has an address; ``("", "")`` when none reaches them."""
    for channel in channel_order(user=user, role=role, chosen=chosen):
        backend = available.get(channel)
        address = backend.address_for(user) if backend is not None else ""
        if address:
            return channel, address
    return "", ""
