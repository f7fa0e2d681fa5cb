"""Item statistics against a small example worked out by hand, on real rows, through the report,
the formulas in ``quizzes/statistics.py`` and the admin pages; the pages' query counts do not
grow with the attempts; the benchmark command runs and leaves nothing behind.

The example: a quiz with pass mark 50% and three questions, each worth 1 point.

    first attempts       q1   q2   q3 | T (points)  S = 100·T/3
    A1 (learner 1)       1    1    1  | 3           100
    A2 (learner 2)       1    0.5  0  | 1.5          50
    A3 (learner 3)       0    0.5  0  | 0.5          16.667
    A4 (learner 4)       1    0    —  | 1            33.333   (q3 left unanswered: scores 0)
    later:
    A5 (learner 3 again) 1    1    1  | 3           100      (only in "all attempts")

Left out of both reports: an attempt in progress, an abandoned one, a review session and a
"practise what I missed" retry (each with answers that would change every figure).
"""

import datetime as dt
import io
import math

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from civics.content.models import Lesson
from quizzes.models import Answer, Attempt, Choice, Question, Quiz, Slot
from quizzes.statistics import ItemSums, cronbach_alpha, item_stats, quiz_stats
from quizzes.stats_queries import quiz_report
from tests.factories import UserFactory

from .factories import T0, ChoiceFactory, QuestionFactory, QuizFactory

pytestmark = pytest.mark.django_db

User = get_user_model()


def make_attempt(
    quiz, questions, points, *, picks=(), minute, user=None, token="", state="finished", **extra
):
    """One attempt holding ``questions``; ``points[i]`` is None for an unanswered question."""
    started = T0 + dt.timedelta(minutes=minute)
    attempt = Attempt.objects.create(
        quiz=quiz,
        user=user,
        anonymous_token=token,
        mode=quiz.mode,
        state=state,
        seed=1,
        started_at=started,
        finished_at=started + dt.timedelta(minutes=5) if state == "finished" else None,
        **extra,
    )
    for position, question in enumerate(questions, start=1):
        Slot.objects.create(attempt=attempt, question=question, position=position)
    for index, (question, score) in enumerate(zip(questions, points, strict=True)):
        if score is None:
            continue
        answer = Answer.objects.create(
            attempt=attempt,
            question=question,
            points=score,
            is_correct=score == 1,
            answered_at=started,
        )
        if index < len(picks) and picks[index]:
            answer.choices.set(picks[index])
    return attempt


@pytest.fixture
def example():
    quiz = QuizFactory(pass_mark=50, exam=True)
    q1 = QuestionFactory(quiz=quiz, type="single", title="q1", order=1)
    right = ChoiceFactory(question=q1, text="Right", fraction=1, order=1)
    wrong = ChoiceFactory(question=q1, text="Wrong", fraction=0, order=2)
    q2 = QuestionFactory(quiz=quiz, type="multiple", title="q2", order=2)
    half_x = ChoiceFactory(question=q2, text="Half X", fraction=0.5, order=1)
    half_y = ChoiceFactory(question=q2, text="Half Y", fraction=0.5, order=2)
    never = ChoiceFactory(question=q2, text="Never", fraction=-1, order=3)
    q3 = QuestionFactory(quiz=quiz, type="true_false", truth=True, title="q3", order=3)
    qs = [q1, q2, q3]
    one, two = UserFactory(username="one"), UserFactory(username="two")

    a1 = make_attempt(quiz, qs, [1, 1, 1], picks=[[right], [half_x, half_y]], minute=1, user=one)
    a2 = make_attempt(quiz, qs, [1, 0.5, 0], picks=[[right], [half_x]], minute=2, user=two)
    make_attempt(quiz, qs, [0, 0.5, 0], picks=[[wrong], [half_y]], minute=3, token="three")
    make_attempt(quiz, qs, [1, 0, None], picks=[[right], [never]], minute=4, token="four")
    # Learner "three" again, later: counts among all attempts, not first attempts.
    make_attempt(quiz, qs, [1, 1, 1], picks=[[right], [half_x, half_y]], minute=5, token="three")
    # Never counted.
    zeros = [0, 0, 0]
    wrong_picks = [[wrong], [never]]
    make_attempt(quiz, qs, zeros, picks=wrong_picks, minute=6, token="five", state="in_progress")
    make_attempt(quiz, qs, zeros, picks=wrong_picks, minute=7, token="six", state="abandoned")
    make_attempt(quiz, qs, zeros, picks=wrong_picks, minute=8, user=one, is_review=True)
    make_attempt(quiz, qs, zeros, picks=wrong_picks, minute=9, user=two, retry_of=a2)
    # An earlier attempt of learner one on another quiz has no bearing on this one.
    make_attempt(QuizFactory(), [QuestionFactory()], [1], minute=0, user=one)
    assert a1.pk < a2.pk
    return quiz, qs, {"right": right, "wrong": wrong, "x": half_x, "y": half_y, "never": never}


