from django.urls import path

from tourism import views_wechat

urlpatterns = [
    path("login/", views_wechat.wechat_start, name="wechat_start"),
    path("callback/", views_wechat.wechat_callback, name="wechat_callback"),
    path("", views_wechat.wechat_account, name="wechat_account"),
    path("unlink/", views_wechat.wechat_unlink, name="wechat_unlink"),
]
