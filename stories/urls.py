from django.urls import include, path

from stories import views

app_name = "stories"

urlpatterns = [
    path("", views.story_list, name="list"),
    path("new/", views.story_create, name="create"),
    path("tags/", views.tag_suggestions, name="tag_suggestions"),
    path("similar/", views.similar, name="similar"),
    path("kudos/", views.kudos, name="kudos"),
    path("<int:story_id>/", views.story_detail, name="detail"),
    path("<int:story_id>/edit/", views.story_edit, name="edit"),
    path("<int:story_id>/delete/", views.story_delete, name="delete"),
    path("<int:story_id>/hear-too/", views.story_hear_too, name="hear_too"),
    path("<int:story_id>/same-as/", views.story_same_as, name="same_as"),
    path("", include("stories.imports.urls")),
    path("", include("stories.merging.urls")),
    path("", include("stories.reports.urls")),
    path("", include("stories.empathy.urls")),
]
