from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

from notifications import views as notification_views
from tourism import views, wechat_share
from tourism.api import api

urlpatterns = [
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("_allauth/", include("allauth.headless.urls")),
    path("payments/", include("bookings.payments.urls")),
    path("admin/", admin.site.urls),
    # The picture codes (django-simple-captcha) of the sign-up and sign-in-code pages.
    path("captcha/", include("captcha.urls")),
    path("favicon.ico", views.favicon, name="favicon"),
    path("wechat/jssdk-config", wechat_share.jssdk_config, name="wechat_jssdk_config"),
    # WeChat's message push of the mini-program and the official account (notifications/wechat_push.py).
    path("wechat/push/", notification_views.wechat_push, name="wechat_push"),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("me/", views.me, name="me"),
    path("villages/", include("villages.urls")),
    path("plan/", include("tourism.urls_planner")),
    path("accounts/wechat/", include("tourism.urls_wechat")),
    path("accounts/", include("allauth.urls")),
    path("owner/", include("bookings.owner.urls")),
    path("group/", include("tourism.group.urls")),
    # /group/shareholders/... (staff) and /me/dividends/ (a member household's own statement).
    path("", include("shareholders.urls")),
    path("notifications/", include("notifications.urls")),
    path("shop/", include("shop.urls")),
    path("producer/", include("shop.producer_urls")),
    path("events/", include("events.urls")),
    path("", include("bookings.reviews.urls")),
    path("", include("bookings.urls")),
    prefix_default_language=False,
)

if settings.SERVE_MEDIA:
    urlpatterns += [
        path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})
    ]

handler404 = "tourism.views.page_not_found"
handler500 = "tourism.views.server_error"
