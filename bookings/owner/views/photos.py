"""The galleries of the owner's homestays and room types: upload, describe, reorder, pick the cover,
delete. Every photo is looked up from the owner's own homestays, so another owner's photo is a 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bookings.owner.forms import PhotoDescribeForm, PhotoUploadForm
from bookings.owner.views.access import own_homestay, own_room_type
from villages.models import Homestay, Photo, RoomType
from villages.photos import services
from villages.roles import SignedInRequest, owner_required


def _own_photo(request: SignedInRequest, pk: int) -> Photo:
    owned = Q(homestay__owner=request.user) | Q(room_type__homestay__owner=request.user)
    return get_object_or_404(Photo.objects.filter(owned).select_related("homestay", "room_type"), pk=pk)


def _describe_prefix(photo: Photo) -> str:
    """Each photo's description form has its own field names, so each label finds its own field."""
    return f"photo-{photo.pk}"


def _redirect_to_gallery(subject: Homestay | RoomType, photo_pk: int | None = None):
    name, pk = (
        ("owner:room_type_photos", subject.pk)
        if isinstance(subject, RoomType)
        else ("owner:homestay_photos", subject.pk)
    )
    response = redirect(name, pk=pk)
    if photo_pk is not None:
        response["Location"] += f"#photo-{photo_pk}"
    return response


def _gallery_page(request: SignedInRequest, subject: Homestay | RoomType) -> HttpResponse:
    form = PhotoUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            photo = services.photo_add(
                subject=subject,
                upload=form.cleaned_data["image"],
                alt_zh_hans=form.cleaned_data["alt_zh_hans"],
                alt_en=form.cleaned_data["alt_en"],
            )
        except ValidationError as error:
            form.add_error("image", error.messages)
        else:
            messages.success(request, _("照片已上传"))
            return _redirect_to_gallery(subject, photo.pk)
    homestay = subject.homestay if isinstance(subject, RoomType) else subject
    return render(
        request,
        "owner/photos.html",
        {
            "homestay": homestay,
            "room_type": subject if isinstance(subject, RoomType) else None,
            "subject": subject,
            "photos": [
                (
                    photo,
                    PhotoDescribeForm(
                        prefix=_describe_prefix(photo),
                        initial={name: getattr(photo, name) for name in ("alt_zh_hans", "alt_en")},
                    ),
                )
                for photo in services.gallery(subject)
            ],
            "form": form,
            "max_photos": services.MAX_PHOTOS,
        },
        status=400 if form.errors else 200,
    )


@owner_required
def homestay_photos(request: SignedInRequest, pk: int) -> HttpResponse:
    return _gallery_page(request, own_homestay(request, pk))


@owner_required
def room_type_photos(request: SignedInRequest, pk: int) -> HttpResponse:
    return _gallery_page(request, own_room_type(request, pk))


MOVES = {"up": -1, "down": 1}


@owner_required
@require_POST
def photo_action(request: SignedInRequest, pk: int, action: str) -> HttpResponse:
    photo = _own_photo(request, pk)
    subject = photo.subject
    assert isinstance(subject, Homestay | RoomType)  # _own_photo finds only these
    if action in MOVES:
        services.photo_move(photo=photo, offset=MOVES[action])
    elif action == "cover":
        services.photo_make_cover(photo=photo)
        messages.success(request, _("已设为封面"))
    elif action == "describe":
        form = PhotoDescribeForm(request.POST, prefix=_describe_prefix(photo))
        if not form.is_valid():
            for errors in form.errors.values():
                messages.error(request, " ".join(str(error) for error in errors))
            return _redirect_to_gallery(subject, photo.pk)
        services.photo_describe(photo=photo, **form.cleaned_data)
        messages.success(request, _("照片说明已保存"))
    elif action == "delete":
        services.photo_delete(photo=photo)
        messages.success(request, _("照片已删除"))
        return _redirect_to_gallery(subject)
    else:
        raise Http404
    return _redirect_to_gallery(subject, photo.pk)
