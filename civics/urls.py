from django.contrib import admin
from django.urls import include, path

from . import views

content_patterns = [
    path("", views.home, name="home"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic"),
    path("lessons/<slug:slug>/", views.lesson_detail, name="lesson"),
]

urlpatterns = [
    path("", include((content_patterns, "civics"))),
    path("", include("quizzes.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]

handler404 = "civics.views.page_not_found"
handler500 = "civics.views.server_error"
