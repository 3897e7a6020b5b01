from django.urls import path

from insightboard.people import views

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("signup/", views.signup, name="signup"),
    # Before django.contrib.auth's own, which these shadow.
    path("password_reset/", views.PasswordResetLinkView.as_view(), name="password_reset"),
    path("invite/", views.invite, name="invite"),
    path("profile/", views.profile, name="profile"),
    path("profile/keys/", views.api_token_create, name="api_token_create"),
    path("profile/keys/<int:token_id>/revoke/", views.api_token_revoke, name="api_token_revoke"),
]
