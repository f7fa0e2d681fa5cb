"""The score and review of an attempt, computed from hand-built answers: no database."""

import datetime as dt
from types import SimpleNamespace

import pytest

from quizzes.models import NumericAnswer
from quizzes.scoring import Score, by_part, review_rows, score_percent, summarize

T0 = dt.datetime(2025, 9, 10, 12, 0, tzinfo=dt.UTC)


class Related(list):
    """Stands in for a prefetched related manager: ``.all()`` gives the loaded rows."""

    def all(self):
        return self


def choice(pk, text, fraction, feedback=""):
    return SimpleNamespace(pk=pk, text=text, fraction=fraction, feedback=feedback)


def question(kind, **fields):
    defaults = {
        "type": kind,
        "truth": None,
        "feedback_right": "",
        "feedback_wrong": "",
        "section": None,
        "choices": Related(),
        "accepted_answers": Related(),
        "numeric_answers": Related(),
        "pairs": Related(),
    }
    return SimpleNamespace(**{**defaults, **fields})


def answer(points, *, correct=None, choices=(), text="", truth=None, matches=()):
    return SimpleNamespace(
        points=points,
        is_correct=points == 1 if correct is None else correct,
        choices=Related(choices),
        text=text,
        truth=truth,
        matches=Related(matches),
    )


def slot(position):
    return SimpleNamespace(position=position)


def attempt(pass_mark=70, minutes=None):
    finished = T0 + dt.timedelta(minutes=minutes) if minutes is not None else None
    return SimpleNamespace(
        started_at=T0, finished_at=finished, quiz=SimpleNamespace(pass_mark=pass_mark)
    )


def true_false(points):
    q = question("true_false", truth=True)
    return q, answer(points, truth=points == 1) if points is not None else None


def rows_for(*points):
    """One true/false question per value: 1, 0 or None for unanswered."""
    items = []
    for position, value in enumerate(points, start=1):
        q, a = true_false(value)
        items.append((slot(position), q, a))
    return review_rows(items)


# --- Score -------------------------------------------------------------------------------


def test_score_is_the_share_of_points_over_every_question_in_the_attempt():
    score = summarize(attempt(minutes=3), rows_for(1, 1, 0, None))

    assert score == Score(
        points=2,
        max_points=4,
        percent=50.0,
        pass_mark=70,
        answered=3,
        duration=dt.timedelta(minutes=3),
        correct=2,
    )
    assert not score.passed


def test_partial_points_add_up_and_round_to_one_decimal():
    multiple = question(
        "multiple",
        choices=Related([choice(1, "A", 0.5), choice(2, "B", 0.5), choice(3, "C", -0.5)]),
    )
    picked = answer(0.5, correct=False, choices=[choice(1, "A", 0.5)])
    items = [(slot(1), multiple, picked), *[(slot(n), *true_false(1)) for n in (2, 3)]]

    rows = review_rows(items)
    score = summarize(attempt(), rows)

    assert [row.status for row in rows] == ["partial", "correct", "correct"]
    assert score.points == 2.5
    assert score.percent == 83.3
    assert rows[0].yours == ["A"]
    # Every choice that earns credit, never its GIFT weight.
    assert rows[0].right == ["A", "B"]
    assert [(o.text, o.chosen, o.correct) for o in rows[0].options] == [
        ("A", True, True),
        ("B", False, True),
        ("C", False, False),
    ]


def test_an_unanswered_question_counts_0_and_is_shown_as_not_answered():
    rows = rows_for(None)

    assert (rows[0].points, rows[0].status, rows[0].status_label) == (
        0.0,
        "unanswered",
        "Not answered",
    )
    assert rows[0].yours == []
    assert summarize(attempt(), rows).answered == 0


@pytest.mark.parametrize(
    ("points", "pass_mark", "passed"),
    [
        ((1, 1, 1, 0), 75, True),  # exactly the pass mark passes
        ((1, 1, 0, 0), 50, True),
        ((1, 1, 0, 0), 51, False),
        ((1, 1, 1, 1), 100, True),
        ((0, 0), 0, True),
        ((1, 0, 0), 34, False),  # 33.3%
        ((1, 0, 0), 33, True),
    ],
)
def test_pass_mark_boundary(points, pass_mark, passed):
    assert summarize(attempt(pass_mark=pass_mark), rows_for(*points)).passed is passed


def test_an_attempt_with_no_questions_scores_0_percent():
    score = summarize(attempt(), [])

    assert (score.percent, score.max_points, score.points) == (0.0, 0, 0)
    assert score_percent(0, 0) == 0.0


@pytest.mark.parametrize(
    ("duration", "label"),
    [
        (dt.timedelta(seconds=42), "42 s"),
        (dt.timedelta(minutes=4, seconds=5), "4 min 5 s"),
        (dt.timedelta(hours=1, minutes=2, seconds=59), "1 h 2 min"),
        (None, ""),
    ],
)
def test_time_taken_reads_naturally(duration, label):
    score = Score(points=0, max_points=1, percent=0, pass_mark=70, answered=0, duration=duration)

    assert score.duration_label == label


def test_an_unfinished_attempt_has_no_duration():
    assert summarize(attempt(minutes=None), rows_for(1)).duration is None


# --- Review rows per type ----------------------------------------------------------------


