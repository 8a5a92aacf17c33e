"""Reads of a person's WeChat identity (``common.models.WeChatIdentity``) for the layers above:
JSAPI payment and subscription messages need the payer's or recipient's openid in one app."""

from common.models import WeChatOpenId


def openid_for(user, appid: str) -> str | None:
    """The person's openid in the WeChat app ``appid``, or None if they never signed in through it."""
    if not (user and user.pk and appid):
        return None
    return (
        WeChatOpenId.objects.filter(identity__user=user, appid=appid).values_list("openid", flat=True).first()
    )
