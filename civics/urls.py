"""The project's URLs: each app's pages mounted in one place (the top of the one-way arrows).

The site's pages share the "civics" namespace (``civics:home``, ``civics:lesson``,
``civics:dashboard``) whichever app serves them; the quiz engine keeps ``quizzes:``."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from civics import views
from civics.accounts import views as accounts
from civics.content import urls as content_urls
from civics.progress import urls as progress_urls

account_patterns = [
    path("signup/", accounts.signup, name="signup"),
    path("login/", accounts.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
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
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("email/confirm/<str:token>/", accounts.confirm_email, name="email_confirm"),
    path("", accounts.account, name="account"),
    path("export/", accounts.export_data, name="account_export"),
    path("delete/", accounts.delete_account, name="account_delete"),
]

urlpatterns = [
    path("account/", include(account_patterns)),
    path("", include(([*content_urls.urlpatterns, *progress_urls.urlpatterns], "civics"))),
    path("", include("quizzes.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]

handler400 = "civics.views.bad_request"
handler403 = "civics.views.permission_denied"
handler404 = "civics.views.page_not_found"
handler500 = "civics.views.server_error"
