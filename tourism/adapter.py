"""The allauth adapter: people sign in by phone number and SMS code as well as by e-mail; the phone
methods are backed by ``common.UserPhone`` and codes go out through ``notifications.sms``."""

from typing import Any

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.fields import PhoneField
from allauth.account.stages import EmailVerificationStage
from allauth.core import context
from allauth.core.exceptions import ImmediateHttpResponse
from captcha.fields import CaptchaField
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from common.models import UserPhone, WeChatIdentity
from common.phones import phone_normalize
from common.user_phones import PhoneTaken, user_phone_set, user_phone_verify
from notifications.sms import VERIFICATION_CODE, SmsError, SmsThrottled, sms_send
from tourism.phone_limits import sms_budget_spent, sms_code_near_limit, sms_code_wait


class MainlandPhoneField(PhoneField):
    """A phone number as people type it (``138 1234 5678``, ``+86 138-1234-5678``), cleaned to E.164
    by the adapter's ``clean_phone``; allauth's own field wants ``+86`` first, which few people type."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["validators"] = []
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={"placeholder": _("手机号，如 13812345678"), "autocomplete": "tel", "type": "tel"}
            ),
        )
        kwargs["label"] = _("手机号")
        super().__init__(*args, **kwargs)


PHONE_TAKEN = _(
    "这个手机号已属于另一个账户。请退出，再用这个手机号和短信验证码登录那个账户；要用微信登录它，登录后在"
    "「微信绑定」页绑定微信。 This number belongs to another account: sign out, sign in to that account "
    "with the number and an SMS code, and link WeChat there to sign in with WeChat."
)


class AccountAdapter(DefaultAccountAdapter):
    """allauth's phone support backed by ``common.UserPhone``, codes sent through ``notifications.sms``
    within the limits of ``tourism.phone_limits``."""

    # allauth says "taken" once a code has proved the number the person's (verifying a change of number):
    # with what to do about it (the page shows ``account/phone_taken.html`` instead: account_forms).
    error_messages = {**DefaultAccountAdapter.error_messages, "phone_taken": PHONE_TAKEN}

    def phone_form_field(self, **kwargs: Any) -> Any:
        return MainlandPhoneField(**kwargs)

    def clean_phone(self, phone: str) -> str:
        return phone_normalize(phone)

    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        """The account and its phone together: if the number turns out to be taken (``set_phone``), nobody
        is created."""
        with transaction.atomic():
            return super().save_user(request, user, form, commit=commit)

    def set_phone(self, user: Any, phone: str, verified: bool) -> None:
        _phone_store(user, phone, verified=verified)

    def get_phone(self, user: Any) -> tuple[str, bool] | None:
        record = UserPhone.objects.filter(user=user).values_list("number", "verified").first()
        return (record[0], record[1]) if record else None

    def set_phone_verified(self, user: Any, phone: str) -> None:
        """The end of every verification: a sign-up's code, a change of number (allauth verifies the new
        number before it is set), and signing in by code (allauth marks the number verified then)."""
        _phone_store(user, phone, verified=True)

    def get_user_by_phone(self, phone: str) -> Any:
        """The account that signs in with this number (by code or password, and the one sign-up and a
        change of number meet as "taken"): only an account that *verified* it. A number typed at sign-up
        proves nothing: were it found here, anyone could sign up with a stranger's number and their own
        password, and the stranger's first sign-in by code (which marks the number verified) would land
        in that account while its maker kept a password into it."""
        try:
            number = phone_normalize(phone)
        except ValidationError:
            return None
        record = UserPhone.objects.filter(number=number, verified=True).select_related("user").first()
        return record.user if record else None

    def send_verification_code_sms(self, user: Any, phone: str, code: str, **kwargs: Any) -> None:
        request = context.request
        wait = sms_code_wait(request, phone)
        if wait:
            raise ImmediateHttpResponse(
                refusal(request, status=429, code="sms_limit", message=too_many_codes(wait))
            )
        minutes = str(max(1, account_settings.PHONE_VERIFICATION_TIMEOUT // 60))
        try:
            sms_send(phone=phone, template=VERIFICATION_CODE, params={"code": code, "minutes": minutes})
        except SmsThrottled as error:
            message = error.message if error.code == "daily_budget" else str(SMS_THROTTLED)
            raise ImmediateHttpResponse(
                refusal(request, status=429, code="sms_throttled", message=message)
            ) from error
        except SmsError as error:
            raise ImmediateHttpResponse(
                refusal(request, status=503, code="sms_failed", message=str(SMS_FAILED))
            ) from error

    def get_login_stages(self) -> list[str]:
        return [
            "tourism.adapter.ContactVerificationStage" if stage.endswith(".EmailVerificationStage") else stage
            for stage in super().get_login_stages()
        ]


CONTACT_NEEDED = _("请填写手机号或邮箱 Enter a mobile number or an e-mail address")
SMS_THROTTLED = _(
    "这个号码收到的短信太多了，请过一会儿再试 Too many messages to this number; try again later"
)
SMS_FAILED = _(
    "短信暂时发不出去，请稍后再试或用邮箱 The text message could not be sent; try later or use e-mail"
)


def too_many_codes(wait: int) -> str:
    minutes = max(1, -(-wait // 60))
    return gettext(
        "验证码发送太多次，请%(minutes)s分钟后再试 Too many codes sent; try again in %(minutes)s minutes"
    ) % {"minutes": minutes}


def _phone_store(user: Any, phone: str, *, verified: bool) -> None:
    """The user's one number (``common.user_phones``). A number verified by another account is refused
    with a 409 that changed nothing: on the page, what to do instead (sign in to that account; link
    WeChat there); the forms look first, but another account can verify it between their look and this
    write."""
    try:
        if verified:
            user_phone_verify(user=user, number=phone)
        else:
            user_phone_set(user=user, number=phone)
    except PhoneTaken:
        raise ImmediateHttpResponse(phone_taken_refusal(context.request, user)) from None


def phone_taken_refusal(request: HttpRequest, user: Any) -> HttpResponse:
    """The number is another account's: the app gets ``phone_taken``; the page says how to get into
    that account, and (for someone signed in with WeChat) how to bring this WeChat along."""
    if hasattr(getattr(request, "allauth", None), "headless"):
        return refusal(request, status=409, code="phone_taken", message=str(PHONE_TAKEN))
    has_wechat = bool(user and user.pk and WeChatIdentity.objects.filter(user=user).exists())
    return render(
        request,
        "account/phone_taken.html",
        {"has_wechat": has_wechat, "signed_in": request.user.is_authenticated},
        status=409,
    )


def refusal(request: HttpRequest, *, status: int, code: str, message: str) -> HttpResponse:
    """A refusal that changed nothing: allauth's error shape for the app, the error page for browsers."""
    if hasattr(getattr(request, "allauth", None), "headless"):
        return JsonResponse({"status": status, "errors": [{"message": message, "code": code}]}, status=status)
    return render(request, "429.html", {"message": message}, status=status)


