from django.urls import path

from shop import producer_views as views

app_name = "producer"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("orders/<str:reference>/", views.order_detail, name="order"),
    path("products/", views.products, name="products"),
    path("products/<int:pk>/photo/", views.product_photo, name="product_photo"),
    path("earnings/", views.earnings, name="earnings"),
]
