"""The site's URLs plus one minimal template view: the baseline the village page is compared with."""

from django.urls import path
from django.views.generic import TemplateView

from tourism.urls import urlpatterns as site_urlpatterns

urlpatterns = [
    path("bench/minimal/", TemplateView.as_view(template_name="bench/minimal.html")),
    *site_urlpatterns,
]
