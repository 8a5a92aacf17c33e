"""Account settings decisions, kept pure so settings.py stays declarative and the choices are testable."""

from common.phones import phone_mask

WEIXIN_APP = "allauth.socialaccount.providers.weixin"


def weixin_login(app_id: str, app_secret: str) -> tuple[list[str], dict[str, dict]]:
    """The apps to install and the SOCIALACCOUNT_PROVIDERS entries for WeChat (微信) login.

    WeChat login exists only when both keys are configured; otherwise nothing is installed, so the
    sign-in page shows no WeChat button and /accounts/weixin/ does not exist.
    """
    app_id, app_secret = app_id.strip(), app_secret.strip()
    if not (app_id and app_secret):
        return [], {}
    provider = {"APP": {"client_id": app_id, "secret": app_secret}, "SCOPE": ["snsapi_login"]}
    return [WEIXIN_APP], {"weixin": provider}


def user_display(user) -> str:
    """How allauth names a person in pages and emails: their email, else their masked mobile number, not
    the generated username."""
    if user.email:
        return user.email
    phone = getattr(user, "phone", None) if user.pk else None
    return phone_mask(phone.number) if phone else user.get_username()