# --- The hand-worked figures -------------------------------------------------------------------
#
# First attempts (n = 4), T = [3, 1.5, 0.5, 1], mean T = 6 / 4 = 1.5.
#
# Facility = mean score × 100:
#   q1 (1 + 1 + 0 + 1) / 4 = 0.75 -> 75      q2 (1 + .5 + .5 + 0) / 4 = 0.5 -> 50
#   q3 (1 + 0 + 0 + 0) / 4 = 0.25 -> 25
#
# Discrimination = 100 × Pearson(x, R) with R = T − x, the rest of the test:
#   q1: x = [1, 1, 0, 1], R = [2, .5, .5, 0]; means .75 and .75
#       dx = [.25, .25, −.75, .25], dR = [1.25, −.25, −.25, −.75]
#       Σdx·dR = .3125 − .0625 + .1875 − .1875 = .25;  Σdx² = .75;  ΣdR² = 2.25
#       r = .25 / √(.75 × 2.25) = .25 / √1.6875 = 0.192450   -> 19.245
#   q2: x = [1, .5, .5, 0], R = [2, 1, 0, 1]; means .5 and 1
#       dx = [.5, 0, 0, −.5], dR = [1, 0, −1, 0]
#       Σdx·dR = .5;  Σdx² = .5;  ΣdR² = 2;  r = .5 / √1 = 0.5   -> 50
#   q3: x = [1, 0, 0, 0], R = [2, 1.5, .5, 1]; means .25 and 1.25
#       dx = [.75, −.25, −.25, −.25], dR = [.75, .25, −.75, −.25]
#       Σdx·dR = .5625 − .0625 + .1875 + .0625 = .75;  Σdx² = .75;  ΣdR² = 1.25
#       r = .75 / √(.75 × 1.25) = .75 / √.9375 = 0.774597   -> 77.460
#
# Scores S = [100, 50, 16.667, 33.333]:
#   mean = 200 / 4 = 50;  median = (33.333 + 50) / 2 = 41.667
#   sample SD: T deviations [1.5, 0, −1, −.5], squares sum to 2.25 + 0 + 1 + .25 = 3.5,
#   so var(T) = 3.5 / 3 and SD(S) = (100 / 3) × √(3.5 / 3) = 33.333 × 1.080123 = 36.004
#   pass rate: 100 and 50 reach 50 -> 2 of 4 = 50%
# Cronbach's alpha with population variances:
#   var(q1) = .75 × .25 = .1875;  var(q2) = Σdx² / 4 = .5 / 4 = .125;  var(q3) = .25 × .75 = .1875
#   Σ = .5;  var(T) = 3.5 / 4 = .875;  alpha = 3 / 2 × (1 − .5 / .875) = 1.5 × 3 / 7 = 9 / 14
#
# All attempts (n = 5), T = [3, 1.5, .5, 1, 3], mean T = 9 / 5 = 1.8:
#   facility q1 4 / 5 -> 80;  q2 (1 + .5 + .5 + 0 + 1) / 5 = .6 -> 60;  q3 2 / 5 -> 40
#   q1: x = [1, 1, 0, 1, 1], R = [2, .5, .5, 0, 2]; means .8 and 1
#       dx = [.2, .2, −.8, .2, .2], dR = [1, −.5, −.5, −1, 1]
#       Σdx·dR = .2 − .1 + .4 − .2 + .2 = .5;  Σdx² = .8;  ΣdR² = 3.5
#       r = .5 / √2.8 = 0.298807   -> 29.881
#   q2: x = [1, .5, .5, 0, 1], R = [2, 1, 0, 1, 2]; means .6 and 1.2
#       dx = [.4, −.1, −.1, −.6, .4], dR = [.8, −.2, −1.2, −.2, .8]
#       Σdx·dR = .32 + .02 + .12 + .12 + .32 = .9;  Σdx² = .7;  ΣdR² = 2.8
#       r = .9 / √1.96 = .9 / 1.4 = 0.642857   -> 64.286
#   q3: x = [1, 0, 0, 0, 1], R = [2, 1.5, .5, 1, 2]; means .4 and 1.4
#       dx = [.6, −.4, −.4, −.4, .6], dR = [.6, .1, −.9, −.4, .6]
#       Σdx·dR = .36 − .04 + .36 + .16 + .36 = 1.2;  Σdx² = 1.2;  ΣdR² = 1.7
#       r = 1.2 / √2.04 = 0.840168   -> 84.017
#   S = [100, 50, 16.667, 33.333, 100]: mean 300 / 5 = 60; median 50
#   sample SD: T deviations [1.2, −.3, −1.3, −.8, 1.2], squares 1.44 + .09 + 1.69 + .64 + 1.44 = 5.3
#       SD(S) = (100 / 3) × √(5.3 / 4) = 33.333 × 1.151086 = 38.370
#   pass rate: 100, 50, 100 -> 3 of 5 = 60%
#   alpha: var(q1) = .8 × .2 = .16; var(q2) = E[x²] − mean² = 2.5 / 5 − .36 = .14;
#       var(q3) = .4 × .6 = .24; Σ = .54; var(T) = 5.3 / 5 = 1.06
#       alpha = 1.5 × (1 − .54 / 1.06) = 1.5 × 26 / 53 = 39 / 53

