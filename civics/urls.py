"""The project's URLs: each app's pages mounted in one place (the top of the one-way arrows).

The site's pages share the "civics" namespace (``civics:home``, ``civics:lesson``,
``civics:dashboard``) whichever app serves them; the quiz engine keeps ``quizzes:``."""

from django.contrib import admin
from django.urls import include, path

from civics import views
from civics.accounts import urls as accounts_urls
from civics.content import urls as content_urls
from civics.progress import urls as progress_urls

urlpatterns = [
    path("account/", include(accounts_urls)),
    path("", include(([*content_urls.urlpatterns, *progress_urls.urlpatterns], "civics"))),
    path("", include("quizzes.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]

handler400 = "civics.views.bad_request"
handler403 = "civics.views.permission_denied"
handler404 = "civics.views.page_not_found"
handler500 = "civics.views.server_error"
