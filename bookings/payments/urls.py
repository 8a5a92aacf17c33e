from django.urls import path

from bookings.payments import views

app_name = "payments"

urlpatterns = [
    path("stripe/webhook/", views.stripe_webhook, name="stripe_webhook"),
    path("alipay/notify/", views.alipay_notify, name="alipay_notify"),
    path("wechat/notify/", views.wechat_notify, name="wechat_notify"),
    path("<str:reference>/wechat/", views.wechat_code, name="wechat_code"),
    path("<str:reference>/start/", views.start, name="start"),
    path("<str:reference>/done/", views.done, name="done"),
    path("<str:reference>/cancelled/", views.cancelled, name="cancelled"),
]
