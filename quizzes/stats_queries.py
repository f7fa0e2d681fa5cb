"""The aggregate queries behind item statistics: three queries per report, whatever the number
of attempts or answers. Plain SQL that runs unchanged on SQLite and PostgreSQL; the formulas
are in ``quizzes/statistics.py``."""

from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Max, Prefetch

from quizzes.models import Answer, Attempt, Choice, Question, Quiz, Slot
from quizzes.statistics import ItemStats, ItemSums, QuizStats, item_stats, quiz_stats

_ATTEMPTS = """
WITH chosen AS (
    SELECT {pick} AS id
    FROM {attempt} at
    -- finished, primary attempts (Attempt.State.FINISHED, quizzes.models.PRIMARY)
    WHERE at.quiz_id IN ({quizzes}) AND at.state = %s AND at.is_review = %s
          AND at.retry_of_id IS NULL
    {group}
),
slot_counts AS (
    SELECT s.attempt_id, COUNT(*) AS k
    FROM {slot} s JOIN chosen ch ON ch.id = s.attempt_id
    GROUP BY s.attempt_id
),
point_totals AS (
    SELECT an.attempt_id, SUM(an.points) AS total
    FROM {answer} an JOIN chosen ch ON ch.id = an.attempt_id
    GROUP BY an.attempt_id
),
counted AS (
    SELECT sc.attempt_id AS id, sc.k, COALESCE(pt.total, 0.0) AS total
    FROM slot_counts sc LEFT JOIN point_totals pt ON pt.attempt_id = sc.attempt_id
)
"""
# A learner's first attempt on a quiz is their earliest one (ids grow with time).
_FIRST_ONLY = ("MIN(at.id)", "GROUP BY at.quiz_id, at.user_id, at.anonymous_token")
_ALL = ("at.id", "")


CACHE_SECONDS = 24 * 60 * 60


@dataclass
class QuestionReport:
    question: Question
    stats: ItemStats
    choices: list  # (choice, times picked, % of attempts)


@dataclass
class QuizReport:
    quiz: Quiz
    first_only: bool
    summary: QuizStats
    questions: list[QuestionReport]


def _attempts_cte(quiz_ids: list[int], first_only: bool) -> tuple[str, list]:
    tables = {
        "slot": Slot._meta.db_table,
        "answer": Answer._meta.db_table,
        "attempt": Attempt._meta.db_table,
    }
    pick, group = _FIRST_ONLY if first_only else _ALL
    marks = ", ".join(["%s"] * len(quiz_ids))
    sql = _ATTEMPTS.format(quizzes=marks, pick=pick, group=group, **tables)
    return sql, [*quiz_ids, Attempt.State.FINISHED.value, False]


def _version(quiz_ids: list[int]) -> str:
    """Changes whenever an attempt of these quizzes finishes or goes away (one indexed query).

    For one quiz (its report) the newest finish is read from the (quiz, state, finished_at)
    index, O(log n); an account deletion bumps the quiz's generation (``forget``). For several
    quizzes (the question list) a COUNT per quiz is used instead.

    Statistics count finished attempts only, so while this is unchanged so are the sums: they
    are cached under it, the way Moodle caches its statistics report, and a page view costs one
    small query instead of a pass over every answer.
    """
    if len(quiz_ids) == 1:
        newest = (
            Attempt.objects.filter(quiz_id=quiz_ids[0], state=Attempt.State.FINISHED)
            .order_by("-finished_at", "-pk")
            .values_list("finished_at", "pk")
            .first()
        )
        generation = cache.get(f"quiz-stats:generation:{quiz_ids[0]}", 0)
        return f"{quiz_ids[0]}:{newest}:{generation}"
    rows = (
        Attempt.objects.filter(quiz_id__in=quiz_ids, state=Attempt.State.FINISHED)
        .values("quiz_id")
        .annotate(n=Count("pk"), last=Max("finished_at"), top=Max("pk"))
        .order_by("quiz_id")
        .values_list("quiz_id", "n", "last", "top")
    )
    return ";".join(f"{q}:{n}:{last.timestamp() if last else 0}:{top}" for q, n, last, top in rows)


def forget(quiz_ids) -> None:
    """Invalidate the cached statistics of these quizzes (their attempts are being deleted)."""
    for quiz_id in set(quiz_ids):
        key = f"quiz-stats:generation:{quiz_id}"
        cache.set(key, cache.get(key, 0) + 1, None)


