"""The home page (with where the learner left off), the lesson page with the learner's
checklist (and a record that it was read), ticking an action, and the dashboard.

The home page lives here rather than in civics.content because it shows the learner's own
state (an open quiz, the last lesson read), which content, below quizzes and progress, cannot
import; moving the view up one layer keeps that a plain function call instead of a hook that
content would call back through.

Every lesson page renders through ``render()`` with the context processors. What all learners
see alike is cached per content version (``civics.contentcache``): the page's facts as frozen
values under ``lesson-page:<slug>``, and the rendered header, key points, contents and sections
as a ``{% cache %}`` fragment. Only the learner's own parts (ticks, a quiz to resume, the CSRF
token) are rendered per request."""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from civics.content import contentcache
from civics.content.models import ActionItem, Lesson, Topic
from civics.lib.numbers import parse_small_number
from civics.progress.dashboard import dashboard_for
from civics.progress.models import ActionTick, LessonRead
from civics.progress.resume import resume_point
from civics.progress.services import SESSION_TICKS, set_session_tick, set_tick
from quizzes.learners import learner_token
from quizzes.models import Attempt, Quiz


@require_safe
def home(request):
    """Topics and published lessons, and for a returning learner where they left off."""
    context = {
        "topics": Topic.objects.for_home(),
        "lessons": Lesson.objects.published().for_cards(),
        "resume": resume_point(user=request.user, token=learner_token(request), now=timezone.now()),
    }
    return render(request, "civics/home.html", context)


@require_safe
def lesson_detail(request, slug):
    page, rows = lesson_page(slug, version=contentcache.version_for(request))
    if page is None or not (page.is_published or request.user.is_staff):
        raise Http404("No such lesson.")
    if request.user.is_authenticated:
        # One INSERT that keeps the first read (ON CONFLICT DO NOTHING), whatever came before.
        LessonRead.objects.bulk_create(
            [LessonRead(user=request.user, lesson_id=page.pk, read_at=timezone.now())],
            ignore_conflicts=True,
        )
    context = _lesson_context(request, page, rows=rows)
    return render(request, "civics/lesson_detail.html", context)


@dataclass(frozen=True)
class ActionFacts:
    """One checklist action as ``civics/_action_item.html`` shows it."""

    pk: int
    order: int
    kind: str
    kind_label: str
    text: str
    safe_link: str
    link_label: str
    tick_url: str

    @classmethod
    def of(cls, action: ActionItem, *, lesson_slug: str) -> "ActionFacts":
        return cls(
            pk=action.pk,
            order=action.order,
            kind=action.kind,
            kind_label=action.get_kind_display(),
            text=action.text,
            safe_link=action.safe_link,
            link_label=action.link_label,
            tick_url=reverse("civics:tick", args=[lesson_slug, action.pk]),
        )


@dataclass(frozen=True)
class QuizFacts:
    """The lesson's published quiz as the page's call to take it shows it."""

    pk: int
    title: str
    question_total: int
    mode: str
    time_limit_minutes: int | None
    pass_mark: int
    start_url: str


@dataclass(frozen=True)
class LessonPage:
    """What every learner sees alike on a lesson page but the body (a template fragment)."""

    pk: int
    slug: str
    title: str
    summary: str
    is_published: bool
    quizzes: tuple[QuizFacts, ...]  # practice first: the lesson's main quiz, then exams
    actions: tuple[ActionFacts, ...]

    @property
    def quiz(self) -> QuizFacts | None:
        """The main quiz, the one "Take the full quiz" starts."""
        return self.quizzes[0] if self.quizzes else None


def lesson_page(slug: str, *, version: int) -> tuple[LessonPage | None, Lesson | None]:
    """The page's facts for this content version, and the lesson rows the body fragment is
    rendered from: the ones just loaded when the facts were built in this request, else loaded
    only if the fragment is not cached (these instances belong to this request alone)."""
    loaded: list[Lesson] = []

    def build() -> LessonPage | None:
        lesson = _lesson_for_page(slug)
        if lesson is None:
            return None
        loaded.append(lesson)
        return _facts_of(lesson)

    page = contentcache.cached(f"lesson-page:{slug}", build, version=version)
    if page is None:
        return None, None
    if loaded:
        return page, loaded[0]
    return page, SimpleLazyObject(lambda: _lesson_for_page(slug))


