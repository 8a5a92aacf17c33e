"""One person per UnionID across the website, the official account and the mini-program."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group, User

from common.models import UserPhone, WeChatIdentity, WeChatOpenId
from common.wechat_ids import (
    WeChatLinkConflict,
    openid_for,
    wechat_account_retire,
    wechat_link,
    wechat_only_and_unused,
    wechat_unlink,
    wechat_user,
)

pytestmark = pytest.mark.django_db
OA, MINI = "wx_oa", "wx_mini"


def test_the_same_unionid_from_another_app_is_the_same_person():
    ann = User.objects.create_user("ann")
    wechat_link(ann, appid=OA, kind="official_account", openid="o-oa-ann", unionid="u-ann")
    assert wechat_user(appid=MINI, openid="o-mini-ann", unionid="u-ann") == ann
    wechat_link(ann, appid=MINI, kind="mini_program", openid="o-mini-ann", unionid="u-ann")
    assert WeChatIdentity.objects.count() == 1
    assert openid_for(ann, OA) == "o-oa-ann"
    assert openid_for(ann, MINI) == "o-mini-ann"


def test_without_a_unionid_the_openid_finds_the_person_and_a_later_unionid_is_recorded():
    ann = User.objects.create_user("ann")
    wechat_link(ann, appid=OA, kind="official_account", openid="o-oa-ann")
    assert wechat_user(appid=OA, openid="o-oa-ann") == ann
    wechat_link(ann, appid=OA, kind="official_account", openid="o-oa-ann", unionid="u-ann", nickname="安")
    identity = WeChatIdentity.objects.get(user=ann)
    assert (identity.unionid, identity.nickname) == ("u-ann", "安")


def test_linking_anothers_wechat_is_refused_and_changes_nothing():
    ann, bob = User.objects.create_user("ann"), User.objects.create_user("bob")
    wechat_link(ann, appid=OA, kind="official_account", openid="o-oa-ann", unionid="u-ann")
    with pytest.raises(WeChatLinkConflict):
        wechat_link(bob, appid=MINI, kind="mini_program", openid="o-mini-x", unionid="u-ann")
    with pytest.raises(WeChatLinkConflict):
        wechat_link(bob, appid=OA, kind="official_account", openid="o-oa-ann")
    assert not WeChatIdentity.objects.filter(user=bob, openids__isnull=False).exists()
    assert WeChatOpenId.objects.count() == 1


def test_a_person_linked_to_one_unionid_cannot_take_a_second():
    ann = User.objects.create_user("ann")
    wechat_link(ann, appid=OA, kind="official_account", openid="o1", unionid="u-ann")
    with pytest.raises(WeChatLinkConflict):
        wechat_link(ann, appid=MINI, kind="mini_program", openid="o2", unionid="u-other")


def test_signing_in_again_is_idempotent_and_unlink_forgets():
    ann = User.objects.create_user("ann")
    for _ in range(3):
        wechat_link(ann, appid=OA, kind="official_account", openid="o1", unionid="u-ann")
    assert WeChatOpenId.objects.count() == 1
    assert wechat_unlink(ann) is True
    assert openid_for(ann, OA) is None
    assert wechat_user(appid=OA, openid="o1", unionid="u-ann") is None
    assert wechat_unlink(ann) is False


# Which accounts may give their WeChat away


def wechat_only(name: str = "wx_ann") -> User:
    user = User.objects.create_user(name, email="")
    user.set_unusable_password()
    user.save()
    wechat_link(user, appid=OA, kind="official_account", openid=f"o-{name}", unionid=f"u-{name}")
    return user


def test_an_account_a_wechat_sign_in_made_and_nobody_used_is_unused():
    user = wechat_only()
    UserPhone.objects.create(user=user, number="+8613812345678", verified=False)  # typed, never verified
    EmailAddress.objects.create(user=user, email="typed@example.com", verified=False)

    assert wechat_only_and_unused(user)


def _password(user: User) -> None:
    user.set_password("Lishi-zaolin-2024")
    user.save()


def _verified_phone(user: User) -> None:
    UserPhone.objects.create(user=user, number="+8613812345678", verified=True)


def _verified_email(user: User) -> None:
    EmailAddress.objects.create(user=user, email="ann@example.com", verified=True)


def _email_outside_allauth(user: User) -> None:
    User.objects.filter(pk=user.pk).update(email="ann@example.com")


def _staff(user: User) -> None:
    User.objects.filter(pk=user.pk).update(is_staff=True)


def _group(user: User) -> None:
    user.groups.add(Group.objects.get_or_create(name="文旅集团")[0])


@pytest.mark.parametrize(
    "use", [_password, _verified_phone, _verified_email, _email_outside_allauth, _staff, _group]
)
def test_an_account_used_for_anything_is_not(use):
    user = wechat_only()
    use(user)

    assert not wechat_only_and_unused(User.objects.get(pk=user.pk))


def test_retiring_an_unused_account_frees_its_wechat_and_switches_it_off():
    user = wechat_only()

    wechat_account_retire(user)

    user.refresh_from_db()
    assert not user.is_active and not WeChatIdentity.objects.filter(user=user).exists()
    assert wechat_user(appid=OA, openid="o-wx_ann", unionid="u-wx_ann") is None
