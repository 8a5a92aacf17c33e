"""The one rule for which channel reaches whom (notifications.routing): an explicit choice first; else
owners by SMS when they have a verified phone, guests on the channel they signed up with; then e-mail;
then anything that reaches them. It takes the channels from the registry, so a ``wechat`` channel plugs
in by being registered."""

from datetime import timedelta
from importlib import import_module

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.utils import timezone

from common.models import UserPhone, WeChatIdentity
from notifications.channels import ChannelBackend, EmailChannel, Message
from notifications.models import Channel, ContactPreference
from notifications.routing import OWNER, SIGN_UP_WINDOW, channel_choose, signed_up_with
from notifications.services import route_for
from notifications.sms.channel import SmsChannel
from tests import factories

pytestmark = pytest.mark.django_db
PHONE = "+8613812345678"


class WeChatChannel(ChannelBackend):
    """A stand-in for the WeChat subscription-message channel: reaches anyone with a WeChat identity."""

    channel = "wechat"

    def address_for(self, user) -> str:
        identity = WeChatIdentity.objects.filter(user=user).first()
        return f"openid-of-{identity.unionid}" if identity else ""

    def send(self, *, address: str, message: Message) -> str | None:
        return None


EMAIL_AND_SMS = {"email": EmailChannel(), "sms": SmsChannel()}
ALL = {**EMAIL_AND_SMS, "wechat": WeChatChannel()}


def person(
    *, email: str = "", phone: str = "", verified: bool = True, wechat: bool = False, email_verified=True
):
    user = factories.user(email=email)
    if email:
        EmailAddress.objects.create(user=user, email=email, verified=email_verified, primary=True)
    if phone:
        UserPhone.objects.create(user=user, number=phone, verified=verified)
    if wechat:
        WeChatIdentity.objects.create(user=user, unionid=f"union-{user.pk}")
    return user


def choose(user, *, role: str = "guest", chosen: str = "", available=ALL) -> tuple[str, str]:
    return channel_choose(user=user, role=role, chosen=chosen, available=available)


def test_an_owner_with_a_verified_phone_hears_by_sms_by_default():
    owner = person(email="host@example.cn", phone=PHONE)

    assert choose(owner, role=OWNER) == ("sms", PHONE)


def test_an_owner_whose_phone_is_not_verified_hears_by_e_mail():
    owner = person(email="host@example.cn", phone=PHONE, verified=False)

    assert choose(owner, role=OWNER) == ("email", "host@example.cn")


def test_an_owner_who_chose_e_mail_keeps_e_mail():
    owner = person(email="host@example.cn", phone=PHONE)

    assert choose(owner, role=OWNER, chosen="email") == ("email", "host@example.cn")


def test_a_guest_who_signed_up_by_phone_gets_sms():
    guest = person(phone=PHONE)

    assert signed_up_with(guest) == "sms"
    assert choose(guest) == ("sms", PHONE)


def test_a_guest_who_signed_up_by_e_mail_gets_e_mail_even_with_a_phone_added_later():
    guest = person(email="li@example.cn", phone=PHONE)

    assert choose(guest) == ("email", "li@example.cn")


def test_a_phone_sign_up_who_typed_an_unverified_e_mail_still_gets_sms():
    guest = person(email="li@example.cn", email_verified=False, phone=PHONE)

    assert choose(guest) == ("sms", PHONE)


def test_a_guest_who_signed_in_with_wechat_gets_a_wechat_message_when_that_channel_is_registered():
    guest = person(wechat=True, phone=PHONE)

    assert signed_up_with(guest) == "wechat"
    assert choose(guest) == ("wechat", f"openid-of-union-{guest.pk}")


def test_without_a_wechat_channel_the_wechat_guest_is_reached_another_way():
    guest = person(wechat=True, phone=PHONE)

    assert choose(guest, available=EMAIL_AND_SMS) == ("sms", PHONE)


def test_wechat_linked_long_after_sign_up_is_not_how_they_signed_up():
    guest = person(email="li@example.cn", wechat=True)
    type(guest).objects.filter(pk=guest.pk).update(
        date_joined=timezone.now() - SIGN_UP_WINDOW - timedelta(days=30)
    )
    guest.refresh_from_db()

    assert choose(guest) == ("email", "li@example.cn")


def test_a_chosen_channel_without_an_address_falls_back_to_one_that_reaches_them():
    guest = person(phone=PHONE)

    assert choose(guest, chosen="email") == ("sms", PHONE)


def test_nobody_reachable_gets_nothing():
    assert choose(person()) == ("", "")


def test_the_service_records_e_mail_with_no_address_for_someone_unreachable(settings):
    channel, address, language = route_for(person())

    assert (channel, address, language) == ("email", "", "zh-hans")


def test_the_page_choice_and_the_default_meet_in_route_for(settings):
    settings.NOTIFICATION_CHANNELS = {
        "email": "notifications.channels.EmailChannel",
        "sms": "notifications.sms.channel.SmsChannel",
    }
    owner = person(email="host@example.cn", phone=PHONE)
    assert route_for(owner, role=OWNER)[:2] == ("sms", PHONE)

    ContactPreference.objects.create(user=owner, channel="email")
    assert route_for(owner, role=OWNER)[:2] == ("email", "host@example.cn")


def test_the_migration_turns_the_old_forced_e_mail_choices_into_the_default():
    migration = import_module("notifications.migrations.0002_sms_delivery_msgs")
    owner = person(email="host@example.cn", phone=PHONE)
    ContactPreference.objects.create(user=owner, channel=Channel.EMAIL, language="en")
    other = ContactPreference.objects.create(user=person(phone="+8613912345678"), channel=Channel.SMS)

    migration.email_choices_to_default(apps, None)

    assert ContactPreference.objects.get(user=owner).channel == ""
    assert ContactPreference.objects.get(user=owner).language == "en"
    assert ContactPreference.objects.get(pk=other.pk).channel == Channel.SMS
    assert choose(owner, role=OWNER) == ("sms", PHONE)
