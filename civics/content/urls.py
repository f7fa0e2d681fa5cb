"""The public content pages: home and topics (lessons are served by progress, which records
what the learner does on them)."""

from django.urls import path

from civics.content import views

urlpatterns = [
    path("", views.home, name="home"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic"),
]
