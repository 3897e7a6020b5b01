from django.contrib import admin
from django.urls import include, path

from insightboard import views
from insightboard.api import api
from insightboard.health import healthz

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("stories/", include("stories.urls")),
    path("meetings/", include("meetings.urls")),
    path("accounts/", include("insightboard.people.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
