"""The learner's path through a quiz. One set of views for anonymous and signed-in learners:
an attempt belongs to an account or to the anonymous session's learner token."""

from typing import NamedTuple

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from civics.content import contentcache
from civics.lib.numbers import parse_small_number
from quizzes import services
from quizzes.forms import AnswerForm, initial_for
from quizzes.learners import learner_token
from quizzes.models import Answer, Attempt, Question, Quiz, Slot
from quizzes.prepared import question_with_keys, questions_with_keys, quiz_with_lesson
from quizzes.question_types import question_type
from quizzes.scoring import by_part, review_rows, review_words, summarize


def _attempt_for(request, pk: int) -> Attempt:
    """The attempt if it belongs to this learner; 404 for anyone else's."""
    attempts = Attempt.objects.owned_by(user=request.user, token=learner_token(request))
    attempt = get_object_or_404(attempts, pk=pk)
    attempt.quiz = quiz_with_lesson(attempt.quiz_id, version=contentcache.version_for(request))
    return attempt


def _redirect(request, url: str):
    """Real navigation: a client redirect for htmx, an HTTP redirect otherwise."""
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


def _refused(request, error: services.QuizError, *, back: str):
    return render(
        request,
        "quizzes/refused.html",
        {"message": error.message, "back": back},
        status=error.status,
    )


def _question_url(attempt: Attempt, position: int) -> str:
    return reverse("quizzes:question", args=[attempt.pk, position])


@require_POST
def start(request, slug):
    quiz = get_object_or_404(
        Quiz.objects.select_related("lesson"),
        slug=slug,
        is_published=True,
        lesson__status="published",
    )
    token = learner_token(request, create=not request.user.is_authenticated)
    try:
        attempt = services.start_attempt(
            quiz=quiz, user=request.user, token=token, now=timezone.now()
        )
    except services.QuizError as error:
        return _refused(request, error, back=quiz.lesson.get_absolute_url())
    return _redirect(request, attempt.get_absolute_url())


@require_http_methods(["GET", "HEAD"])
def attempt_detail(request, pk):
    attempt = _attempt_for(request, pk)
    if not attempt.is_in_progress:
        return redirect("quizzes:result", attempt.pk)
    position = _current_position(attempt)
    if position is None:
        # Everything answered: an exam goes to its summary, practice to the last feedback.
        if not attempt.is_practice:
            return redirect("quizzes:summary", attempt.pk)
        position = attempt.slots.count()
    return redirect(_question_url(attempt, position))


def _current_position(attempt: Attempt) -> int | None:
    """The first question without an answer, or None when every question has one."""
    answered = attempt.answers.values("question_id")
    slot = attempt.slots.exclude(question_id__in=answered).order_by("position").first()
    return None if slot is None else slot.position


@require_http_methods(["GET", "HEAD", "POST"])
def question(request, pk, position):
    attempt = _attempt_for(request, pk)
    now = timezone.now()
    if not attempt.is_in_progress:
        return _redirect(request, reverse("quizzes:result", args=[attempt.pk]))
    if attempt.is_overdue(now):
        services.finish_attempt(attempt=attempt, now=now)
        messages.warning(
            request, _("Time is up. Your attempt was finished with the answers you gave.")
        )
        return _redirect(request, reverse("quizzes:result", args=[attempt.pk]))

    slots = _slots(attempt)
    row = next((s for s in slots if s.position == position), None)
    if row is None:
        raise Http404("No such question in this attempt.")
    slot = _slot_model(attempt, row)
    question = question_with_keys(slot.question_id, version=contentcache.version_for(request))
    answer = None
    answered = None  # ids of the questions answered (an exam's answer POST does not need them)

    if attempt.is_practice:
        answered = _answered_in(slots)
        current = next((s.position for s in slots if s.question_id not in answered), None)
        if question.pk not in answered and current is not None and position != current:
            # Practice mode goes in order: the server, not the URL, decides the current question.
            return _redirect(request, _question_url(attempt, current))

    status = 200
    error_message = ""
    if request.method == "POST":
        form = AnswerForm(request.POST, attempt=attempt, question=question)
        going = request.POST.get("go", "")
        # "Flag for review" (exam) keeps the learner on this question; a choice made but not
        # yet saved is saved with it, and the flag is set only if that answer is accepted.
        flag = request.POST.get("flag", "") if not attempt.is_practice else ""
        if flag in ("on", "off"):
            going = str(position)
        if not attempt.is_practice and going and not _has_answer(request.POST, form):
            _set_flag(slot, flag)
            return _navigate(request, attempt, slots, position, going)
        if form.is_valid():
            try:
                answer = services.submit_answer(
                    attempt=attempt,
                    slot=slot,
                    question=question,
                    given=form.given(),
                    sequence=form.cleaned_data["seq"],
                    now=timezone.now(),
                )
            except services.DeadlinePassed as error:
                messages.warning(request, error.message)
                return _redirect(request, reverse("quizzes:result", args=[attempt.pk]))
            except services.QuizError as error:
                status, error_message = error.status, error.message
                slot.refresh_from_db(fields=["sequence"])
                answered = _answered_in(_slots(attempt))  # another tab may have answered
            else:
                if not attempt.is_practice:
                    _set_flag(slot, flag)
                    return _navigate(request, attempt, slots, position, going or "next")
                if not request.htmx:
                    return redirect(_question_url(attempt, position))
                answered.add(question.pk)
        else:
            status = 400
    if answered is None:
        answered = _answered_in(slots)
    if answer is None and question.pk in answered:
        answer = _answer_to(attempt, question)
    if request.method != "POST" or status != 400:  # a refused form shows what was sent
        form = _form(attempt, question, slot, answer)

    context = _question_context(attempt, slots, slot, question, answer, answered, form, now)
    context["error_message"] = error_message
    template = "quizzes/question.html"
    if request.htmx and not request.htmx.boosted:
        template += "#question-panel"
    return render(request, template, context, status=status)