FIRST = {
    "facility": [75, 50, 25],
    "discrimination": [100 * 0.25 / math.sqrt(1.6875), 50, 100 * 0.75 / math.sqrt(0.9375)],
    "variances": [0.1875, 0.125, 0.1875],
    "attempts": 4,
    "mean": 50,
    "median": 125 / 3,
    "sd": 100 / 3 * math.sqrt(3.5 / 3),
    "pass_rate": 50,
    "alpha": 9 / 14,
}
ALL = {
    "facility": [80, 60, 40],
    "discrimination": [100 * 0.5 / math.sqrt(2.8), 100 * 0.9 / 1.4, 100 * 1.2 / math.sqrt(2.04)],
    "variances": [0.16, 0.14, 0.24],
    "attempts": 5,
    "mean": 60,
    "median": 50,
    "sd": 100 / 3 * math.sqrt(5.3 / 4),
    "pass_rate": 60,
    "alpha": 39 / 53,
}


def test_the_hand_worked_numbers_are_what_the_comments_say():
    # Guards the expected values above against a slip when the comments are edited.
    assert FIRST["discrimination"] == pytest.approx([19.2450, 50, 77.4597], abs=1e-4)
    assert FIRST["sd"] == pytest.approx(36.0041, abs=1e-4)
    assert ALL["discrimination"] == pytest.approx([29.8807, 64.2857, 84.0168], abs=1e-4)
    assert ALL["sd"] == pytest.approx(38.3695, abs=1e-4)


@pytest.mark.parametrize(
    ("first_only", "expected"), [(True, FIRST), (False, ALL)], ids=["first", "all"]
)
def test_quiz_report_on_real_rows_matches_the_hand_worked_example(example, first_only, expected):
    quiz, _, _ = example

    report = quiz_report(quiz, first_only=first_only)

    assert report.first_only is first_only
    assert [r.question.title for r in report.questions] == ["q1", "q2", "q3"]
    assert [r.stats.attempts for r in report.questions] == [expected["attempts"]] * 3
    assert [r.stats.facility for r in report.questions] == pytest.approx(expected["facility"])
    assert [r.stats.discrimination for r in report.questions] == pytest.approx(
        expected["discrimination"]
    )
    assert [r.stats.variance for r in report.questions] == pytest.approx(expected["variances"])
    summary = report.summary
    assert summary.attempts == expected["attempts"]
    assert summary.mean == pytest.approx(expected["mean"])
    assert summary.median == pytest.approx(expected["median"])
    assert summary.sd == pytest.approx(expected["sd"])
    assert summary.pass_rate == pytest.approx(expected["pass_rate"])
    assert summary.alpha == pytest.approx(expected["alpha"])


