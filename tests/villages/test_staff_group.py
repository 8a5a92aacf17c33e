"""``manage.py staff_group_sync``: a deployment gives the 文旅集团 group its admin permissions without the
demo data, and running it again puts the group back to exactly those."""

import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.urls import reverse

from tests import factories
from villages.roles import GROUP_STAFF

pytestmark = pytest.mark.django_db


def _sync() -> str:
    out = io.StringIO()
    call_command("staff_group_sync", stdout=out)
    return out.getvalue()


def _granted() -> set[str]:
    group = Group.objects.get(name=GROUP_STAFF)
    return {
        f"{permission.content_type.app_label}.{permission.codename}"
        for permission in group.permissions.select_related("content_type")
    }


def test_the_command_creates_the_group_with_the_money_permissions_staff_need():
    output = _sync()

    granted = _granted()
    assert {"bookings.view_payment", "bookings.change_refund", "notifications.change_notification"} <= granted
    assert "villages.delete_homestay" in granted
    assert f"“{GROUP_STAFF}”组已有 {len(granted)} 项权限" in output and "permissions" in output


def test_running_it_again_takes_away_what_was_added_by_hand_and_changes_nothing_else():
    _sync()
    before = _granted()
    Group.objects.get(name=GROUP_STAFF).permissions.add(
        Permission.objects.get(content_type__app_label="bookings", codename="delete_ledgerentry"),
        Permission.objects.get(content_type__app_label="auth", codename="change_user"),
    )

    _sync()

    assert _granted() == before
    assert Group.objects.filter(name=GROUP_STAFF).count() == 1


def test_no_money_can_be_added_deleted_or_rewritten_through_the_group():
    _sync()

    granted = _granted()

    forbidden = {
        f"bookings.{action}_{model}"
        for action in ("add", "delete")
        for model in ("payment", "refund", "ledgerentry", "webhookevent", "bookingevent")
    } | {"bookings.change_ledgerentry", "bookings.change_webhookevent", "bookings.change_booking"}
    assert granted & forbidden == set()


def test_a_member_of_the_synced_group_opens_the_payments_in_the_admin(client):
    _sync()
    member = factories.user(is_staff=True)
    member.groups.add(Group.objects.get(name=GROUP_STAFF))
    client.force_login(member)

    assert client.get(reverse("admin:bookings_payment_changelist")).status_code == 200
    assert client.get(reverse("admin:notifications_notification_changelist")).status_code == 200
    assert client.get(reverse("admin:bookings_booking_changelist")).status_code == 403


def test_the_help_is_chinese_then_english(capsys):
    with pytest.raises(SystemExit):
        call_command("staff_group_sync", "--help")

    help_text = capsys.readouterr().out
    assert help_text.index("创建或更新") < help_text.index("Create or update")