def test_single_choice_review_shows_your_pick_its_feedback_and_the_right_one():
    wrong = choice(2, "Secretary of Defense", 0, "Not the Pentagon.")
    q = question(
        "single", choices=Related([choice(1, "Secretary of State", 1), wrong, choice(3, "AG", 0)])
    )

    (row,) = review_rows([(slot(1), q, answer(0, choices=[wrong]))])

    assert (row.status, row.status_label) == ("wrong", "Incorrect")
    assert row.yours == ["Secretary of Defense"]
    assert row.right == ["Secretary of State"]
    assert row.feedback == ["Not the Pentagon."]


def test_true_false_review_picks_the_feedback_for_right_or_wrong():
    q = question("true_false", truth=False, feedback_right="Yes!", feedback_wrong="No, false.")

    right, wrong = review_rows(
        [(slot(1), q, answer(1, truth=False)), (slot(2), q, answer(0, truth=True))]
    )

    assert (right.yours, right.right, right.feedback) == (["False"], ["False"], ["Yes!"])
    assert (wrong.yours, wrong.right, wrong.feedback) == (["True"], ["False"], ["No, false."])


def test_short_answer_review_lists_the_full_mark_answers():
    accepted = Related(
        [SimpleNamespace(text="FOIA", fraction=1), SimpleNamespace(text="Info act", fraction=0.5)]
    )
    q = question("short", accepted_answers=accepted)

    (row,) = review_rows([(slot(1), q, answer(0.5, text="info act"))])

    assert (row.status, row.yours, row.right) == ("partial", ["info act"], ["FOIA"])


def test_numeric_review_shows_value_with_tolerance_and_range():
    # The right answer is written by NumericAnswer.__str__: unsaved model rows, no database.
    q = question(
        "numeric",
        numeric_answers=Related(
            [
                NumericAnswer(value=2000, tolerance=100, fraction=1),
                NumericAnswer(low=120, high=140, fraction=1),
                NumericAnswer(value=1, tolerance=0, fraction=0.5),
            ]
        ),
    )

    (row,) = review_rows([(slot(1), q, answer(1, text="2,050"))])

    assert row.yours == ["2,050"]
    # One canonical right answer; the other full-credit form is "also accepted".
    assert row.right == ["2000 ± 100"]
    assert row.also_accepted == ("120–140",)


def test_matching_review_lists_your_matches_and_the_right_ones():
    pairs = [
        SimpleNamespace(pk=1, left="Canada", right="Ottawa"),
        SimpleNamespace(pk=2, left="Italy", right="Rome"),
    ]
    given = [SimpleNamespace(pair_id=1, given="Rome")]
    q = question("matching", pairs=Related(pairs))

    (row,) = review_rows([(slot(1), q, answer(0, matches=given))])

    assert row.yours == ["Canada → Rome"]
    assert row.right == ["Canada → Ottawa", "Italy → Rome"]


def test_review_row_links_to_the_passage_when_the_question_has_a_section():
    calls = []

    def url():
        calls.append(1)
        return "/lessons/reset/#migration"

    section = SimpleNamespace(pk=7, get_absolute_url=url)
    with_section, without, again = review_rows(
        [
            (slot(1), question("true_false", truth=True, section=section), None),
            (slot(2), question("true_false", truth=True), None),
            (slot(3), question("true_false", truth=True, section=section), None),
        ]
    )

    assert with_section.passage_url == again.passage_url == "/lessons/reset/#migration"
    assert without.passage_url == ""
    assert len(calls) == 1  # one reverse() per section, however many questions cite it


def test_short_answer_review_shows_one_canonical_answer_and_few_distinct_others():
    accepted = Related(
        [
            SimpleNamespace(text=text, fraction=fraction)
            for text, fraction in [
                ("202-224-3121", 1),
                ("2022243121", 1),
                ("(202) 224-3121", 1),
                ("202 224 3121", 1),
                ("Capitol switchboard", 1),
                ("the switchboard", 1),
                ("congress", 1),
                ("the Capitol", 1),
                ("senate", 1),
                ("near miss", 0.5),
            ]
        ]
    )
    q = question("short", accepted_answers=accepted)

    (row,) = review_rows([(slot(1), q, answer(0, text="911"))])

    assert row.right == ["202-224-3121"]
    # Forms that differ only by spaces and punctuation are one; at most three others.
    assert row.also_accepted == ("Capitol switchboard", "the switchboard", "congress")


def test_result_breakdown_groups_questions_by_lesson_section():
    lesson = SimpleNamespace(title="L", get_absolute_url=lambda: "/lessons/l/")
    quiz = SimpleNamespace(lesson_id=1, lesson=lesson)
    one = SimpleNamespace(pk=1, heading="Tariffs", get_absolute_url=lambda: "/l/#tariffs")
    two = SimpleNamespace(pk=2, heading="Border", get_absolute_url=lambda: "/l/#border")
    rows = []
    for position, (section, points) in enumerate(
        [(one, 1), (one, 0), (two, 1), (None, 1)], start=1
    ):
        q, a = true_false(points)
        q.section, q.quiz = section, quiz
        rows.extend(review_rows([(slot(position), q, a)]))

    parts = by_part(rows)

    assert [(p.label, p.url, p.correct, p.total, p.percent) for p in parts] == [
        ("Tariffs", "/l/#tariffs", 1, 2, 50),
        ("Border", "/l/#border", 1, 1, 100),
        ("Other questions", "", 1, 1, 100),
    ]


@pytest.mark.parametrize(("percent", "shown"), [(69.6, 69), (70.0, 70), (28.6, 28), (100, 100)])
def test_the_whole_number_score_never_rounds_up_past_a_pass_mark(percent, shown):
    score = Score(points=0, max_points=1, percent=percent, pass_mark=70, answered=1, duration=None)

    assert score.whole_percent == shown
    assert score.passed == (shown >= 70)
