from django.urls import path

from villages import views

app_name = "villages"

urlpatterns = [
    path("", views.village_list, name="village_list"),
    path("<slug:slug>/", views.village_detail, name="village_detail"),
    path("<slug:village_slug>/attractions/<slug:slug>/", views.attraction_detail, name="attraction_detail"),
    path("<slug:village_slug>/homestays/<slug:slug>/", views.homestay_detail, name="homestay_detail"),
    path("<slug:slug>/news/", views.news_list, name="news_list"),
    path("<slug:slug>/news/<int:pk>/", views.news_detail, name="news_detail"),
    path("<slug:village_slug>/routes/<slug:slug>/", views.route_detail, name="route_detail"),
]
