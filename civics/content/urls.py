"""The public content pages: topics (home and lessons are served by progress, which shows and
records what the learner does on them)."""

from django.urls import path

from civics.content import views

urlpatterns = [
    path("topics/<slug:slug>/", views.topic_detail, name="topic"),
]
