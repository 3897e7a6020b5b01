from collections.abc import Callable

from django.http import HttpResponseBase
from django.urls import path
from django.views.generic import RedirectView

from insightboard.metrics import views

app_name = "metrics"

urlpatterns = [
    path("", views.metrics, name="list"),
    path("new/", views.metric_form, name="create"),
    path("<int:metric_id>/edit/", views.metric_form, name="edit"),
    path("<int:metric_id>/record/", views.metric_record, name="record"),
    path("upload/", views.metric_upload, name="upload"),
]


def moved(name: str) -> Callable[..., HttpResponseBase]:
    return RedirectView.as_view(pattern_name=f"metrics:{name}", permanent=True, query_string=True)


# Metrics lived under /stories/metrics/ until they became an app of their own: old links and
# bookmarks still arrive, permanently redirected.
moved_urlpatterns = [
    path("", moved("list"), name="list"),
    path("new/", moved("create"), name="create"),
    path("<int:metric_id>/edit/", moved("edit"), name="edit"),
    path("<int:metric_id>/record/", moved("record"), name="record"),
    path("upload/", moved("upload"), name="upload"),
]
