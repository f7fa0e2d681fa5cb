"""The home page, a lesson page with the learner's checklist, ticking an action, and the
dashboard."""

from django.urls import path

from civics.progress import views

urlpatterns = [
    path("", views.home, name="home"),
    path("lessons/<slug:slug>/", views.lesson_detail, name="lesson"),
    path("lessons/<slug:slug>/actions/<int:pk>/tick/", views.tick_action, name="tick"),
    path("dashboard/", views.dashboard, name="dashboard"),
]
