from django.urls import path

from stories.reports import views

urlpatterns = [
    path("reports/new/", views.report_create, name="report_create"),
    path("<int:story_id>/edit/report/", views.report_edit, name="report_edit"),
    path("leaders/", views.leaders, name="leaders"),
]
