"""After check-out the guest is invited to review the stay, through the notifications (once, in the
booking's language, with the address of the review page); a stay reviewed before the message goes out
is not asked about again."""

import contextlib

import pytest
from django.core import mail
from django.urls import reverse

from bookings import usecases
from bookings.errors import IllegalTransition
from bookings.models import Booking
from bookings.notices import REVIEW_INVITE
from bookings.reviews import services
from notifications.models import Notification
from notifications.registry import renderer_for
from tests.bookings.reviews.conftest import RATINGS

pytestmark = pytest.mark.django_db


def test_checking_out_invites_the_guest_to_review(stays, guest, committed):
    with committed():
        booking = stays.completed(guest)
    invite = Notification.objects.get(event=REVIEW_INVITE)
    assert invite.recipient == guest and invite.role == "guest"
    assert invite.status == Notification.Status.SENT
    sent = [message for message in mail.outbox if message.to == [guest.email] and "评价" in message.subject]
    assert len(sent) == 1
    assert reverse("reviews:write", kwargs={"reference": booking.reference}) in sent[0].body


def test_the_invite_is_sent_once(stays, guest, committed):
    with committed():
        booking = stays.completed(guest)
    with committed(), contextlib.suppress(IllegalTransition):  # a second click on 退房
        usecases.booking_check_out(booking=booking, actor=stays.owner_actor())
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.COMPLETED
    assert Notification.objects.filter(event=REVIEW_INVITE).count() == 1


def test_only_a_completed_stay_is_invited(stays, guest, committed):
    with committed():
        stays.checked_in(stays.placed(guest))
    assert not Notification.objects.filter(event=REVIEW_INVITE).exists()


def test_a_stay_reviewed_before_the_invite_goes_out_is_not_asked_again(stays, guest):
    booking = stays.completed(guest)  # without committed(): the invite is recorded, not sent yet
    invite = Notification.objects.get(event=REVIEW_INVITE)
    services.review_create(booking=booking, user=guest, ratings=RATINGS, text="非常满意的一次住宿")
    assert renderer_for(invite.event)(invite) is None
