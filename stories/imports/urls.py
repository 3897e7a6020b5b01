from django.urls import path

from stories.imports import views

urlpatterns = [
    path("import/", views.import_upload, name="import"),
    path("import/<int:import_id>/", views.import_preview, name="import_preview"),
    path("import/<int:import_id>/confirm/", views.import_confirm, name="import_confirm"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("export.json", views.export_json, name="export_json"),
]
