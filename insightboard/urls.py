from django.contrib import admin
from django.urls import include, path

from insightboard import error_pages, views
from insightboard.api.urls import api
from insightboard.health import healthz
from insightboard.metrics.urls import moved_urlpatterns as moved_metric_urls

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", healthz, name="healthz"),
    # Before the stories' own: customer metrics lived at /stories/metrics/.
    path("stories/metrics/", include((moved_metric_urls, "moved_metrics"))),
    path("stories/", include("stories.urls")),
    path("meetings/", include("meetings.urls")),
    path("metrics/", include("insightboard.metrics.urls")),
    path("digest/", include("insightboard.digest.urls")),
    path("accounts/", include("insightboard.people.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

# Pages of ours for every error, and JSON under /api/ (insightboard/error_pages.py).
handler400 = error_pages.bad_request
handler403 = error_pages.permission_denied
handler404 = error_pages.page_not_found
handler500 = error_pages.server_error
