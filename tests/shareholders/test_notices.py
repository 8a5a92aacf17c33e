"""The text messages of dividend notices: a household reached only by SMS gets the declaration and the
payment within one SMS, with the amount and no private number."""

from datetime import date

import pytest

from notifications.models import Notification
from notifications.sms.templates import SMS_SINGLE_LIMIT, sms_templates
from shareholders.models import Allocation
from shareholders.notices import render
from shareholders.services import declaration_declare, household_payout_record
from tests.shareholders.test_services import draft

pytestmark = pytest.mark.django_db


def sms_text(notification: Notification) -> str:
    message = render(notification)
    assert message is not None and message.sms is not None
    return sms_templates()[message.sms.template].render(message.sms.params)


def test_declared_and_paid_texts_name_the_village_the_amount_and_fit_one_sms(register, member):
    village = register["collective"].village
    declaration_declare(declaration=draft(village))
    zhang = Allocation.objects.get(shareholder=register["zhang"])
    household_payout_record(allocation=zhang, paid_on=date(2026, 9, 9))

    declared = sms_text(Notification.objects.get(recipient=member, event="dividend.declared"))
    paid = sms_text(Notification.objects.get(recipient=member, event="dividend.paid"))

    assert declared.startswith("【离石乡村旅游】") and "10.00元" in declared and "“我的分红”" in declared
    assert "9月9日支付给您" in paid and "10.00元" in paid
    for text in (declared, paid):
        assert len(text) <= SMS_SINGLE_LIMIT, text
        assert str(village.name)[:5] in text
        for private in ("11010519491231002X", "6222020200112233445", "13912345678"):
            assert private not in text
