from django.urls import path

from bookings.payments import views
from bookings.payments.alipay import PROVIDER as ALIPAY
from bookings.payments.webhooks import PROVIDER as STRIPE
from bookings.payments.wechat_pay import PROVIDER as WECHAT_PAY

app_name = "payments"

urlpatterns = [
    path("stripe/webhook/", views.provider_notify, {"provider": STRIPE}, name="stripe_webhook"),
    path("alipay/notify/", views.provider_notify, {"provider": ALIPAY}, name="alipay_notify"),
    path("wechat/notify/", views.provider_notify, {"provider": WECHAT_PAY}, name="wechat_notify"),
    path("<str:reference>/wechat/", views.wechat_code, name="wechat_code"),
    path("<str:reference>/wechat/jsapi/", views.wechat_jsapi, name="wechat_jsapi"),
    path("<str:reference>/start/", views.start, name="start"),
    path("<str:reference>/done/", views.done, name="done"),
    path("<str:reference>/cancelled/", views.cancelled, name="cancelled"),
]
