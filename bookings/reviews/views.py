"""The review pages: the guest writes one about a stay, the owner replies, staff moderate. Each view checks
who asks, calls one service or selector and renders; refusals are shown on the page, changing nothing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from bookings import selectors as booking_selectors
from bookings.models import Booking
from bookings.reviews import errors, selectors, services
from bookings.reviews.forms import HideForm, ReplyForm, ReviewForm
from bookings.reviews.models import Review
from villages.models import Homestay
from villages.roles import SignedInRequest, group_staff_required, owner_required

PER_PAGE = 20


def _own_booking(request: SignedInRequest, reference: str) -> Booking:
    try:
        booking = booking_selectors.booking_detail(reference=reference)
    except Booking.DoesNotExist:
        booking = None
    if booking is None or booking.user_id != request.user.pk:
        raise Http404(_("找不到这个预订。"))
    return booking


def _form_error(form, error: ValidationError) -> None:
    """Show a refusal of the service beside the field it is about."""
    code = str(error.code or "")
    field = "photos" if code.startswith("photo") else code
    form.add_error(field if field in form.fields else None, error)


@login_required
@require_http_methods(["GET", "POST"])
def review_write(request: SignedInRequest, reference: str) -> HttpResponse:
    booking = _own_booking(request, reference)
    existing = selectors.review_for_booking(booking=booking)
    context = {"booking": booking, "homestay": booking.homestay, "review": existing}
    if existing is not None or booking.status != Booking.Status.COMPLETED:
        status = 409 if request.method == "POST" else 200
        return render(request, "reviews/write.html", context, status=status)
    form = ReviewForm(request.POST or None, request.FILES or None)
    if request.method == "GET" or not form.is_valid():
        status = 200 if request.method == "GET" else 400
        return render(request, "reviews/write.html", {**context, "form": form}, status=status)
    try:
        review = services.review_create(
            booking=booking,
            user=request.user,
            ratings=form.ratings(),
            text=form.cleaned_data["text"],
            photos=form.cleaned_data["photos"],
            language=get_language() or "zh-hans",
        )
    except ValidationError as error:
        _form_error(form, error)
        return render(request, "reviews/write.html", {**context, "form": form}, status=400)
    except errors.ReviewRefused as refusal:
        return render(request, "reviews/write.html", {**context, "refused": refusal.message}, status=409)
    if review.is_visible:
        messages.success(request, _("谢谢您的评价，已经发布。"))
    else:
        messages.info(request, _("谢谢您的评价，审核通过后会公开显示。"))
    return redirect("reviews:write", reference=booking.reference)


@owner_required
def owner_reviews(request: SignedInRequest) -> HttpResponse:
    reviews = selectors.reviews_for_owner(user=request.user)
    return render(request, "reviews/owner_list.html", {"reviews": reviews, "reply_form": ReplyForm()})


@owner_required
@require_POST
def owner_reply(request: SignedInRequest, review_id: int) -> HttpResponse:
    try:
        review = selectors.review_owned(user=request.user, review_id=review_id)
    except Review.DoesNotExist:
        raise Http404(_("找不到这条评价。")) from None
    form = ReplyForm(request.POST)
    status, refused = 400, ""
    if not form.is_valid():
        refused = str(form.errors["reply"][0])
    else:
        try:
            services.review_reply(review=review, user=request.user, text=form.cleaned_data["reply"])
        except ValidationError as error:
            refused = error.messages[0]
        except errors.ReviewRefused as refusal:
            status, refused = 409, refusal.message
        else:
            messages.success(request, _("回复已发布。"))
            return redirect("reviews:owner_list")
    context = {
        "reviews": selectors.reviews_for_owner(user=request.user),
        "reply_form": ReplyForm(),
        "failed": review.pk,
        "refused": refused,
        "draft": request.POST.get("reply", ""),
    }
    return render(request, "reviews/owner_list.html", context, status=status)


@group_staff_required
def staff_queue(request: SignedInRequest) -> HttpResponse:
    return render(
        request,
        "reviews/staff_queue.html",
        {
            "queue": selectors.review_queue(),
            "hidden": selectors.reviews_hidden()[:50],
            "hide_form": HideForm(),
        },
    )


def _review(review_id: int) -> Review:
    try:
        return Review.objects.get(pk=review_id)
    except Review.DoesNotExist:
        raise Http404(_("找不到这条评价。")) from None


@group_staff_required
@require_POST
def staff_hide(request: SignedInRequest, review_id: int) -> HttpResponse:
    review = _review(review_id)
    form = HideForm(request.POST)
    if form.is_valid():
        services.review_hide(review=review, by=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("评价已隐藏。"))
        return redirect("reviews:staff_queue")
    messages.error(request, _("请填写隐藏原因 Please give the reason for hiding it"))
    return redirect("reviews:staff_queue")


@group_staff_required
@require_POST
def staff_publish(request: SignedInRequest, review_id: int) -> HttpResponse:
    services.review_publish(review=_review(review_id), by=request.user)
    messages.success(request, _("评价已公开。"))
    return redirect("reviews:staff_queue")


def homestay_reviews(request: HttpRequest, homestay_id: int) -> HttpResponse:
    """Every visible review of a homestay (its page shows the latest few)."""
    try:
        homestay = selectors.homestay_reviewable(homestay_id=homestay_id)
    except Homestay.DoesNotExist:
        raise Http404(_("找不到这家民宿，它可能还没有发布。")) from None
    page = Paginator(selectors.reviews_visible(homestay_id=homestay.pk), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "reviews/homestay_reviews.html", {"homestay": homestay, "page": page})
