"""The development SMS backend: prints each message instead of sending it, and keeps it in ``outbox``
(as Django's locmem mail backend keeps e-mails), so a developer reads the code in the runserver window
and tests read it from ``outbox``. Nothing leaves the machine; no keys are needed."""

import sys
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field

from common.phones import phone_mask
from notifications.sms import SmsBackend


@dataclass(frozen=True)
class SentSms:
    phone: str
    sign_name: str
    template_code: str
    params: dict[str, str] = field(default_factory=dict)


outbox: list[SentSms] = []


class ConsoleSmsBackend(SmsBackend):
    def send(self, *, phone: str, sign_name: str, template_code: str, params: Mapping[str, str]) -> str:
        message = SentSms(phone=phone, sign_name=sign_name, template_code=template_code, params=dict(params))
        outbox.append(message)
        values = ", ".join(f"{name}={value}" for name, value in params.items())
        sys.stdout.write(f"短信 SMS to {phone_mask(phone)} [{sign_name}] {template_code}: {values}\n")
        sys.stdout.flush()
        return f"console-{uuid.uuid4().hex}"
