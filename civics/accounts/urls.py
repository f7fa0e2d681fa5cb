"""Account pages under /account/. No app_name: Django's own auth views reverse these names
("login", "password_reset_done", …) without a namespace."""

from django.contrib.auth import views as auth_views
from django.urls import path

from civics.accounts import views as accounts

urlpatterns = [
    path("signup/", accounts.signup, name="signup"),
    path("login/", accounts.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(form_class=accounts.ChangePasswordForm),
        name="password_change",
    ),
    path(
        "password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"
    ),
    path("password/reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(form_class=accounts.NewPasswordForm),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("email/confirm/<str:token>/", accounts.confirm_email, name="email_confirm"),
    path("", accounts.account, name="account"),
    path("email/", accounts.change_email, name="account_email"),
    path("export/", accounts.export_data, name="account_export"),
    path("delete/", accounts.delete_account, name="account_delete"),
]
