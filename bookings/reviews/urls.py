from django.urls import path

from bookings.reviews import views

app_name = "reviews"

urlpatterns = [
    path("bookings/<reference:reference>/review/", views.review_write, name="write"),
    path("stays/homestays/<int:homestay_id>/reviews/", views.homestay_reviews, name="homestay"),
    path("owner/reviews/", views.owner_reviews, name="owner_list"),
    path("owner/reviews/<int:review_id>/reply/", views.owner_reply, name="owner_reply"),
    path("group/reviews/", views.staff_queue, name="staff_queue"),
    path("group/reviews/<int:review_id>/hide/", views.staff_hide, name="staff_hide"),
    path("group/reviews/<int:review_id>/publish/", views.staff_publish, name="staff_publish"),
]
