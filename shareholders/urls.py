"""Staff pages under /group/shareholders/ and a member's statement at /me/dividends/ (included at the
site's root by tourism/urls.py)."""

from django.urls import path

from shareholders import views

app_name = "shareholders"

GROUP = "group/shareholders/"

urlpatterns = [
    path(GROUP, views.index, name="index"),
    path(f"{GROUP}declarations/", views.declarations, name="declarations"),
    path(f"{GROUP}declarations/<int:pk>/", views.declaration, name="declaration"),
    path(
        f"{GROUP}declarations/<int:pk>/declare/", views.declaration_declare_view, name="declaration_declare"
    ),
    path(
        f"{GROUP}declarations/<int:pk>/discard/", views.declaration_discard_view, name="declaration_discard"
    ),
    path(
        f"{GROUP}declarations/<int:pk>/allocations.<str:file_format>",
        views.export,
        name="export",
    ),
    path(f"{GROUP}allocations/<int:pk>/pay/", views.payout_record, name="payout_record"),
    path(f"{GROUP}holders/<int:pk>/", views.shareholder_statement, name="shareholder"),
    path(f"{GROUP}holders/<int:pk>/holdings/", views.holding_add_view, name="holding_add"),
    path(f"{GROUP}holdings/<int:pk>/end/", views.holding_end_view, name="holding_end"),
    path(f"{GROUP}villages/<slug:slug>/", views.register, name="register"),
    path(f"{GROUP}villages/<slug:slug>/declare/", views.declare, name="declare"),
    path("me/dividends/", views.my_dividends, name="my_dividends"),
]
