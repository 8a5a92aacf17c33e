"""Writes of a person's phone number (``common.models.UserPhone``): the number they typed, and the number
they proved is theirs.

Typing a number proves nothing: anyone can sign up with a stranger's number. So a typed number is held
unverified, several accounts may hold the same one, and none of them signs in with it (the account
adapter finds people by verified numbers only). The account that verifies the number (an SMS code that
reached the phone, or the number WeChat verified for the mini-program) takes it from the accounts that
only typed it; a number another account has verified is never taken (``PhoneTaken``)."""

from django.db import IntegrityError, transaction

from common.models import UserPhone


class PhoneTaken(Exception):
    """The number is another account's verified number; nothing was changed."""


@transaction.atomic
def user_phone_set(*, user, number: str) -> UserPhone:
    """The person's number as typed, not yet verified (replacing their earlier number). Refused when it
    is another account's verified number: that one signs in with it, and a code would go to its owner."""
    if UserPhone.objects.filter(number=number, verified=True).exclude(user=user).exists():
        raise PhoneTaken(number)
    phone, _created = UserPhone.objects.update_or_create(
        user=user, defaults={"number": number, "verified": False}
    )
    return phone


@transaction.atomic
def user_phone_verify(*, user, number: str) -> UserPhone:
    """The number proven to be the person's becomes their verified number, taken from every account that
    holds it unverified (they lose it; they could never have signed in with it). ``PhoneTaken`` when
    another account has verified it.

    The rows holding the number are locked in one order, so two accounts verifying the same number at
    once queue: the second then finds the first's verified row and is refused; two first writes of the
    number meet the unique constraint on verified numbers instead."""
    holders = list(UserPhone.objects.select_for_update().filter(number=number).order_by("pk"))
    others = [row for row in holders if row.user_id != user.pk]
    if any(row.verified for row in others):
        raise PhoneTaken(number)
    try:
        with transaction.atomic():
            UserPhone.objects.filter(pk__in=[row.pk for row in others]).delete()
            phone, _created = UserPhone.objects.update_or_create(
                user=user, defaults={"number": number, "verified": True}
            )
    except IntegrityError as error:  # verified by another account since the look above
        raise PhoneTaken(number) from error
    return phone
