"""A person's WeChat identity (``common.models.WeChatIdentity``) for the layers above: who a WeChat
sign-in is, linking and unlinking, and the openid in one app that JSAPI payment and subscription
messages need."""

from allauth.account.models import EmailAddress
from django.db import IntegrityError, transaction

from common.models import UserPhone, WeChatIdentity, WeChatOpenId


def openid_for(user, appid: str) -> str | None:
    """The person's openid in the WeChat app ``appid``, or None if they never signed in through it."""
    if not (user and user.pk and appid):
        return None
    return (
        WeChatOpenId.objects.filter(identity__user=user, appid=appid).values_list("openid", flat=True).first()
    )


class WeChatLinkConflict(Exception):
    """The WeChat identity already belongs to another person (or this person has another one)."""


TAKEN = "此微信已绑定其他账号。 This WeChat is linked to another account."


def wechat_user(*, appid: str, openid: str, unionid: str | None = None):
    """The person already known by this UnionID, else by this openid in this app; None if nobody."""
    if unionid:
        identity = WeChatIdentity.objects.select_related("user").filter(unionid=unionid).first()
        if identity:
            return identity.user
    row = WeChatOpenId.objects.select_related("identity__user").filter(appid=appid, openid=openid).first()
    return row.identity.user if row else None


@transaction.atomic
def wechat_link(
    user, *, appid: str, kind: str, openid: str, unionid: str | None = None, nickname: str = ""
) -> WeChatIdentity:
    """Record that ``user`` is this WeChat person in this app (idempotent: signing in again updates the
    row). Raises ``WeChatLinkConflict`` when the UnionID or the openid is another person's, or when the
    person is already linked to a different UnionID: one person per UnionID, never a duplicate."""
    unionid = unionid or None
    owner = wechat_user(appid=appid, openid=openid, unionid=unionid)
    if owner is not None and owner.pk != user.pk:
        raise WeChatLinkConflict(TAKEN)
    identity, _ = WeChatIdentity.objects.select_for_update().get_or_create(user=user)
    if unionid and identity.unionid and identity.unionid != unionid:
        raise WeChatLinkConflict("此账号已绑定另一个微信。 This account is linked to another WeChat.")
    changed: list[str] = []
    if unionid and not identity.unionid:
        identity.unionid, changed = unionid, [*changed, "unionid"]
    if nickname and identity.nickname != nickname:
        identity.nickname, changed = nickname[:100], [*changed, "nickname"]
    if changed:
        try:
            with transaction.atomic():
                identity.save(update_fields=changed)
        except IntegrityError as exc:
            raise WeChatLinkConflict(TAKEN) from exc
    try:
        with transaction.atomic():
            WeChatOpenId.objects.update_or_create(
                identity=identity, appid=appid, defaults={"openid": openid, "kind": kind}
            )
    except IntegrityError as exc:
        raise WeChatLinkConflict(TAKEN) from exc
    return identity


def wechat_unlink(user) -> bool:
    """Forget the person's WeChat identity and openids; True if there was one."""
    deleted, _ = WeChatIdentity.objects.filter(user=user).delete()
    return bool(deleted)


# What the apps above let a person do with an account, by the name each gives its relation to the user
# (common imports none of them): any row there means the account has been used.
ACCOUNT_USES = (
    "bookings",
    "shop_orders",
    "event_tickets",
    "reviews",
    "homestays",
    "producers",
    "shareholdings",
)


def wechat_only_and_unused(user) -> bool:
    """An account a WeChat sign-in made and nobody has used for anything: no password, no verified phone
    or e-mail, no role, and no booking, order, ticket, review or anything else of ``ACCOUNT_USES``. Such an
    account may give its WeChat to the person's real account (``wechat_account_retire``); any other
    account keeps its WeChat, which is never moved without the person signing in there."""
    if user.has_usable_password() or user.is_staff or user.is_superuser or user.groups.exists():
        return False
    if UserPhone.objects.filter(user=user, verified=True).exists():
        return False
    addresses = EmailAddress.objects.filter(user=user)
    if addresses.filter(verified=True).exists() or (user.email and not addresses.exists()):
        return False
    return not any(
        related.exists() for name in ACCOUNT_USES if (related := getattr(user, name, None)) is not None
    )


@transaction.atomic
def wechat_account_retire(user) -> None:
    """An unused WeChat-only account gives up its WeChat (to be linked to the person's real account in
    the same transaction) and is switched off: it has no other way in, and nothing in it to keep."""
    wechat_unlink(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
