from django.urls import path

from stories.empathy import views

urlpatterns = [
    path("empathy/new/", views.empathy_create, name="empathy_create"),
    path("<int:story_id>/edit/empathy/", views.empathy_edit, name="empathy_edit"),
]
