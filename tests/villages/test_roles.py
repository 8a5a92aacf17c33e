import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.http import HttpResponse
from django.urls import path
from django.views import View

from tests import factories
from tourism.urls import urlpatterns as site_urlpatterns
from villages.roles import (
    GROUP_STAFF,
    GroupStaffRequiredMixin,
    OwnerRequiredMixin,
    group_staff_required,
    is_group_staff,
    is_owner,
    is_tourist,
    owned_homestays,
    owner_required,
)

SECRET = "guest list of 彩家庄"


@owner_required
def owner_page(request):
    return HttpResponse(SECRET)


@group_staff_required
def group_page(request):
    return HttpResponse(SECRET)


class OwnerPage(OwnerRequiredMixin, View):
    def get(self, request):
        return HttpResponse(SECRET)


class GroupPage(GroupStaffRequiredMixin, View):
    def get(self, request):
        return HttpResponse(SECRET)


# This module doubles as the throwaway URLconf of the guard tests (the site's own URLs give the login page).
urlpatterns = [
    path("test-owner/", owner_page),
    path("test-group/", group_page),
    path("test-owner-cbv/", OwnerPage.as_view()),
    path("test-group-cbv/", GroupPage.as_view()),
    *site_urlpatterns,
]
OWNER_PAGES = ["/test-owner/", "/test-owner-cbv/"]
GROUP_PAGES = ["/test-group/", "/test-group-cbv/"]
guarded = pytest.mark.urls(__name__)


def group_staff_user():
    user = factories.user()
    user.groups.add(Group.objects.get_or_create(name=GROUP_STAFF)[0])
    return user


def owner_user():
    user = factories.user()
    factories.homestay(owner=user)
    return user


@pytest.mark.django_db
def test_owned_homestays_lists_only_the_users_own_including_unpublished():
    owner = factories.user()
    mine = factories.homestay(owner=owner)
    hidden = factories.homestay(owner=owner, is_published=False)
    factories.homestay(owner=factories.user())
    factories.homestay()

    assert set(owned_homestays(owner)) == {mine, hidden}


@pytest.mark.django_db
def test_anonymous_visitor_owns_no_homestays_even_when_some_have_no_owner():
    factories.homestay(owner=None)

    assert list(owned_homestays(AnonymousUser())) == []


@pytest.mark.django_db
def test_owner_of_an_unpublished_homestay_is_an_owner():
    owner = factories.user()
    factories.homestay(owner=owner, is_published=False)

    assert is_owner(owner)


@pytest.mark.django_db
def test_tourist_without_homestay_is_not_an_owner():
    assert not is_owner(factories.user())


@pytest.mark.django_db
def test_owner_whose_homestay_was_handed_over_is_no_longer_an_owner():
    owner = factories.user()
    homestay = factories.homestay(owner=owner)
    homestay.owner = factories.user()
    homestay.save()

    assert not is_owner(owner)


@pytest.mark.django_db
def test_anonymous_visitor_has_no_role():
    anonymous = AnonymousUser()

    assert (is_tourist(anonymous), is_owner(anonymous), is_group_staff(anonymous)) == (False, False, False)


@pytest.mark.django_db
def test_any_signed_in_user_is_a_tourist():
    assert is_tourist(factories.user())


@pytest.mark.django_db
def test_deactivated_owner_loses_the_role():
    owner = owner_user()
    owner.is_active = False

    assert not is_owner(owner)


@pytest.mark.django_db
def test_member_of_the_group_staff_group_is_group_staff():
    assert is_group_staff(group_staff_user())


@pytest.mark.django_db
def test_member_of_another_group_or_django_staff_is_not_group_staff():
    user = factories.user(is_staff=True)
    user.groups.add(Group.objects.create(name="文旅集团合作方"))

    assert not is_group_staff(user)


@pytest.mark.django_db
def test_homestay_owner_is_not_group_staff():
    assert not is_group_staff(owner_user())


@guarded
@pytest.mark.django_db
@pytest.mark.parametrize("url", OWNER_PAGES + GROUP_PAGES)
def test_anonymous_visitor_is_sent_to_sign_in_and_back(client, url):
    response = client.get(f"{url}?day=2")

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}%3Fday%3D2"


@guarded
@pytest.mark.django_db
@pytest.mark.parametrize("url", OWNER_PAGES + GROUP_PAGES)
def test_tourist_is_refused_owner_and_group_pages(client, url):
    client.force_login(factories.user())

    response = client.get(url)

    assert response.status_code == 403
    assert SECRET not in response.content.decode()


@guarded
@pytest.mark.django_db
@pytest.mark.parametrize("url", OWNER_PAGES)
def test_group_staff_who_owns_no_homestay_is_refused_owner_pages(client, url):
    client.force_login(group_staff_user())

    assert client.get(url).status_code == 403


@guarded
@pytest.mark.django_db
@pytest.mark.parametrize("url", GROUP_PAGES)
def test_homestay_owner_is_refused_group_pages(client, url):
    client.force_login(owner_user())

    response = client.get(url)

    assert response.status_code == 403
    assert SECRET not in response.content.decode()


@guarded
@pytest.mark.django_db
@pytest.mark.parametrize("url", OWNER_PAGES)
def test_homestay_owner_opens_owner_pages(client, url):
    client.force_login(owner_user())

    response = client.get(url)

    assert response.status_code == 200
    assert response.content.decode() == SECRET


@guarded
@pytest.mark.django_db
@pytest.mark.parametrize("url", GROUP_PAGES)
def test_group_staff_opens_group_pages(client, url):
    client.force_login(group_staff_user())

    assert client.get(url).status_code == 200
