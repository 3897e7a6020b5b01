from django.urls import path

from stories import import_views, merging, metric_views, practices, similar, views

app_name = "stories"

urlpatterns = [
    path("", views.story_list, name="list"),
    path("new/", views.story_create, name="create"),
    path("tags/", views.tag_suggestions, name="tag_suggestions"),
    path("import/", import_views.import_upload, name="import"),
    path("import/<int:import_id>/", import_views.import_preview, name="import_preview"),
    path("import/<int:import_id>/confirm/", import_views.import_confirm, name="import_confirm"),
    path("export.csv", import_views.export_csv, name="export_csv"),
    path("export.json", import_views.export_json, name="export_json"),
    path("<int:story_id>/", views.story_detail, name="detail"),
    path("<int:story_id>/edit/", views.story_edit, name="edit"),
    path("<int:story_id>/delete/", views.story_delete, name="delete"),
    path("<int:story_id>/hear-too/", views.story_hear_too, name="hear_too"),
    path("similar/", similar.similar, name="similar"),
    path("<int:story_id>/same-as/", similar.same_as, name="same_as"),
    path("merge/", merging.merge, name="merge"),
    path("merges/<int:merge_id>/undo/", merging.unmerge, name="unmerge"),
    path("empathy/new/", practices.empathy_create, name="empathy_create"),
    path("reports/new/", practices.report_create, name="report_create"),
    path("leaders/", practices.leaders, name="leaders"),
    path("kudos/", practices.kudos, name="kudos"),
    path("metrics/", metric_views.metrics, name="metrics"),
    path("metrics/new/", metric_views.metric_form, name="metric_create"),
    path("metrics/<int:metric_id>/edit/", metric_views.metric_form, name="metric_edit"),
    path("metrics/<int:metric_id>/record/", metric_views.metric_record, name="metric_record"),
    path("metrics/upload/", metric_views.metric_upload, name="metric_upload"),
]
