from django.urls import path

from tourism.group import views

app_name = "group"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("attention/", views.attention, name="attention"),
    path("export/<slug:table>.csv", views.export, name="export"),
    path("villages/<slug:slug>/statement/", views.statement, name="statement"),
    path("villages/<slug:slug>/statement.csv", views.statement_export, name="statement_export"),
    path("villages/<slug:slug>/payouts/", views.payout_record, name="payout_record"),
    path("rules/", views.rules, name="rules"),
    path("rules/<int:pk>/delete/", views.rule_delete, name="rule_delete"),
]