def _set_flag(slot: Slot, flag: str) -> None:
    if flag in ("on", "off"):
        Slot.objects.filter(pk=slot.pk).update(flagged=flag == "on")


def _form(attempt, question, slot, answer) -> AnswerForm:
    initial = {"seq": slot.sequence, **initial_for(question, answer)}
    return AnswerForm(initial=initial, attempt=attempt, question=question)


def _has_answer(data, form: AnswerForm) -> bool:
    return any(
        any(value.strip() for value in data.getlist(name)) for name in form.fields if name != "seq"
    )


def _navigate(request, attempt, slots, position, going):
    last = len(slots)
    if going == "prev" and position > 1:
        return _redirect(request, _question_url(attempt, position - 1))
    if going == "next" and position < last:
        return _redirect(request, _question_url(attempt, position + 1))
    if (target := parse_small_number(going, digits=5)) is not None and 1 <= target <= last:
        return _redirect(request, _question_url(attempt, target))
    return _redirect(request, reverse("quizzes:summary", args=[attempt.pk]))


def _nav(stem: str, slots, answered, current: int) -> list[dict]:
    """The exam's grid of questions as plain values for the ``question-nav`` partial: for each
    cell its URL, number, CSS classes and the state a screen reader hears ("answered,
    flagged"). The words are translated once here, not once per cell in the template (26
    ``{% translate %}`` tags were a fifth of the page's rendering)."""
    words = {
        "current": _("current"),
        "answered": _("answered"),
        "unanswered": _("not answered"),
        "flagged": _("flagged"),
    }
    cells = []
    for s in slots:
        done = s.question_id in answered
        state = [words["answered"] if done else words["unanswered"]]
        classes = ["question-nav__cell"]
        if done:
            classes.append("is-answered")
        if s.flagged:
            classes.append("is-flagged")
            state.append(words["flagged"])
        if s.position == current:
            state.insert(0, words["current"])
        cells.append(
            {
                "url": f"{stem}{s.position}/",
                "number": str(s.position),
                "css": " ".join(classes),
                "state": ", ".join(state),
                "current": s.position == current,
            }
        )
    return cells


class SlotRow(NamedTuple):
    pk: int
    position: int
    question_id: int
    sequence: int
    answered: bool
    flagged: bool


# The attempt's slots in order, each with whether its question has an answer: one statement
# instead of two ORM reads (building them cost more than running them), and plain rows rather
# than dozens of model instances. Runs unchanged on SQLite and PostgreSQL.
_SLOT_ROWS = """
SELECT s.id, s.position, s.question_id, s.sequence, s.flagged,
       EXISTS (SELECT 1 FROM {answer} an
                WHERE an.attempt_id = s.attempt_id AND an.question_id = s.question_id)
  FROM {slot} s
 WHERE s.attempt_id = %s
 ORDER BY s.position
"""


