"""The lesson page with the learner's checklist (and a record that it was read), ticking an
action, and the dashboard."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.cookie import CookieStorage
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from civics.content import contentcache
from civics.content.models import ActionItem, Lesson
from civics.content.templatetags.civics_tags import CSRF_MARK
from civics.context_processors import site_urls
from civics.lib.numbers import parse_small_number
from civics.progress.dashboard import dashboard_for
from civics.progress.models import ActionTick, LessonRead
from civics.progress.services import SESSION_TICKS, set_session_tick, set_tick
from quizzes.models import Attempt, Quiz


@require_safe
def lesson_detail(request, slug):
    version = contentcache.version_for(request)
    page = lesson_page(slug, version=version)
    if page is None or not (page.lesson.is_published or request.user.is_staff):
        raise Http404("No such lesson.")
    if _first_visit(request):
        html = contentcache.cached(
            f"lesson-first-visit:{slug}", lambda: _first_visit_html(request, page), version=version
        )
        response = HttpResponse(html.replace(CSRF_MARK, get_token(request)))
        patch_vary_headers(response, ["Cookie"])  # as every page that may read the session
        return response
    if request.user.is_authenticated:
        # One INSERT that keeps the first read (ON CONFLICT DO NOTHING), whatever came before.
        LessonRead.objects.bulk_create(
            [LessonRead(user=request.user, lesson_id=page.lesson.pk, read_at=timezone.now())],
            ignore_conflicts=True,
        )
    return render(request, "civics/lesson_detail.html", _lesson_context(request, page))


@dataclass
class LessonPage:
    """What every learner sees alike on a lesson page, prepared once per content version."""

    lesson: Lesson
    quiz: Quiz | None
    actions: list[ActionItem]
    body_html: str  # header, key points, contents and sections, already rendered
    # Each checklist item rendered not done and done (without a note), a CSRF_MARK where the
    # learner's token goes: most learners' items are in one of these two states.
    action_html: dict[int, tuple[str, str]]
    quiz_start_url: str


def lesson_page(slug: str, *, version: int) -> LessonPage | None:
    return contentcache.cached(
        f"lesson-page:{slug}", lambda: _build_lesson_page(slug), version=version
    )


def _build_lesson_page(slug: str) -> LessonPage | None:
    quizzes = Quiz.objects.filter(is_published=True).annotate(
        question_total=Count("questions", filter=Q(questions__is_published=True))
    )
    lesson = (
        Lesson.objects.for_lesson_page()
        .prefetch_related(Prefetch("quizzes", queryset=quizzes, to_attr="published_quizzes"))
        .filter(slug=slug)
        .first()
    )
    if lesson is None:
        return None
    body = render_to_string("civics/lesson_detail.html#lesson-body", {"lesson": lesson})
    actions = list(lesson.actions.all())
    quiz = lesson.published_quizzes[0] if lesson.published_quizzes else None
    return LessonPage(
        lesson=lesson,
        quiz=quiz,
        actions=actions,
        body_html=mark_safe(body),
        action_html={
            action.pk: (_action_html(action, tick=None), _action_html(action, tick={"note": ""}))
            for action in actions
        },
        quiz_start_url=reverse("quizzes:start", args=[quiz.slug]) if quiz else "",
    )


def _action_html(action: ActionItem, *, tick) -> str:
    context = {"action": action, "tick": tick, "csrf_token": CSRF_MARK}
    return render_to_string("civics/_action_item.html", context)


def _first_visit(request) -> bool:
    """A visitor with no session and no flash messages: the page is the same for all of them
    but for the CSRF token (no ticks, no quiz to resume, nothing signed in)."""
    return (
        settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
        and not request.user.is_authenticated
    )


def _first_visit_html(request, page: LessonPage) -> str:
    """The whole lesson page as a first visit sees it, with CSRF_MARK for the token: rendered
    without the context processors, so it is given what they would give such a visitor."""
    context = {
        **_lesson_context(request, page),
        "request": request,
        "user": AnonymousUser(),
        "messages": [],
        "csrf_token": CSRF_MARK,
        **site_urls(request),
    }
    return render_to_string("civics/lesson_detail.html", context)


def _lesson_context(request, page: LessonPage, **extra) -> dict:
    from quizzes.learners import learner_token

    in_progress = None
    token = learner_token(request)
    if page.quiz is not None and (token or request.user.is_authenticated):
        in_progress = (
            Attempt.objects.owned_by(user=request.user, token=token)
            .primary()
            .filter(quiz=page.quiz, state=Attempt.State.IN_PROGRESS)
            .only("pk")
            .first()
        )
    ticks = _ticks_for(request, page.actions)
    action_rows = []
    for action in page.actions:
        tick = ticks.get(action.pk)
        html = None  # rendered in the page when it is not one of the two usual states
        if not _note_of(tick) and extra.get("error_for") != action.pk:
            html = page.action_html[action.pk][bool(tick)]  # the template adds the CSRF token
        action_rows.append((action, tick, html))
    return {
        "lesson": page.lesson,
        "body_html": page.body_html,
        "quiz": page.quiz,
        "quiz_start_url": page.quiz_start_url,
        "in_progress": in_progress,
        "action_rows": action_rows,
        "done_count": len(ticks),
        "action_total": len(page.actions),
        **extra,
    }


def _note_of(tick) -> str:
    """A tick is an ActionTick row (accounts) or a {"note", "at"} dict (anonymous session)."""
    if tick is None:
        return ""
    return tick.get("note", "") if isinstance(tick, dict) else tick.note


def _ticks_for(request, actions) -> dict:
    """{action id: tick} for these actions: account rows, or the anonymous session's ticks."""
    ids = {action.pk for action in actions}
    if request.user.is_authenticated:
        return {
            tick.action_id: tick
            for tick in ActionTick.objects.filter(user=request.user, action_id__in=ids)
        }
    stored = request.session.get(SESSION_TICKS, {})
    return {pk: tick for key, tick in stored.items() if (pk := parse_small_number(key)) in ids}


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
        page = lesson_page(lesson.slug, version=contentcache.version_for(request))
        context = _lesson_context(request, page, error=error, error_for=action.pk)
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


@login_required
@require_http_methods(["GET", "HEAD"])
def dashboard(request):
    board = dashboard_for(request.user, now=timezone.now())
    return render(request, "progress/dashboard.html", {"board": board})
