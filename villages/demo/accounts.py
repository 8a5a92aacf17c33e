"""Demo accounts: two homestay owners and one staff member of the culture-tourism group (文旅集团)."""

import os
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, User

from villages.demo.schema import T
from villages.roles import GROUP_STAFF

DEFAULT_DEMO_PASSWORD = "lishi-demo-2026"  # noqa: S105 (documented demo password, override with DEMO_PASSWORD)
DEMO_EMAIL_DOMAIN = "demo.lishi-tourism.cn"


@dataclass(frozen=True)
class AccountSeed:
    username: str
    role: T
    homestays_in: tuple[str, ...] = ()
    is_staff: bool = False

    @property
    def email(self) -> str:
        return f"{self.username}@{DEMO_EMAIL_DOMAIN}"


ACCOUNTS = (
    AccountSeed(
        username="owner",
        role=T(
            "民宿经营户:经营杜家山村、彩家庄村的演示民宿",
            "Homestay owner: runs the demo homestays of Dujiashan and Caijiazhuang",
        ),
        homestays_in=("dujiashan", "caijiazhuang"),
    ),
    AccountSeed(
        username="owner2",
        role=T(
            "民宿经营户:经营严村、归化村、王营庄、大东沟的演示民宿",
            "Homestay owner: runs the demo homestays of Yancun, Guihua, Wangyingzhuang and Dadonggou",
        ),
        homestays_in=("yancun", "guihua", "wangyingzhuang", "dadonggou"),
    ),
    AccountSeed(
        username="staff",
        role=T(
            f"{GROUP_STAFF}工作人员:在 /admin/ 管理全部村庄内容,在 /group/ 查看收益并处理待办事项",
            "Culture-tourism group staff: runs all village content at /admin/, sees revenue and handles "
            "the needs-attention queue at /group/",
        ),
        is_staff=True,
    ),
)


def demo_password() -> str:
    return os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD


def account_sync(
    seed: AccountSeed, *, password: str, reset_password: bool, group: Group
) -> tuple[User, bool]:
    """Create or update a demo account with a verified email address (allauth signs in by email).

    Returns the user and whether its password was set now.
    """
    user, created = get_user_model().objects.get_or_create(username=seed.username)
    user.email = seed.email
    user.is_active = True
    user.is_staff = seed.is_staff
    user.is_superuser = False
    password_set = created or reset_password
    if password_set:
        user.set_password(password)
    user.save()
    if seed.is_staff:
        user.groups.add(group)
    EmailAddress.objects.update_or_create(
        user=user, email=seed.email, defaults={"verified": True, "primary": True}
    )
    return user, password_set
