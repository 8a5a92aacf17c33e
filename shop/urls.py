from django.urls import path

from shop import payout_views, views

app_name = "shop"
urlpatterns = [
    path("", views.product_list, name="product_list"),
    path("products/<int:pk>/", views.product_detail, name="product_detail"),
    path("cart/", views.cart_view, name="cart"),
    path("checkout/", views.checkout, name="checkout"),
    path("orders/", views.my_orders, name="my_orders"),
    path("orders/<str:reference>/", views.order_detail, name="order"),
    path("orders/<str:reference>/pay/", views.order_pay, name="order_pay"),
    path("orders/<str:reference>/wechat/", views.order_wechat, name="order_wechat"),
    path("report/", views.report, name="report"),
    path("payouts/", payout_views.producer_payouts, name="payouts"),
]
