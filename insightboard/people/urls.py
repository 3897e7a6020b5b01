from django.urls import path

from insightboard.people import views

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("signup/", views.signup, name="signup"),
    path("invite/", views.invite, name="invite"),
    path("profile/", views.profile, name="profile"),
]
