"""One person per UnionID across the website, the official account and the mini-program."""

import pytest
from django.contrib.auth.models import User

from common.models import WeChatIdentity, WeChatOpenId
from common.wechat_ids import WeChatLinkConflict, openid_for, wechat_link, wechat_unlink, wechat_user

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
