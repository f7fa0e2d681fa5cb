from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET, require_safe

from quizzes.models import Attempt, Quiz

from .models import Lesson, Topic


@require_safe
def home(request):
    topics = (
        Topic.objects.annotate(
            lesson_count=Count("lessons", filter=Q(lessons__status=Lesson.Status.PUBLISHED))
        )
        .filter(lesson_count__gt=0)
        .order_by("name")
    )
    lessons = Lesson.objects.published().for_cards()
    return render(request, "civics/home.html", {"topics": topics, "lessons": lessons})


@require_safe
def topic_detail(request, slug):
    topic = get_object_or_404(Topic, slug=slug)
    lessons = Lesson.objects.visible_to(request.user).filter(topics=topic).for_cards()
    return render(request, "civics/topic_detail.html", {"topic": topic, "lessons": lessons})


@require_safe
def lesson_detail(request, slug):
    quizzes = Quiz.objects.filter(is_published=True).annotate(
        question_total=Count("questions", filter=Q(questions__is_published=True))
    )
    lesson = get_object_or_404(
        Lesson.objects.visible_to(request.user)
        .for_lesson_page()
        .prefetch_related(Prefetch("quizzes", queryset=quizzes, to_attr="published_quizzes")),
        slug=slug,
    )
    quiz = lesson.published_quizzes[0] if lesson.published_quizzes else None
    in_progress = None
    if quiz is not None:
        from quizzes.views import learner_token

        in_progress = (
            Attempt.objects.owned_by(user=request.user, token=learner_token(request))
            .filter(quiz=quiz, state=Attempt.State.IN_PROGRESS, retry_of__isnull=True)
            .first()
        )
    return render(
        request,
        "civics/lesson_detail.html",
        {"lesson": lesson, "quiz": quiz, "in_progress": in_progress},
    )


@require_GET
def healthz(request):
    """Liveness probe that goes through the whole middleware stack and touches nothing else."""
    return HttpResponse("ok", content_type="text/plain")


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors or database here: whatever failed may fail again.
    from django.template import loader

    return HttpResponse(loader.get_template("500.html").render(), status=500)
