from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def bare_page(request: HttpRequest) -> HttpResponse:
    """The layout every page shares with nothing of its own: the benchmarks' baseline."""
    return render(request, "demo/bare.html")
