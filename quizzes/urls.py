"""The quiz engine's pages: start, questions, summary, finish, result, practise, review."""

from django.urls import path

from quizzes import views

app_name = "quizzes"

urlpatterns = [
    path("review/start/", views.start_review, name="review"),
    path("quizzes/<slug:slug>/start/", views.start, name="start"),
    path("attempts/<int:pk>/", views.attempt_detail, name="attempt"),
    path("attempts/<int:pk>/questions/<int:position>/", views.question, name="question"),
    path("attempts/<int:pk>/summary/", views.summary, name="summary"),
    path("attempts/<int:pk>/finish/", views.finish, name="finish"),
    path("attempts/<int:pk>/result/", views.result, name="result"),
    path("attempts/<int:pk>/practise-missed/", views.practise_missed, name="practise_missed"),
]