def _cached(kind: str, quiz_ids: list[int], first_only: bool, compute, version=None):
    key = f"quiz-stats:v1:{kind}:{','.join(map(str, quiz_ids))}:{int(first_only)}"
    version = _version(quiz_ids) if version is None else version
    hit = cache.get(key)
    if hit is not None and hit[0] == version:
        return hit[1]
    value = compute()
    cache.set(key, (version, value), CACHE_SECONDS)
    return value


def item_sums(quiz_ids: list[int], *, first_only: bool, version=None) -> dict[int, ItemSums]:
    """Per question: n, Σx, Σx², ΣT, ΣT², ΣxT over the finished attempts that held it."""
    if not quiz_ids:
        return {}
    quiz_ids = sorted(quiz_ids)
    return _cached("items", quiz_ids, first_only, lambda: _item_sums(quiz_ids, first_only), version)


def _item_sums(quiz_ids: list[int], first_only: bool) -> dict[int, ItemSums]:
    cte, params = _attempts_cte(quiz_ids, first_only)
    sql = (
        cte
        + f"""
SELECT s.question_id, COUNT(*),
       SUM(COALESCE(an.points, 0.0)),
       SUM(COALESCE(an.points, 0.0) * COALESCE(an.points, 0.0)),
       SUM(c.total), SUM(c.total * c.total),
       SUM(COALESCE(an.points, 0.0) * c.total)
FROM {Slot._meta.db_table} s
JOIN counted c ON c.id = s.attempt_id
LEFT JOIN {Answer._meta.db_table} an
       ON an.attempt_id = s.attempt_id AND an.question_id = s.question_id
GROUP BY s.question_id
"""
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {
            row[0]: ItemSums(int(row[1]), *(float(v or 0) for v in row[2:]))
            for row in cursor.fetchall()
        }


def _attempt_totals(quiz_id: int, first_only: bool) -> list[tuple[float, int]]:
    """(total points, number of questions) of each finished attempt."""
    cte, params = _attempts_cte([quiz_id], first_only)
    with connection.cursor() as cursor:
        cursor.execute(cte + "SELECT total, k FROM counted", params)
        return [(float(total or 0), int(k or 0)) for total, k in cursor.fetchall()]


def choice_counts(quiz_id: int, *, first_only: bool, version=None) -> dict[int, int]:
    """How many attempts picked each choice."""
    return _cached(
        "choices", [quiz_id], first_only, lambda: _choice_counts(quiz_id, first_only), version
    )


def _choice_counts(quiz_id: int, first_only: bool) -> dict[int, int]:
    cte, params = _attempts_cte([quiz_id], first_only)
    through = Answer.choices.through._meta.db_table
    sql = (
        cte
        + f"""
SELECT ac.choice_id, COUNT(*)
FROM {through} ac
JOIN {Answer._meta.db_table} an ON an.id = ac.answer_id
JOIN counted c ON c.id = an.attempt_id
GROUP BY ac.choice_id
"""
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return dict(cursor.fetchall())


def quiz_report(quiz: Quiz, *, first_only: bool) -> QuizReport:
    questions = list(
        quiz.questions.order_by("order", "pk").prefetch_related(
            Prefetch("choices", queryset=Choice.objects.order_by("order", "pk"))
        )
    )
    version = _version([quiz.pk])  # once per report
    sums = item_sums([quiz.pk], first_only=first_only, version=version)
    picks = choice_counts(quiz.pk, first_only=first_only, version=version)
    reports = []
    for question in questions:
        stats = item_stats(sums.get(question.pk, ItemSums(0, 0, 0, 0, 0, 0)))
        choices = [
            (
                choice,
                picks.get(choice.pk, 0),
                100 * picks.get(choice.pk, 0) / stats.attempts if stats.attempts else None,
            )
            for choice in question.choices.all()
        ]
        reports.append(QuestionReport(question, stats, choices))
    variances = [r.stats.variance for r in reports if r.stats.variance is not None]

    def summarize() -> QuizStats:
        totals = _attempt_totals(quiz.pk, first_only)
        return quiz_stats(
            [100 * total / k for total, k in totals if k],
            pass_mark=quiz.pass_mark,
            item_variances=variances,
            totals=[total for total, k in totals if k],
        )

    # The summary, not the per-attempt totals, is what is cached: a handful of numbers.
    summary = _cached(f"summary-{quiz.pass_mark}", [quiz.pk], first_only, summarize, version)
    return QuizReport(quiz, first_only, summary, reports)
