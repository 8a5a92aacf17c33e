"""The text of every SMS template, as submitted to the provider for approval, and the carrier's limits.

Aliyun and Tencent send only pre-approved templates (模板) with parameters: ``SmsTemplate.text`` is the
Chinese text in Aliyun's form (``${name}``), ``SmsTemplate.tencent_text`` the same in Tencent's
(``{1}``, in ``params`` order). An app registers the templates it sends (``sms_template_register``, the
bookings app in its ``AppConfig.ready``); ``SMS_TEMPLATES`` maps each template's ``name`` to the code
the provider gave it. ``manage.py sms_templates`` prints them all for the application.

Limits: one SMS carries ``SMS_SINGLE_LIMIT`` characters, the signature (``【离石乡村旅游】``) included;
longer texts are split and billed as several. Every template, with realistic long values, fits in one
(tests/notifications/test_sms_templates.py). Aliyun takes at most ``PARAM_LIMIT`` characters per
variable; ``sms_param`` shortens a value to fit.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings

SMS_SINGLE_LIMIT = 70
PARAM_LIMIT = 35
ELLIPSIS = "…"
PLACEHOLDER = re.compile(r"\$\{(\w+)\}")


@dataclass(frozen=True)
class SmsTemplate:
    name: str
    text: str
    description: str = ""

    @property
    def params(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(PLACEHOLDER.findall(self.text)))

    @property
    def tencent_text(self) -> str:
        order = {name: index for index, name in enumerate(self.params, start=1)}
        return PLACEHOLDER.sub(lambda match: f"{{{order[match.group(1)]}}}", self.text)

    def render(self, params: Mapping[str, str]) -> str:
        """The text a person reads, signature first, as the carrier delivers it."""
        body = PLACEHOLDER.sub(lambda match: str(params.get(match.group(1), "")), self.text)
        return f"【{sms_sign_name()}】{body}"


_templates: dict[str, SmsTemplate] = {}


def sms_sign_name() -> str:
    return getattr(settings, "SMS_SIGN_NAME", "")


def sms_template_register(template: SmsTemplate) -> None:
    _templates[template.name] = template


def sms_templates() -> dict[str, SmsTemplate]:
    return dict(_templates)


def sms_template_by_code(code: str) -> SmsTemplate | None:
    """The registered template whose configured code is ``code`` (for the console backend)."""
    for name, configured in getattr(settings, "SMS_TEMPLATES", {}).items():
        if configured == code and name in _templates:
            return _templates[name]
    return None


def sms_param(value: object, *, limit: int = PARAM_LIMIT) -> str:
    """``value`` as a template parameter: one line, at most ``limit`` characters (an ellipsis ends a
    shortened one)."""
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS


sms_template_register(
    SmsTemplate(
        "verification_code",
        "您的验证码是${code}，${minutes}分钟内有效。请勿告诉他人，如非本人操作请忽略。",
        "注册、登录、验证手机号 Sign-up, sign-in and phone verification",
    )
)
