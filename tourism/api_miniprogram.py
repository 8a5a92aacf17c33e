"""The mini-program's own operations: sign in with ``wx.login``, bind the phone number of the
``getPhoneNumber`` button, and the subscription messages the person agreed to receive. The use cases
are ``tourism.miniprogram`` and ``notifications.wechat``; refusals are ``{"detail", "code"}``."""

from django.http import HttpRequest, HttpResponse
from ninja import Field, NinjaAPI, Router, Schema, Status

from common.phones import phone_mask
from notifications import wechat
from tourism.miniprogram import (
    MiniProgramError,
    miniprogram_link,
    miniprogram_phone_bind,
    miniprogram_sign_in,
    session_token_issue,
    sign_in_limit,
)
from villages.api.auth import SIGNED_IN, SignedInApiRequest
from villages.api.fields import ErrorOut, ValidationErrorOut

router = Router(tags=["mini-program"])


class LoginIn(Schema):
    model_config = {"json_schema_extra": {"examples": [{"code": "0a3Xk2Ga1ZkHpL0vN9Ia1Qx2Dz3Xk2Gd"}]}}

    code: str = Field(
        min_length=1, max_length=128, description="The code ``wx.login()`` gave the mini-program."
    )


class PhoneIn(Schema):
    model_config = {
        "json_schema_extra": {
            "examples": [{"code": "e31968a7f94cc5ee25fafc2aef2773f0bb8c3937b22520eb8ee345274d00c144"}]
        }
    }

    code: str = Field(
        min_length=1,
        max_length=128,
        description="The ``code`` of the ``getPhoneNumber`` button's event (``e.detail.code``).",
    )


class LoginOut(Schema):
    model_config = {
        "json_schema_extra": {
            "examples": [
                {"session_token": "ufp3j6w5mb1wq0ms2j0sh1o3cy9qkf3x", "user_id": 42, "new": True, "phone": ""}
            ]
        }
    }

    session_token: str = Field(description="Send it as the X-Session-Token header on every API call.")
    user_id: int
    new: bool = Field(description="True when this sign-in made the account (a WeChat-only account).")
    phone: str = Field(description="The verified mobile number, masked; empty until one is bound.")


class PhoneOut(Schema):
    model_config = {"json_schema_extra": {"examples": [{"phone": "+86 138****5678"}]}}

    phone: str = Field(description="The number now verified for the account, masked.")


class RefusalOut(Schema):
    detail: str = Field(
        description="中文 English", examples=["登录凭证无效，请重新登录 The code is not valid; sign in again"]
    )
    code: str = Field(description="稳定代码 stable code", examples=["invalid_code"])


class TemplateOut(Schema):
    purpose: str = Field(examples=["booking_status"])
    template_id: str = Field(description="Pass it to wx.requestSubscribeMessage({tmplIds}).")
    remaining: int = Field(description="Messages of this template the person can still receive.")


class SubscriptionsOut(Schema):
    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "enabled": True,
                    "templates": [
                        {
                            "purpose": "booking_status",
                            "template_id": "hV2sIu0Ml1fN4p8Bq7cR9x",
                            "remaining": 1,
                        },
                        {"purpose": "refund", "template_id": "Jq0tY3bW7cD1eF5gH9iK2l", "remaining": 0},
                    ],
                }
            ]
        }
    }

    enabled: bool = Field(description="False when this site sends no WeChat messages (nothing to ask for).")
    templates: list[TemplateOut]


class SubscriptionsIn(Schema):
    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "results": {
                        "errMsg": "requestSubscribeMessage:ok",
                        "hV2sIu0Ml1fN4p8Bq7cR9x": "accept",
                        "Jq0tY3bW7cD1eF5gH9iK2l": "reject",
                    }
                }
            ]
        }
    }

    results: dict[str, str] = Field(
        description="The success result of wx.requestSubscribeMessage as it is: template id -> "
        '"accept", "reject", "ban" or "filter" (other keys are ignored).'
    )


REFUSALS: dict[int, object] = {status: RefusalOut for status in (400, 404, 409, 429, 503)}
# 422: input of the wrong shape (ninja's list of problems), or a number this site cannot read.
REFUSALS[422] = RefusalOut | ValidationErrorOut
# Not signed in (401), or a page's session cookie without its CSRF token (403).
SIGNED_IN_ERRORS = {401: ErrorOut, 403: RefusalOut | ErrorOut}


