from django.urls import path

from stories.merging import views

urlpatterns = [
    path("merge/", views.merge, name="merge"),
    path("merges/<int:merge_id>/undo/", views.unmerge, name="unmerge"),
]
