"""The development SMS backend: prints each message instead of sending it, and keeps it in ``outbox``
(as Django's locmem mail backend keeps e-mails), so a developer reads the code in the runserver window
and tests read it from ``outbox``. Nothing leaves the machine; no keys are needed.

``SentSms.text`` is the message as the phone would show it, rendered from the registered template
(``notifications.sms.templates``) the code names; empty for a code no template is registered under."""

import sys
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field

from common.phones import phone_mask
from notifications.sms import SmsBackend
from notifications.sms.templates import sms_template_by_code


@dataclass(frozen=True)
class SentSms:
    phone: str
    sign_name: str
    template_code: str
    params: dict[str, str] = field(default_factory=dict)
    text: str = ""
    message_id: str = ""


outbox: list[SentSms] = []


class ConsoleSmsBackend(SmsBackend):
    def send(self, *, phone: str, sign_name: str, template_code: str, params: Mapping[str, str]) -> str:
        template = sms_template_by_code(template_code)
        text = template.render(params) if template is not None else ""
        message_id = f"console-{uuid.uuid4().hex}"
        outbox.append(
            SentSms(
                phone=phone,
                sign_name=sign_name,
                template_code=template_code,
                params=dict(params),
                text=text,
                message_id=message_id,
            )
        )
        shown = text or ", ".join(f"{name}={value}" for name, value in params.items())
        sys.stdout.write(f"短信 SMS to {phone_mask(phone)} [{sign_name}] {template_code}: {shown}\n")
        sys.stdout.flush()
        return message_id
