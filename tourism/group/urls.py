from django.urls import path

from tourism.group import reconciliation, reports_views, views

app_name = "group"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("attention/", views.attention, name="attention"),
    path("export/<slug:table>.csv", views.export, name="export"),
    path("villages/<slug:slug>/statement/", views.statement, name="statement"),
    path("villages/<slug:slug>/statement.csv", views.statement_export, name="statement_export"),
    path("villages/<slug:slug>/payouts/", views.payout_record, name="payout_record"),
    path("rules/", views.rules, name="rules"),
    path("reports/", reports_views.reports, name="reports"),
    path("reports/<slug:report>.<slug:file_format>", reports_views.report_export, name="report_export"),
    path("rules/<int:pk>/delete/", views.rule_delete, name="rule_delete"),
    path("reconciliation/", reconciliation.runs, name="reconciliation"),
    path("reconciliation/<int:pk>/", reconciliation.run, name="reconciliation_run"),
    path(
        "reconciliation/mismatches/<int:pk>/resolve/",
        reconciliation.mismatch_resolve_view,
        name="mismatch_resolve",
    ),
]
