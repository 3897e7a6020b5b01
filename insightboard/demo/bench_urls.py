"""The URLconf the benchmarks run under: the project's own URLs plus the bare page, so every
request crosses the same middleware. Never the site's ROOT_URLCONF."""

from django.urls import URLPattern, URLResolver, include, path

from insightboard.demo.views import bare_page

urlpatterns: list[URLPattern | URLResolver] = [
    path("bench/bare/", bare_page, name="bench_bare"),
    path("", include("insightboard.urls")),
]
