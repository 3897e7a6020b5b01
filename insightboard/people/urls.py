from django.urls import path

from insightboard.people import views

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("signup/", views.signup, name="signup"),
    path("signup/sent/", views.signup_sent, name="signup_sent"),
    path("signup/confirm/<uidb64>/<token>/", views.signup_confirm, name="signup_confirm"),
    path("welcome/<uidb64>/<token>/", views.WelcomeView.as_view(), name="welcome"),
    # Before django.contrib.auth's own, which these shadow.
    path("password_reset/", views.PasswordResetLinkView.as_view(), name="password_reset"),
    path("invite/", views.invite, name="invite"),
    path("invite/<int:invitation_id>/resend/", views.invitation_resend, name="invitation_resend"),
    path("profile/", views.profile, name="profile"),
    path("profile/keys/", views.api_token_create, name="api_token_create"),
    path("profile/keys/<int:token_id>/revoke/", views.api_token_revoke, name="api_token_revoke"),
]
