from django.urls import path

from stories.reports import views

urlpatterns = [
    path("reports/new/", views.report_create, name="report_create"),
    path("leaders/", views.leaders, name="leaders"),
]
