"""The three kinds of people on the platform and the guards that keep each one to their own pages.

A tourist (游客) is anyone signed in. A homestay owner (民宿经营户) is a user who owns at least one
homestay, published or not. Group staff (文旅集团) are the members of the Django group named GROUP_STAFF.
Anonymous visitors are sent to the sign-in page; signed-in users without the role get 403.
"""

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, TypeGuard

from django.contrib.auth.mixins import UserPassesTestMixin
from django.contrib.auth.models import AnonymousUser, User
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from villages.models import Homestay

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

GROUP_STAFF = "文旅集团"

AnyUser = User | AnonymousUser


class SignedInRequest(HttpRequest):
    """The request a view behind ``login_required`` or one of the guards below receives (for the type
    checker: its user is never anonymous)."""

    user: User


def owned_homestays(user: AnyUser) -> QuerySet[Homestay]:
    if not user.is_authenticated:
        return Homestay.objects.none()
    return Homestay.objects.filter(owner=user).select_related("village").order_by("order", "id")


def is_tourist(user: AnyUser) -> TypeGuard[User]:
    return user.is_authenticated and user.is_active


def is_owner(user: AnyUser) -> bool:
    return is_tourist(user) and Homestay.objects.filter(owner=user).exists()


def is_group_staff(user: AnyUser) -> bool:
    return is_tourist(user) and user.groups.filter(name=GROUP_STAFF).exists()


def _role_required(test: Callable[[AnyUser], bool], message: "str | StrPromise") -> Callable:
    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not test(request.user):
                raise PermissionDenied(message)
            return view(request, *args, **kwargs)

        return guarded

    return decorator


OWNER_ONLY = _("只有民宿经营户可以访问这个页面。")
GROUP_STAFF_ONLY = _("只有文旅集团工作人员可以访问这个页面。")

owner_required = _role_required(is_owner, OWNER_ONLY)
group_staff_required = _role_required(is_group_staff, GROUP_STAFF_ONLY)


class OwnerRequiredMixin(UserPassesTestMixin):
    request: HttpRequest
    permission_denied_message = OWNER_ONLY

    def test_func(self) -> bool:
        return is_owner(self.request.user)


class GroupStaffRequiredMixin(UserPassesTestMixin):
    request: HttpRequest
    permission_denied_message = GROUP_STAFF_ONLY

    def test_func(self) -> bool:
        return is_group_staff(self.request.user)
