from django.urls import path

app_name = "shareholders"
urlpatterns: list = []
