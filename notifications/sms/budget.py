"""The site's daily SMS budget (against SMS pumping: every message costs money).

``SMS_DAILY_BUDGET`` messages a day (Beijing time) for the whole site, counted in the cache (shared by
every process with ``REDIS_URL``). When ``SMS_BUDGET_WARN_PERCENT`` of it is used, the group's staff
and the site's ADMINS get one e-mail that day; when it is spent, ``sms_send`` refuses until midnight.
"""

import logging
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.mail import mail_admins, send_mail
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from villages.roles import GROUP_STAFF

logger = logging.getLogger(__name__)

BUDGET_SPENT = _(
    "今天的短信已发完，请明天再试或用邮箱登录 Today's text messages are used up; try tomorrow or use e-mail"
)
DEFAULT_DAILY_BUDGET = 1000
DEFAULT_WARN_PERCENT = 80
BEIJING = ZoneInfo("Asia/Shanghai")


def _today() -> str:
    return timezone.now().astimezone(BEIJING).date().isoformat()


def sms_budget() -> int:
    return int(getattr(settings, "SMS_DAILY_BUDGET", DEFAULT_DAILY_BUDGET))


def sms_sent_today() -> int:
    return cache.get(f"sms:budget:{_today()}") or 0


def sms_budget_take() -> None:
    """Count one message against today's budget; ``SmsThrottled`` when it is spent."""
    from notifications.sms import SmsThrottled

    key = f"sms:budget:{_today()}"
    cache.add(key, 0, timeout=2 * 86400)
    try:
        sent = cache.incr(key)
    except ValueError:  # evicted between add() and incr()
        cache.set(key, 1, timeout=2 * 86400)
        sent = 1
    budget = sms_budget()
    warn_at = budget * int(getattr(settings, "SMS_BUDGET_WARN_PERCENT", DEFAULT_WARN_PERCENT)) // 100
    if sent >= warn_at and cache.add(f"sms:budget:warned:{_today()}", 1, timeout=2 * 86400):
        _tell_staff(sent=sent, budget=budget)
    if sent > budget:
        raise SmsThrottled(str(BUDGET_SPENT), code="daily_budget")


def _tell_staff(*, sent: int, budget: int) -> None:
    subject = f"短信额度将用完 SMS budget nearly spent: {sent}/{budget}"
    body = (
        f"今天({_today()})已发送 {sent} 条短信，每日额度 {budget} 条(SMS_DAILY_BUDGET)。"
        "额度用完后，验证码短信将停发到北京时间午夜；若不是正常用量，可能有人在刷短信。\n"
        f"{sent} text messages were sent today, of a daily budget of {budget} (SMS_DAILY_BUDGET). Once it "
        "is spent no codes go out until midnight, Beijing time; if this is not normal use, someone may "
        "be pumping SMS."
    )
    staff = get_user_model().objects.filter(groups__name=GROUP_STAFF, is_active=True).exclude(email="")
    recipients = sorted(set(staff.values_list("email", flat=True)))
    try:
        if recipients:
            send_mail(subject, body, None, recipients)
        mail_admins(subject, body)
    except OSError:
        logger.exception("The SMS budget warning could not be e-mailed")
    logger.warning("SMS budget: %s of %s used today", sent, budget)