def _slots(attempt: Attempt) -> list[SlotRow]:
    sql = _SLOT_ROWS.format(answer=Answer._meta.db_table, slot=Slot._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(sql, [attempt.pk])
        return [
            SlotRow(pk, pos, qid, seq, bool(done), bool(flagged))
            for pk, pos, qid, seq, flagged, done in cursor
        ]


def _answered_in(slots: list[SlotRow]) -> set[int]:
    return {row.question_id for row in slots if row.answered}


def _slot_model(attempt: Attempt, row) -> Slot:
    """The one slot a submission writes to, as the model instance the services take."""
    return Slot.from_db(
        "default",
        ["id", "attempt_id", "question_id", "position", "sequence", "flagged"],
        [row.pk, attempt.pk, row.question_id, row.position, row.sequence, row.flagged],
    )


def _answer_to(attempt: Attempt, question: Question):
    """This attempt's stored answer to the question, with what the question type needs."""
    related = question_type(question.type).answer_relations
    return attempt.answers.filter(question=question).prefetch_related(*related).first()


def _question_context(attempt, slots, slot, question, answer, answered, form, now):
    total = len(slots)
    next_slot = next((s for s in slots if s.position > slot.position), None)
    stem = _question_url(attempt, 1).removesuffix("1/")  # one reverse() for every question's URL
    show_feedback = attempt.is_practice and answer is not None
    seconds_left = (
        max(0, int((attempt.deadline - now).total_seconds())) if attempt.deadline else None
    )
    return {
        "attempt": attempt,
        "quiz": attempt.quiz,
        "lesson": attempt.quiz.lesson,
        "slot": slot,
        "question": question,
        "form": form,
        "answer": answer,
        "show_feedback": show_feedback,
        "review": (
            review_rows([(slot, question, answer)], attempt=attempt)[0] if show_feedback else None
        ),
        "words": review_words() if show_feedback else {},
        "total": total,
        "answered_count": len(answered),
        "flagged_count": sum(s.flagged for s in slots),
        "nav": _nav(stem, slots, answered, slot.position),
        "here_url": f"{stem}{slot.position}/",
        "summary_url": reverse("quizzes:summary", args=[attempt.pk]),
        "next_url": f"{stem}{next_slot.position}/" if next_slot else "",
        "is_last": next_slot is None,
        "seconds_left": seconds_left,
        # Whole minutes, rounded up: "1 minute left" until the clock reaches 0.
        "minutes_left": None if seconds_left is None else -(-seconds_left // 60),
    }


@require_http_methods(["GET", "HEAD"])
def summary(request, pk):
    attempt = _attempt_for(request, pk)
    if not attempt.is_in_progress:
        return redirect("quizzes:result", attempt.pk)
    slots = _slots(attempt)
    questions = questions_with_keys(
        [s.question_id for s in slots], version=contentcache.version_for(request)
    )
    rows = [(s, questions[s.question_id]) for s in slots]
    return render(
        request,
        "quizzes/summary.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "rows": rows,
            "unanswered": [s.position for s in slots if not s.answered],
            "flagged": [s.position for s in slots if s.flagged],
            "answered_count": sum(s.answered for s in slots),
        },
    )


@require_POST
def finish(request, pk):
    attempt = _attempt_for(request, pk)
    services.finish_attempt(attempt=attempt, now=timezone.now())
    return _redirect(request, reverse("quizzes:result", args=[attempt.pk]))


@require_http_methods(["GET", "HEAD"])
def result(request, pk):
    attempt = _attempt_for(request, pk)
    if attempt.is_in_progress and not attempt.is_overdue(timezone.now()):
        return redirect("quizzes:attempt", attempt.pk)
    if attempt.is_in_progress:
        services.finish_attempt(attempt=attempt, now=timezone.now())
    slots = _slots(attempt)
    questions = questions_with_keys(
        [s.question_id for s in slots], version=contentcache.version_for(request)
    )
    answers = {a.question_id: a for a in attempt.answers.prefetch_related("choices", "matches")}
    rows = review_rows(
        [(s, questions[s.question_id], answers.get(s.question_id)) for s in slots],
        attempt=attempt,
    )
    return render(
        request,
        "quizzes/result.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "lesson": attempt.quiz.lesson,
            "score": summarize(attempt, rows),
            "parts": by_part(rows),
            "words": review_words(),
            # The review lists the missed questions first, then the rest, each in quiz order.
            "missed": [row for row in rows if row.is_missed],
            "right_rows": [row for row in rows if not row.is_missed],
        },
    )


@require_POST
def practise_missed(request, pk):
    attempt = _attempt_for(request, pk)
    if attempt.is_in_progress:
        return _redirect(request, attempt.get_absolute_url())
    try:
        practice = services.practise_missed(
            attempt=attempt,
            user=request.user,
            token=learner_token(request),
            now=timezone.now(),
        )
    except services.QuizError as error:
        return _refused(request, error, back=reverse("quizzes:result", args=[attempt.pk]))
    return _redirect(request, practice.get_absolute_url())


@login_required
@require_POST
def start_review(request):
    try:
        attempt = services.start_review(user=request.user, now=timezone.now())
    except services.QuizError as error:
        return _refused(request, error, back=reverse("civics:dashboard"))
    return _redirect(request, attempt.get_absolute_url())
