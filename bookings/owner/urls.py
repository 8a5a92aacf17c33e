from django.urls import path

from bookings.owner.views import bookings, calendar_page, home, photos, register, sync

app_name = "owner"

urlpatterns = [
    path("", home.dashboard, name="dashboard"),
    path("homestays/<int:pk>/", home.homestay_edit, name="homestay_edit"),
    path("homestays/<int:homestay_pk>/rooms/new/", home.room_type_add, name="room_type_add"),
    path("homestays/<int:pk>/register/", register.register_page, name="guest_register"),
    path(
        "homestays/<int:pk>/register.<slug:file_format>",
        register.register_export,
        name="guest_register_export",
    ),
    path("homestays/<int:pk>/photos/", photos.homestay_photos, name="homestay_photos"),
    path("rooms/<int:pk>/photos/", photos.room_type_photos, name="room_type_photos"),
    path("photos/<int:pk>/<slug:action>/", photos.photo_action, name="photo_action"),
    path("rooms/<int:pk>/", home.room_type_edit, name="room_type_edit"),
    path("rooms/<int:pk>/calendar/", calendar_page.room_calendar, name="room_calendar"),
    path("rooms/<int:pk>/sync/", sync.room_sync, name="room_sync"),
    path("rooms/<int:pk>/sync/conflicts/", sync.conflicts_decide, name="conflicts_decide"),
    path("rooms/<int:pk>/sync/export/", sync.export_regenerate, name="export_regenerate"),
    path("feeds/<int:pk>/sync/", sync.feed_sync_now, name="feed_sync_now"),
    path("feeds/<int:pk>/remove/", sync.feed_remove, name="feed_remove"),
    path("earnings/", home.earnings, name="earnings"),
    path("bookings/", bookings.booking_list, name="booking_list"),
    path("bookings/<reference:reference>/", bookings.booking_detail, name="booking_detail"),
    path("bookings/<reference:reference>/guests/", bookings.booking_guests, name="booking_guests"),
    path("bookings/<reference:reference>/<slug:action>/", bookings.booking_action, name="booking_action"),
    path("ical/<feed_token:token>.ics", sync.ical_export, name="ical_export"),
]
