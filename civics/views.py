from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST, require_safe

from quizzes.models import Attempt, Quiz

from .models import ActionItem, ActionTick, Lesson, LessonRead, Topic
from .services import SESSION_TICKS, set_session_tick, set_tick


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
    lesson = get_object_or_404(_lessons_for_page(request), slug=slug)
    if request.user.is_authenticated:
        # One INSERT that keeps the first read (ON CONFLICT DO NOTHING), whatever came before.
        LessonRead.objects.bulk_create(
            [LessonRead(user=request.user, lesson=lesson, read_at=timezone.now())],
            ignore_conflicts=True,
        )
    return render(request, "civics/lesson_detail.html", _lesson_context(request, lesson))


def _lessons_for_page(request):
    quizzes = Quiz.objects.filter(is_published=True).annotate(
        question_total=Count("questions", filter=Q(questions__is_published=True))
    )
    return (
        Lesson.objects.visible_to(request.user)
        .for_lesson_page()
        .prefetch_related(Prefetch("quizzes", queryset=quizzes, to_attr="published_quizzes"))
    )


def _lesson_context(request, lesson, **extra) -> dict:
    from quizzes.views import learner_token

    quiz = lesson.published_quizzes[0] if lesson.published_quizzes else None
    in_progress = None
    if quiz is not None:
        in_progress = (
            Attempt.objects.owned_by(user=request.user, token=learner_token(request))
            .filter(
                quiz=quiz, state=Attempt.State.IN_PROGRESS, retry_of__isnull=True, is_review=False
            )
            .first()
        )
    actions = list(lesson.actions.all())
    ticks = _ticks_for(request, actions)
    action_rows = [(action, ticks.get(action.pk)) for action in actions]
    return {
        "lesson": lesson,
        "quiz": quiz,
        "in_progress": in_progress,
        "action_rows": action_rows,
        "done_count": len(ticks),
        "action_total": len(actions),
        **extra,
    }


def _ticks_for(request, actions) -> dict:
    """{action id: tick} for these actions: account rows, or the anonymous session's ticks."""
    ids = {action.pk for action in actions}
    if request.user.is_authenticated:
        return {
            tick.action_id: tick
            for tick in ActionTick.objects.filter(user=request.user, action_id__in=ids)
        }
    stored = request.session.get(SESSION_TICKS, {})
    return {int(k): v for k, v in stored.items() if k.isascii() and k.isdigit() and int(k) in ids}


@require_POST
def tick_action(request, slug, pk):
    """Tick or untick one checklist action (an htmx swap, or a plain form POST)."""
    lesson = get_object_or_404(Lesson.objects.visible_to(request.user), slug=slug)
    action = get_object_or_404(ActionItem.objects.select_related("lesson"), pk=pk, lesson=lesson)
    done = request.POST.get("done")
    note = request.POST.get("note", "").strip()
    error = ""
    if done not in ("0", "1"):
        error = "Choose whether the action is done."
    elif len(note) > 280:
        error = "Keep the note to 280 characters or fewer."
    elif "\x00" in note:
        error = "The note contains a character that cannot be stored; retype it."
    else:
        now = timezone.now()
        if request.user.is_authenticated:
            set_tick(user=request.user, action=action, done=done == "1", note=note, now=now)
        else:
            set_session_tick(request.session, action=action, done=done == "1", note=note, now=now)
        if not request.htmx:
            return redirect(f"{lesson.get_absolute_url()}#action-{action.pk}")
    if not request.htmx:
        lesson = get_object_or_404(_lessons_for_page(request), pk=lesson.pk)
        context = _lesson_context(request, lesson, error=error, error_for=action.pk)
        return render(request, "civics/lesson_detail.html", context, status=400)
    actions = list(ActionItem.objects.filter(lesson=lesson))
    ticks = _ticks_for(request, actions)
    context = {
        "action": action,
        "tick": ticks.get(action.pk),
        "focus": True,
        "error": error,
        "error_for": action.pk,
        "done_count": len(ticks),
        "action_total": len(actions),
    }
    return render(
        request, "civics/_action_tick_response.html", context, status=400 if error else 200
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
