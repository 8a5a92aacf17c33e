"""The owner's own objects, and nobody else's: each lookup starts from ``request.user``, so another
owner's homestay, room type, feed or booking answers 404 (its existence is not confirmed)."""

from django.shortcuts import get_object_or_404

from bookings.models import Booking
from bookings.owner.selectors import room_types_for_owner
from bookings.selectors import bookings_for_owner
from bookings.sync.models import CalendarFeed
from villages.models import Homestay, RoomType
from villages.roles import SignedInRequest, owned_homestays


def own_homestay(request: SignedInRequest, pk: int) -> Homestay:
    return get_object_or_404(owned_homestays(request.user), pk=pk)


def own_room_type(request: SignedInRequest, pk: int) -> RoomType:
    return get_object_or_404(room_types_for_owner(owner=request.user), pk=pk)


def own_feed(request: SignedInRequest, pk: int) -> CalendarFeed:
    return get_object_or_404(
        CalendarFeed.objects.filter(room_type__homestay__owner=request.user).select_related("room_type"),
        pk=pk,
    )


def own_booking(request: SignedInRequest, reference: str) -> Booking:
    return get_object_or_404(
        bookings_for_owner(owner=request.user).select_related("homestay__village", "user"),
        reference=reference.strip().upper(),
    )
