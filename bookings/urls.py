from django.urls import path

from bookings import views

app_name = "bookings"

urlpatterns = [
    path("stays/", views.search, name="search"),
    path("stays/<int:room_type_id>/book/", views.book, name="book"),
    path("stays/<int:room_type_id>/calendar/", views.price_calendar, name="price_calendar"),
    path("bookings/", views.my_bookings, name="my_bookings"),
    path("bookings/<reference:reference>/", views.booking_detail, name="detail"),
    path("bookings/<reference:reference>/cancel/", views.booking_cancel_view, name="cancel"),
]
