"""The worker's side of payments: ``manage.py db_worker`` runs these (``make run`` starts one beside the
site). A refund the platform makes on its own (a late payment for nights already taken, another amount
than asked, a second payment of a paid booking) is sent here rather than inside the provider's
notification, which then answers at once; ``refunds_send_due`` (``expire_holds``) resends what the
worker could not."""

from django.tasks import task

from bookings.models import Booking
from bookings.payments.services import refunds_send


@task()
def refunds_send_task(booking_id: int) -> int:
    """Send the booking's refunds that have not reached their provider yet; the result is how many
    were sent (``refund_send`` records each answer, or the failure to retry later)."""
    booking = Booking.objects.filter(pk=booking_id).first()
    if booking is None:
        return 0
    return len(refunds_send(booking=booking))