def _lesson_for_page(slug: str) -> Lesson | None:
    quizzes = Quiz.objects.filter(is_published=True).annotate(
        question_total=Count("questions", filter=Q(questions__is_published=True))
    )
    return (
        Lesson.objects.for_lesson_page()
        .prefetch_related(Prefetch("quizzes", queryset=quizzes, to_attr="published_quizzes"))
        .filter(slug=slug)
        .first()
    )


def _facts_of(lesson: Lesson) -> LessonPage:
    # A lesson may have a practice quiz and an exam (seeds/README.md): practice comes first
    # whatever the titles, so "Take the full quiz" keeps starting the same quiz.
    quizzes = sorted(
        lesson.published_quizzes,
        key=lambda q: (q.mode != Quiz.Mode.PRACTICE, q.title, q.pk),
    )
    return LessonPage(
        pk=lesson.pk,
        slug=lesson.slug,
        title=lesson.title,
        summary=lesson.summary,
        is_published=lesson.is_published,
        quizzes=tuple(
            QuizFacts(
                pk=quiz.pk,
                title=quiz.title,
                question_total=quiz.question_total,
                mode=quiz.mode,
                time_limit_minutes=quiz.time_limit_minutes,
                pass_mark=quiz.pass_mark,
                start_url=reverse("quizzes:start", args=[quiz.slug]),
            )
            for quiz in quizzes
        ),
        actions=tuple(ActionFacts.of(a, lesson_slug=lesson.slug) for a in lesson.actions.all()),
    )


def _lesson_context(request, page: LessonPage, *, rows, **extra) -> dict:
    open_quizzes: set[int] = set()  # the lesson's quizzes with an attempt to resume
    token = learner_token(request)
    if page.quizzes and (token or request.user.is_authenticated):
        open_quizzes = set(
            Attempt.objects.owned_by(user=request.user, token=token)
            .primary()
            .filter(quiz_id__in=[q.pk for q in page.quizzes], state=Attempt.State.IN_PROGRESS)
            .values_list("quiz_id", flat=True)
        )
    ticks = _ticks_for(request, page.actions)
    return {
        "lesson": page,
        "lesson_rows": rows,  # read only when the body fragment is not cached
        "content_version": contentcache.version_for(request),
        "content_timeout": contentcache.TIMEOUT,
        "quiz": page.quiz,
        "in_progress": page.quiz is not None and page.quiz.pk in open_quizzes,
        # The lesson's other quizzes (an exam), each with whether it has an attempt to resume.
        "other_quizzes": [(q, q.pk in open_quizzes) for q in page.quizzes[1:]],
        # Which quizzes are open, as the key of the fragments that show their buttons: "10".
        "quiz_state": "".join("1" if q.pk in open_quizzes else "0" for q in page.quizzes),
        "action_rows": [(action, ticks.get(action.pk)) for action in page.actions],
        # The tick forms' ids as strings: the page prints a CSRF input for each.
        "tick_form_ids": [f"tick-form-{action.pk}" for action in page.actions],
        # Nothing ticked and no error to show: the checklist is the same for every visitor.
        "checklist_untouched": not ticks and not extra.get("error_for"),
        "done_count": len(ticks),
        "action_total": len(page.actions),
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
        error = _("Choose whether the action is done.")
    elif len(note) > 280:
        error = _("Keep the note to 280 characters or fewer.")
    elif "\x00" in note:
        error = _("The note contains a character that cannot be stored; retype it.")
    else:
        now = timezone.now()
        if request.user.is_authenticated:
            set_tick(user=request.user, action=action, done=done == "1", note=note, now=now)
        else:
            set_session_tick(request.session, action=action, done=done == "1", note=note, now=now)
        if not request.htmx:
            return redirect(f"{lesson.get_absolute_url()}#action-{action.pk}")
    if not request.htmx:
        page, rows = lesson_page(lesson.slug, version=contentcache.version_for(request))
        context = _lesson_context(request, page, rows=rows, error=error, error_for=action.pk)
        return render(request, "civics/lesson_detail.html", context, status=400)
    actions = list(ActionItem.objects.filter(lesson=lesson))
    ticks = _ticks_for(request, actions)
    context = {
        "action": ActionFacts.of(action, lesson_slug=lesson.slug),
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
