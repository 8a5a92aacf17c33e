"""Reviews in the JSON API: a homestay's visible reviews (public), a review of one of my completed stays,
and the owner's reply. The same services as the pages; refusals answer ``{"detail", "code"}``: 404 for a
stay or review that is not the caller's, 409 for the state of things, 422 for bad input."""

from datetime import datetime
from typing import Literal

import pydantic
from django.conf import settings
from django.http import HttpRequest
from django.utils import translation
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from bookings.api.schemas import Problem, Reference
from bookings.models import Booking
from bookings.reviews import errors, selectors, services
from bookings.reviews.models import MAX_REPLY, MAX_TEXT, Review
from bookings.selectors import booking_detail
from common.idempotency import idempotent
from villages.api.auth import SIGNED_IN, SignedInApiRequest
from villages.api.endpoints import PAGINATION_RULE, CataloguePagination, ObjectId
from villages.api.fields import NO_NUL, ErrorOut, ValidationErrorOut
from villages.models import Homestay

router = Router(tags=["reviews 评价"])

Stars = Field(ge=1, le=5, description="1-5")
SIGNED_IN_ERRORS = {401: ErrorOut, 403: ErrorOut}
NOT_FOUND = {404: Problem}
MALFORMED_BODY = {400: ErrorOut}  # a body that is not JSON at all; JSON of the wrong shape is 422
HOMESTAY_NOT_FOUND = "找不到这家民宿 / Homestay not found"
BODY_NOT_JSON = "请求内容不是有效的 JSON / The request body is not valid JSON"


class ReviewIn(Schema):
    overall: int = Stars
    cleanliness: int = Stars
    host: int = Stars
    location: int = Stars
    value: int = Stars
    text: str = Field(max_length=MAX_TEXT, pattern=NO_NUL, description="5-2000 characters")


class ReplyIn(Schema):
    reply: str = Field(max_length=MAX_REPLY, pattern=NO_NUL, description="5-1000 characters")


class ReviewOut(Schema):
    id: int
    homestay_id: int
    author_name: str = Field(description="the lead guest's first character and stars, e.g. 张**")
    overall: int
    cleanliness: int
    host: int
    location: int
    value: int
    text: str
    photos: list[str] = Field(description="photo addresses")
    reply: str = Field(description="the owner's reply; empty until there is one")
    replied_at: datetime | None
    created_at: datetime

    @staticmethod
    def resolve_photos(review: Review) -> list[str]:
        return [photo.image.url for photo in review.photos.all()]


class MyReviewOut(ReviewOut):
    status: Literal["pending", "published", "hidden"] = Field(
        description="`published`: shown and counted; `pending`: waits for staff (the content check held it)"
    )


def _refused(refusal: errors.ReviewError):
    status = 404 if isinstance(refusal, errors.ReviewNotFound) else 409
    return Status(status, {"detail": refusal.message, "code": refusal.code})


@router.get(
    "/homestays/{homestay_id}/reviews",
    response={200: list[ReviewOut], 404: ErrorOut, 422: ValidationErrorOut},
    summary="民宿评价 A homestay's reviews",
    description="The published reviews of a published homestay, newest first, with the owner's reply. "
    "Public. The homestay's average and count are `rating_average` and `review_count` of the homestay. "
    + PAGINATION_RULE,
)
@paginate(CataloguePagination)
def homestay_reviews(request: HttpRequest, homestay_id: ObjectId):
    try:
        homestay = selectors.homestay_reviewable(homestay_id=homestay_id)
    except Homestay.DoesNotExist:
        raise HttpError(404, HOMESTAY_NOT_FOUND) from None
    return selectors.reviews_visible(homestay_id=homestay.pk)


@router.post(
    "/bookings/{reference}/review",
    auth=SIGNED_IN,
    response={
        201: MyReviewOut,
        400: Problem,
        **SIGNED_IN_ERRORS,
        **NOT_FOUND,
        409: Problem,
        422: Problem | ValidationErrorOut,
    },
    openapi_extra={
        "requestBody": {
            "content": {"application/json": {"schema": ReviewIn.model_json_schema()}},
            "required": True,
        }
    },
    summary="评价住宿 Review one of my stays",
    description="Ratings 1-5 and text for a booking of yours that is checked out (`completed`), within "
    "REVIEW_WINDOW_DAYS (default 60) of check-out; one review per booking. Photos are added on the "
    "booking's review page. 201 with `status`: `published`, or `pending` when the content check holds it "
    "for staff. 404 `not_found`: not your booking (or none). 409 `not_stayed` (cancelled, not yet "
    "stayed, checked in), `already_reviewed`, `too_late`. 422: bad ratings or text.",
)
@idempotent
def review_create(request: SignedInApiRequest, reference: Reference):
    # The body is read here, after the booking is found to be the caller's: someone else's booking is
    # 404 whatever the body says (ninja would answer a bad body with 422 before the view ran).
    booking = booking_detail_or_none(reference)
    if booking is None or booking.user_id != request.auth.pk:
        return _refused(errors.not_your_stay())
    try:
        payload = ReviewIn.model_validate_json(request.body or b"null")
    except pydantic.ValidationError as invalid:
        if any(error["type"] == "json_invalid" for error in invalid.errors()):
            return Status(400, {"detail": BODY_NOT_JSON, "code": "invalid_json"})
        details = [
            {"loc": ["body", "payload", *error["loc"]], "msg": error["msg"], "type": error["type"]}
            for error in invalid.errors(include_url=False, include_context=False, include_input=False)
        ]
        return Status(422, {"detail": details})
    with translation.override(settings.LANGUAGE_CODE):
        try:
            review = services.review_create(
                booking=booking,
                user=request.auth,
                ratings=payload.model_dump(exclude={"text"}),
                text=payload.text,
                language=translation.get_language_from_request(request),
            )
        except errors.ReviewError as refusal:
            return _refused(refusal)
    return Status(201, review)


def booking_detail_or_none(reference: str) -> Booking | None:
    try:
        return booking_detail(reference=reference)
    except Booking.DoesNotExist:
        return None


@router.post(
    "/reviews/{review_id}/reply",
    auth=SIGNED_IN,
    response={
        200: ReviewOut,
        **MALFORMED_BODY,
        **SIGNED_IN_ERRORS,
        **NOT_FOUND,
        409: Problem,
        422: Problem | ValidationErrorOut,
    },
    summary="回复评价 Reply to a review of my homestay",
    description="The homestay's owner replies once, in public. 404 `not_found`: not a review of your "
    "homestay. 409 `already_replied`, `not_published` (hidden or awaiting staff). 422 `reply`: too short "
    "or long; `reply_refused`: the content check refused the text (nothing is saved; rewrite it).",
)
@idempotent
def review_reply(request: SignedInApiRequest, review_id: ObjectId, payload: ReplyIn):
    review = Review.objects.select_related("homestay").filter(pk=review_id).first()
    with translation.override(settings.LANGUAGE_CODE):
        try:
            if review is None:
                raise errors.ReviewNotFound(errors.review_not_found_message())
            return services.review_reply(review=review, user=request.auth, text=payload.reply)
        except errors.ReviewError as refusal:
            return _refused(refusal)