@router.post(
    "/miniprogram/login",
    response={200: LoginOut, **REFUSALS, 403: RefusalOut},
    summary="小程序登录 Sign in from the mini-program",
    description=(
        "Exchanges a ``wx.login`` code through WeChat's code2Session for a session token. The person is "
        "found by their UnionID (the same person as on the website and the official account) or openid, "
        "or a WeChat-only account is made (no e-mail, no phone). WeChat's session_key stays on the "
        "server. Refusals: 400 ``invalid_code`` / ``code_used`` (call wx.login again), 429 "
        "``too_frequent`` (WeChat's limit) or ``too_many_attempts`` (ours, per client address a minute), "
        "403 ``risky_user`` / ``inactive``, 409 ``wechat_conflict``, 503 "
        "``wechat_unavailable`` (WeChat busy or slow: try again), 404 ``not_configured``."
    ),
)
def login(request: HttpRequest, payload: LoginIn):
    sign_in_limit(request)
    user, session_key, created = miniprogram_sign_in(code=payload.code)
    token = session_token_issue(request, user, session_key=session_key)
    phone = getattr(user, "phone", None)
    return {
        "session_token": token,
        "user_id": user.pk,
        "new": created,
        "phone": phone_mask(phone.number) if phone and phone.verified else "",
    }


@router.post(
    "/miniprogram/phone",
    response={200: PhoneOut, **REFUSALS, **SIGNED_IN_ERRORS},
    auth=SIGNED_IN,
    summary="绑定手机号 Bind the phone number from WeChat",
    description=(
        "Reads the number of the ``getPhoneNumber`` button's code (WeChat's getuserphonenumber) and makes "
        "it the account's verified phone, replacing another number of the account (an account that only "
        "typed the number at sign-up loses it). 409 ``phone_taken``: another account has verified the "
        "number; the person can sign out and sign in to that account with the "
        "number and an SMS code (/_allauth/app/v1/auth/code/request). 400 ``invalid_code``: the code was "
        "used or expired (each tap of the button gives a new one)."
    ),
)
def phone(request: SignedInApiRequest, payload: PhoneIn):
    record = miniprogram_phone_bind(user=request.auth, code=payload.code)
    return {"phone": phone_mask(record.number)}


@router.post(
    "/miniprogram/link",
    response={204: None, **REFUSALS, **SIGNED_IN_ERRORS},
    auth=SIGNED_IN,
    summary="把小程序微信绑定到当前账户 Link the mini-program's WeChat to this account",
    description=(
        "For someone signed in another way (phone and SMS code after ``phone_taken``, say): a fresh "
        "``wx.login`` code links this WeChat to the account, so the mini-program signs in to it from "
        "now on. A WeChat-only account an earlier sign-in made, never used (no password, verified phone "
        "or e-mail, booking, order or ticket), gives the WeChat up and is switched off. 409 "
        "``wechat_conflict``: the WeChat belongs to another, used account, or this account has another "
        "WeChat. 400 ``invalid_code`` / ``code_used``: call wx.login again."
    ),
)
def link(request: SignedInApiRequest, payload: LoginIn):
    miniprogram_link(user=request.auth, code=payload.code)
    return Status(204, None)


def _subscriptions(user) -> dict:
    left = wechat.subscriptions_left(user=user)
    return {
        "enabled": wechat.wechat_messages_enabled(),
        "templates": [
            {"purpose": purpose, "template_id": spec["id"], "remaining": left.get(spec["id"], 0)}
            for purpose, spec in wechat.templates().items()
        ],
    }


@router.get(
    "/miniprogram/subscriptions",
    response={200: SubscriptionsOut, **SIGNED_IN_ERRORS},
    auth=SIGNED_IN,
    summary="可订阅的消息 The WeChat messages to ask for",
    description=(
        "The subscription templates this site sends (by purpose) and how many messages of each the person "
        "can still receive: ask with wx.requestSubscribeMessage (at most three ids a time) before the "
        "actions that lead to them, e.g. the booking button."
    ),
)
def subscriptions(request: SignedInApiRequest):
    return _subscriptions(request.auth)


@router.post(
    "/miniprogram/subscriptions",
    response={200: SubscriptionsOut, 400: RefusalOut, 422: ValidationErrorOut, **SIGNED_IN_ERRORS},
    auth=SIGNED_IN,
    summary="记录订阅结果 Record what the person accepted",
    description=(
        "Send the result of wx.requestSubscribeMessage. Each accepted template allows one message "
        "(WeChat's one-time subscriptions); a message is sent on WeChat only while one is left, else by "
        "SMS or e-mail. Unknown template ids and rejections change nothing."
    ),
)
def subscriptions_record(request: SignedInApiRequest, payload: SubscriptionsIn):
    wechat.subscriptions_record(user=request.auth, results=payload.results)
    return _subscriptions(request.auth)


def install(api: NinjaAPI) -> None:
    def refused(request: HttpRequest, error: MiniProgramError) -> HttpResponse:
        return api.create_response(
            request, {"detail": error.message, "code": error.code}, status=error.status
        )

    api.exception_handler(MiniProgramError)(refused)
