from django.urls import path

from stories import views

app_name = "stories"

urlpatterns = [
    path("", views.story_list, name="list"),
    path("new/", views.story_create, name="create"),
    path("tags/", views.tag_suggestions, name="tag_suggestions"),
    path("<int:story_id>/", views.story_detail, name="detail"),
    path("<int:story_id>/edit/", views.story_edit, name="edit"),
    path("<int:story_id>/delete/", views.story_delete, name="delete"),
    path("<int:story_id>/hear-too/", views.story_hear_too, name="hear_too"),
]
