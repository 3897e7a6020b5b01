from django.urls import path

from meetings import views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("series/new/", views.series_form, name="series_create"),
    path("series/<int:series_id>/edit/", views.series_form, name="series_edit"),
    path("new/", views.one_off_create, name="one_off_create"),
    path("<int:meeting_id>/", views.meeting_detail, name="detail"),
    path("<int:meeting_id>/keep/", views.opener_keep, name="keep"),
    path("<int:meeting_id>/present/", views.present, name="present"),
    path("<int:meeting_id>/takeaway/", views.takeaway, name="takeaway"),
    path("<int:meeting_id>/actions/", views.action_add, name="action_add"),
    path("<int:meeting_id>/empathy/", views.empathy, name="empathy"),
    path("actions/<int:action_id>/done/", views.action_toggle, name="action_toggle"),
    path("lineage/<int:story_id>/", views.lineage, name="lineage"),
]
