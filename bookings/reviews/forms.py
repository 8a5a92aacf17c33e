"""The review form, the owner's reply and the staff's reason for hiding: they check what was typed (the
photos only their number and size here; ``villages.photos.images`` reads them in the service)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from bookings.reviews.models import MAX_PHOTOS, MAX_REPLY, MAX_TEXT, RATING_FIELDS, RATING_LABELS
from villages.photos.images import ALLOWED_FORMATS

STARS = [(n, str(n)) for n in range(5, 0, -1)]


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    widget = MultiplePhotoInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if len(files) > MAX_PHOTOS:
            raise forms.ValidationError(
                _("最多上传%(n)s张照片 At most %(n)s photos") % {"n": MAX_PHOTOS}, code="photo_count"
            )
        return [super(MultiplePhotoField, self).clean(file, initial) for file in files]


def _stars(label) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(label=label, choices=STARS, coerce=int, widget=forms.RadioSelect)


class ReviewForm(forms.Form):
    overall = _stars(RATING_LABELS["overall"])
    cleanliness = _stars(RATING_LABELS["cleanliness"])
    host = _stars(RATING_LABELS["host"])
    location = _stars(RATING_LABELS["location"])
    value = _stars(RATING_LABELS["value"])
    text = forms.CharField(
        label=_("写下您的体验"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    photos = MultiplePhotoField(
        label=_("照片（可选）"),
        required=False,
        widget=MultiplePhotoInput(
            attrs={"accept": ",".join(f"image/{kind.lower()}" for kind in sorted(ALLOWED_FORMATS))}
        ),
        help_text=_("最多4张，JPEG、PNG或WebP；会去掉照片里的位置等信息"),
    )

    def ratings(self) -> dict[str, int]:
        return {field: self.cleaned_data[field] for field in RATING_FIELDS}

    def rating_fields(self):
        return [self[field] for field in RATING_FIELDS]


class ReplyForm(forms.Form):
    reply = forms.CharField(label=_("回复"), max_length=MAX_REPLY, widget=forms.Textarea(attrs={"rows": 3}))


class HideForm(forms.Form):
    reason = forms.CharField(label=_("隐藏原因"), max_length=200)
