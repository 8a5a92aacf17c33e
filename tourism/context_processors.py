from django.conf import settings

from common.wechat_browser import in_wechat
from shop.selectors import is_producer
from tourism import wechat_login
from tourism.wechat_share import JSSDK_SCRIPT, jssdk_enabled
from villages.roles import is_group_staff, is_owner


def site(request):
    user = getattr(request, "user", None)
    wechat_app = wechat_login.app_for(request)
    return {
        # Which WeChat sign-in this browser gets ("official_account" inside WeChat, "website" elsewhere).
        "WECHAT_LOGIN": wechat_app.kind if wechat_app else "",
        "WECHAT_ENABLED": bool(wechat_login.official_account() or wechat_login.website()),
        "SITE_NAME": settings.SITE_NAME,
        "MAP_TILE_URL": settings.MAP_TILE_URL,
        "MAP_TILE_ATTRIBUTION": settings.MAP_TILE_ATTRIBUTION,
        # Callables: the template asks (one query) only for signed-in people, when it draws the menu.
        "user_is_owner": lambda: user is not None and is_owner(user),
        "user_is_group_staff": lambda: user is not None and is_group_staff(user),
        # The people of a 消费帮扶 producer (and the staff): the producer console (shop.producer_views).
        "user_is_producer": lambda: user is not None and is_producer(user),
        # WeChat's JS-SDK (share cards, wx.openLocation): only inside WeChat, only with the official account.
        "WECHAT_JSSDK": JSSDK_SCRIPT if jssdk_enabled() and in_wechat(request) else "",
    }
