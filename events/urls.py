from django.urls import path

from events import views

app_name = "events"

urlpatterns = [
    path("", views.event_list, name="list"),
    path("tickets/", views.my_tickets, name="my_tickets"),
    path("tickets/<str:code>/", views.ticket_detail, name="ticket"),
    path("tickets/<str:code>/cancel/", views.ticket_cancel, name="ticket_cancel"),
    path("tickets/<str:code>/pay/", views.ticket_pay, name="ticket_pay"),
    path("tickets/<str:code>/wechat/", views.ticket_wechat, name="ticket_wechat"),
    path("check-in/<str:code>/", views.check_in, name="check_in"),
    path("slots/<int:slot_id>/register/", views.ticket_register, name="register"),
    path("staff/slots/<int:pk>/", views.slot_staff, name="slot_staff"),
    path("<slug:village_slug>/<slug:slug>/", views.event_detail, name="detail"),
]
