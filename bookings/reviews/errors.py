"""Why a review or a reply is refused. ``ReviewNotFound`` is what a person hears about a stay or a review
that is not theirs (404: never "this exists but is someone else's"); the others are about the state of
things (409). Bad input is Django's ``ValidationError`` with a ``code`` (422)."""

from django.utils.translation import gettext as _

from common.errors import DomainError


class ReviewError(DomainError):
    code = "review_error"


class ReviewNotFound(ReviewError):
    code = "not_found"


class ReviewRefused(ReviewError):
    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.code = code


def not_your_stay() -> ReviewNotFound:
    return ReviewNotFound(_("找不到这个预订 Booking not found"))


def not_stayed() -> ReviewRefused:
    return ReviewRefused(
        _("只有退房后的住宿才能评价 Only a stay you have checked out of can be reviewed"), code="not_stayed"
    )


def too_late(days: int) -> ReviewRefused:
    return ReviewRefused(
        _("退房超过%(days)s天后不能再评价 Reviews close %(days)s days after check-out") % {"days": days},
        code="too_late",
    )


def already_reviewed() -> ReviewRefused:
    return ReviewRefused(
        _("这次住宿已经评价过了 You have already reviewed this stay"), code="already_reviewed"
    )


def already_replied() -> ReviewRefused:
    return ReviewRefused(_("这条评价已经回复过了 This review already has your reply"), code="already_replied")


def not_published() -> ReviewRefused:
    return ReviewRefused(
        _("这条评价未公开,不能回复 This review is not public, so it cannot be replied to"),
        code="not_published",
    )


def review_not_found_message() -> str:
    return _("找不到这条评价 Review not found")
