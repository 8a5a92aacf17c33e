"""The trip planner's pages, mounted at ``plan/`` inside the site's i18n_patterns."""

from django.urls import path

from tourism.planner import views

app_name = "planner"

urlpatterns = [
    path("", views.plan, name="plan"),
    path("ics", views.plan_ics, name="plan_ics"),
]
