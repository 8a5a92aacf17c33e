"""``{% homestay_reviews homestay %}``: the reviews section of a homestay's page (the catalogue's page
shows it without knowing about bookings: the template asks for it)."""

from django import template

from bookings.reviews.models import RATING_FIELDS, RATING_LABELS
from bookings.reviews.selectors import homestay_rating_breakdown, reviews_visible

register = template.Library()
SHOWN = 5


@register.inclusion_tag("reviews/homestay_section.html")
def homestay_reviews(homestay) -> dict:
    reviews = list(reviews_visible(homestay_id=homestay.pk)[: SHOWN + 1])
    averages = homestay_rating_breakdown(homestay_id=homestay.pk) if reviews else {}
    return {
        "homestay": homestay,
        "reviews": reviews[:SHOWN],
        "more": len(reviews) > SHOWN,
        "breakdown": [(RATING_LABELS[field], averages[field]) for field in RATING_FIELDS[1:]]
        if reviews
        else [],
    }