def test_the_formulas_match_the_hand_worked_example_from_plain_sums():
    # q1 over first attempts: x = [1, 1, 0, 1], T = [3, 1.5, .5, 1]
    #   n = 4, Σx = 3, Σx² = 3, ΣT = 6, ΣT² = 9 + 2.25 + .25 + 1 = 12.5, ΣxT = 3 + 1.5 + 0 + 1 = 5.5
    q1 = item_stats(ItemSums(n=4, sx=3, sxx=3, st=6, stt=12.5, sxt=5.5))
    # q2: x = [1, .5, .5, 0]: Σx = 2, Σx² = 1.5, ΣxT = 3 + .75 + .25 + 0 = 4
    q2 = item_stats(ItemSums(n=4, sx=2, sxx=1.5, st=6, stt=12.5, sxt=4))
    # q3: x = [1, 0, 0, 0]: Σx = 1, Σx² = 1, ΣxT = 3
    q3 = item_stats(ItemSums(n=4, sx=1, sxx=1, st=6, stt=12.5, sxt=3))

    assert [s.facility for s in (q1, q2, q3)] == pytest.approx(FIRST["facility"])
    assert [s.discrimination for s in (q1, q2, q3)] == pytest.approx(FIRST["discrimination"])
    assert [s.variance for s in (q1, q2, q3)] == pytest.approx(FIRST["variances"])

    summary = quiz_stats(
        [100, 50, 50 / 3, 100 / 3],
        pass_mark=50,
        item_variances=FIRST["variances"],
        totals=[3, 1.5, 0.5, 1],
    )
    assert summary.attempts == 4
    assert summary.mean == pytest.approx(FIRST["mean"])
    assert summary.median == pytest.approx(FIRST["median"])
    assert summary.sd == pytest.approx(FIRST["sd"])
    assert summary.pass_rate == pytest.approx(FIRST["pass_rate"])
    assert summary.alpha == pytest.approx(FIRST["alpha"])
    assert cronbach_alpha(ALL["variances"], [3, 1.5, 0.5, 1, 3]) == pytest.approx(ALL["alpha"])


def test_the_formulas_say_nothing_where_there_is_nothing_to_say():
    assert item_stats(ItemSums(0, 0, 0, 0, 0, 0)).facility is None
    # Everyone right: no variance in x, so no correlation.
    assert item_stats(ItemSums(n=3, sx=3, sxx=3, st=6, stt=14, sxt=6)).discrimination is None
    empty = quiz_stats([], pass_mark=50, item_variances=[], totals=[])
    assert (empty.attempts, empty.mean, empty.sd, empty.alpha) == (0, None, None, None)
    single = quiz_stats([80], pass_mark=50, item_variances=[0.1, 0.2], totals=[2.4])
    assert (single.mean, single.median, single.sd, single.alpha) == (80, 80, None, None)
    assert cronbach_alpha([0.25], [1, 2]) is None  # one question
    assert cronbach_alpha([0.0, 0.0], [2, 2]) is None  # no variance in totals


@pytest.mark.parametrize(
    ("first_only", "counts"),
    [
        (True, {"right": (3, 75), "wrong": (1, 25), "x": (2, 50), "y": (2, 50), "never": (1, 25)}),
        (False, {"right": (4, 80), "wrong": (1, 20), "x": (3, 60), "y": (3, 60), "never": (1, 20)}),
    ],
    ids=["first", "all"],
)
def test_each_choice_is_counted_with_its_share_of_attempts(example, first_only, counts):
    quiz, _, choices = example
    by_pk = {choice.pk: name for name, choice in choices.items()}

    report = quiz_report(quiz, first_only=first_only)

    picked = {
        by_pk[choice.pk]: (times, share)
        for row in report.questions
        for choice, times, share in row.choices
    }
    assert picked == counts
    assert report.questions[2].choices == []  # true/false has no choices


def test_a_quiz_without_attempts_reports_no_figures(example):
    quiz = QuizFactory()
    QuestionFactory(quiz=quiz)

    report = quiz_report(quiz, first_only=True)

    assert report.summary.attempts == 0
    assert report.summary.mean is None
    assert report.questions[0].stats.attempts == 0
    assert report.questions[0].stats.facility is None


# --- The admin pages ---------------------------------------------------------------------------


def cells(html: str, label: str) -> str:
    start = html.index(f'<th scope="row">{label}')
    cell = html.index("<td>", start) + len("<td>")
    return html[cell : html.index("</td>", cell)]


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("", ["4", "50.0%", "41.7%", "36.0", "50.0%", "0.643"]),
        ("?attempts=first", ["4", "50.0%", "41.7%", "36.0", "50.0%", "0.643"]),
        ("?attempts=all", ["5", "60.0%", "50.0%", "38.4", "60.0%", "0.736"]),
    ],
)
def test_the_statistics_page_shows_the_hand_worked_figures(example, educator_client, query, shown):
    quiz, _, _ = example

    response = educator_client.get(f"/admin/quizzes/quiz/{quiz.pk}/statistics/{query}")

    assert response.status_code == 200
    html = response.content.decode()
    labels = [
        "Attempts",
        "Mean score",
        "Median score",
        "Standard deviation",
        "Pass rate",
        "Cronbach",
    ]
    assert [cells(html, label) for label in labels] == shown


