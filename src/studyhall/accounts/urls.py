"""Account pages under /accounts/."""

from django.urls import path

from studyhall.accounts import views
from studyhall.profiles import views as profile_views

app_name = "accounts"

urlpatterns = [
    path("", views.account, name="account"),
    path("profile/", views.profile_update, name="profile-update"),
    path("tokens/", views.token_create, name="token-create"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke, name="token-revoke"),
    path("signup/", views.signup, name="signup"),
    path("signup/done/", views.signup_done, name="signup-done"),
    path("verify/<str:token>/", views.verify, name="verify"),
    path(
        "resend-verification/",
        views.resend_verification,
        name="resend-verification",
    ),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path(
        "password-reset/done/",
        views.PasswordResetDoneView.as_view(),
        name="password-reset-done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path(
        "password-reset/complete/",
        views.PasswordResetCompleteView.as_view(),
        name="password-reset-complete",
    ),
    # The profile pages live in the profiles app; their names stay here for links.
    path("people/id/<int:pk>/", profile_views.profile_by_id, name="profile-by-id"),
    path("people/<str:handle>/", profile_views.profile, name="profile"),
]
