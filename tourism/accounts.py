"""How allauth names a person."""

from common.phones import phone_mask


def user_display(user) -> str:
    """How allauth names a person in pages and emails: their email, else their masked mobile number, not
    the generated username."""
    if user.email:
        return user.email
    phone = getattr(user, "phone", None) if user.pk else None
    return phone_mask(phone.number) if phone else user.get_username()