def test_the_statistics_page_lists_each_question_with_facility_discrimination_and_picks(
    example, educator_client
):
    quiz, _, _ = example

    html = educator_client.get(f"/admin/quizzes/quiz/{quiz.pk}/statistics/").content.decode()

    # q1: 4 attempts, facility 75, discrimination 19; Right picked 3 times (75%).
    assert "<td>4</td>\n    <td>75</td>\n    <td>19</td>" in html
    assert "<strong>Right</strong>: 3 (75%)" in html
    assert "Wrong: 1 (25%)" in html
    assert "<td>50</td>\n    <td>50</td>" in html  # q2
    assert "<td>25</td>\n    <td>77</td>" in html  # q3


def test_the_question_list_shows_facility_and_discrimination_over_all_attempts(
    example, educator_client
):
    quiz, _, _ = example

    response = educator_client.get(f"/admin/quizzes/question/?quiz__id__exact={quiz.pk}")

    rows = {q.title: q.item_stats for q in response.context["cl"].result_list}
    assert [rows[t].facility for t in ("q1", "q2", "q3")] == pytest.approx(ALL["facility"])
    assert [rows[t].discrimination for t in ("q1", "q2", "q3")] == pytest.approx(
        ALL["discrimination"]
    )
    html = response.content.decode()
    assert '<td class="field-facility">80</td><td class="field-discrimination">30</td>' in html
    assert '<td class="field-facility">60</td><td class="field-discrimination">64</td>' in html


def test_a_question_nobody_answered_shows_dashes(educator_client):
    question = QuestionFactory()

    html = educator_client.get("/admin/quizzes/question/").content.decode()

    assert question.title in html
    assert '<td class="field-facility">—</td><td class="field-discrimination">—</td>' in html


def many_attempts(quiz: Quiz, questions: list[Question], n: int, start: int) -> None:
    right = {q.pk: q.choices.filter(fraction=1).first() for q in questions}
    for i in range(n):
        score = (i % 3) / 2
        make_attempt(
            quiz,
            questions,
            [score] * len(questions),
            picks=[[right[q.pk]] if score == 1 and right[q.pk] else [] for q in questions],
            minute=start + i,
            token=f"bulk-{start + i}",
        )


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("target", ["statistics/", "statistics/?attempts=all", "question list"])
def test_statistics_pages_run_the_same_queries_for_2_and_for_30_attempts(educator_client, target):
    quiz = QuizFactory()
    questions = [QuestionFactory(quiz=quiz, order=i) for i in range(3)]
    for question in questions:
        ChoiceFactory(question=question, fraction=1)
        ChoiceFactory(question=question, fraction=0)
    if target == "question list":
        url = f"/admin/quizzes/question/?quiz__id__exact={quiz.pk}"
    else:
        url = f"/admin/quizzes/quiz/{quiz.pk}/{target}"

    many_attempts(quiz, questions, 2, start=0)
    with_two = count_queries(educator_client, url)
    many_attempts(quiz, questions, 28, start=100)
    with_thirty = count_queries(educator_client, url)

    assert Attempt.objects.filter(quiz=quiz).count() == 30
    assert with_thirty == with_two


def test_a_learner_cannot_open_the_statistics_page(client, example):
    quiz, _, _ = example
    client.force_login(UserFactory())

    response = client.get(f"/admin/quizzes/quiz/{quiz.pk}/statistics/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


# --- The benchmark command -------------------------------------------------------------------


def table_counts() -> dict[str, int]:
    models = [Lesson, Quiz, Question, Choice, Attempt, Slot, Answer, User]
    return {model.__name__: model.objects.count() for model in models} | {
        "picks": Answer.choices.through.objects.count()
    }


def test_bench_statistics_reports_under_the_goal_and_leaves_no_rows_behind(example):
    before = table_counts()
    out = io.StringIO()

    call_command(
        "bench_statistics", "--answers", "600", "--questions", "3", "--repeat", "1", stdout=out
    )

    text = out.getvalue()
    assert "600 answers, 3 questions" in text
    assert "statistics, first attempts" in text
    assert "question list" in text
    assert "under the 1 s goal" in text
    assert table_counts() == before