class ContactVerificationStage(EmailVerificationStage):
    """A verified phone or a verified e-mail before one is signed in.

    ``ACCOUNT_EMAIL_VERIFICATION`` is "optional" so that people can sign up with a phone and no e-mail;
    for anyone without a verified phone this stage applies ``EMAIL_VERIFICATION_WITHOUT_PHONE``
    ("mandatory" by default: as before, an e-mail sign-up must confirm its address). allauth's phone
    stage, which runs first, has already held back anyone whose phone is not verified."""

    def handle(self):
        phone = UserPhone.objects.filter(user=self.login.user, verified=True).exists()
        if not phone:
            self.login.email_verification = getattr(
                settings, "EMAIL_VERIFICATION_WITHOUT_PHONE", account_settings.EMAIL_VERIFICATION
            )
        return super().handle()


def _bound_phone(form: forms.Form) -> str | None:
    try:
        return phone_normalize(form.data.get("phone", "")) if form.is_bound else None
    except ValidationError:
        return None


def add_human_check(form: forms.Form) -> None:
    """Ask for a picture code on a page (not in the app's API) once the client nears a limit on codes."""
    request = context.request
    if hasattr(getattr(request, "allauth", None), "headless"):
        return
    if sms_code_near_limit(request, _bound_phone(form)):
        form.fields["captcha"] = CaptchaField(
            label=_("图中的算式等于几？"),
            error_messages={
                "invalid": _("图中算式的答案不对，请再试一次 Wrong answer to the picture; try again")
            },
        )


class SignupContactForm(forms.Form):
    """allauth's sign-up form asks for a phone or an e-mail (``ACCOUNT_SIGNUP_FORM_CLASS``): at least one,
    and a phone only while codes may still be sent to it from here, so a refused sign-up changes nothing;
    with a picture code once the client nears a limit."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        add_human_check(self)

    def clean(self) -> dict[str, Any] | None:
        data = super().clean()
        request = context.request
        if not (self.cleaned_data.get("phone") or self.cleaned_data.get("email")) and not self.errors:
            raise ValidationError(CONTACT_NEEDED, code="contact")
        phone = self.cleaned_data.get("phone")
        if phone:
            if sms_budget_spent():
                raise ValidationError(str(SMS_FAILED), code="sms_budget")
            wait = sms_code_wait(request, phone, dry_run=True)
            if wait:
                raise ValidationError(too_many_codes(wait), code="sms_limit")
        return data

    def signup(self, request: HttpRequest, user: Any) -> None:
        """Nothing beyond allauth's fields to save."""
