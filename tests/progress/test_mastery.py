"""The mastery rule (quizzes/mastery.py): plain values, no database, every boundary."""

import datetime as dt
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from civics.progress.mastery import AnswerFact, Level, topic_mastery

MONDAY = dt.datetime(2025, 9, 8, 10, 0, tzinfo=dt.UTC)
TUESDAY = MONDAY + dt.timedelta(days=1)
NOW = MONDAY + dt.timedelta(days=7)


def facts(points: list[float], *, at: dt.datetime = MONDAY, first_id: int = 1) -> list[AnswerFact]:
    """One answer per question, question ids counting up from ``first_id``."""
    return [AnswerFact(first_id + i, p, at) for i, p in enumerate(points)]


def level(answers, total: int, now: dt.datetime = NOW) -> Level:
    return topic_mastery(answers, question_total=total, now=now).level


# --- Not started and attempted -----------------------------------------------------------


def test_no_answers_is_not_started():
    result = topic_mastery([], question_total=10, now=NOW)

    assert result.level == Level.NOT_STARTED
    assert (result.coverage, result.accuracy, result.answered, result.total) == (0, 0, 0, 10)


def test_a_topic_without_questions_is_not_started_whatever_was_answered():
    assert level(facts([1, 1]), total=0) == Level.NOT_STARTED


def test_one_wrong_answer_is_attempted():
    assert level(facts([0]), total=10) == Level.ATTEMPTED


# --- Familiar: coverage >= 50 % and accuracy >= 60 % -------------------------------------


def test_exactly_50_percent_coverage_and_60_percent_accuracy_is_familiar():
    result = topic_mastery(facts([1, 1, 1, 0, 0]), question_total=10, now=NOW)

    assert result.level == Level.FAMILIAR
    assert (result.coverage, result.accuracy) == (0.5, 0.6)


def test_coverage_just_below_50_percent_is_attempted():
    assert level(facts([1] * 49), total=100) == Level.ATTEMPTED
    assert level(facts([1] * 50), total=100) == Level.FAMILIAR


def test_accuracy_just_below_60_percent_is_attempted():
    # 100 answers of 100 questions: 59 right is 59 %, 60 right is 60 %.
    assert level(facts([1] * 59 + [0] * 41), total=100) == Level.ATTEMPTED
    assert level(facts([1] * 60 + [0] * 40), total=100) == Level.FAMILIAR


# --- Proficient: coverage >= 80 % and accuracy >= 80 % -----------------------------------


def test_exactly_80_percent_coverage_and_80_percent_accuracy_is_proficient():
    result = topic_mastery(facts([1] * 16 + [0] * 4), question_total=25, now=NOW)

    assert (result.coverage, result.accuracy, result.level) == (0.8, 0.8, Level.PROFICIENT)


def test_coverage_just_below_80_percent_is_familiar():
    assert level(facts([1] * 79), total=100) == Level.FAMILIAR
    assert level(facts([1] * 80), total=100) == Level.PROFICIENT


def test_accuracy_just_below_80_percent_is_familiar():
    assert level(facts([1] * 79 + [0] * 21), total=100) == Level.FAMILIAR
    assert level(facts([1] * 80 + [0] * 20), total=100) == Level.PROFICIENT


def test_floating_point_rounding_on_the_bar_does_not_drop_a_level():
    # Ten answers worth 0.8 each sum to 7.999999999999999 in floating point.
    assert sum([0.8] * 10) / 10 < 0.8
    assert level(facts([0.8] * 10), total=10) == Level.PROFICIENT


# --- Mastered: coverage 100 %, accuracy >= 90 %, and a later day -------------------------


def test_everything_right_on_the_first_day_is_only_proficient():
    assert level(facts([1] * 10), total=10) == Level.PROFICIENT


def test_everything_right_and_answered_again_on_a_later_day_is_mastered():
    answers = facts([1] * 10) + [AnswerFact(1, 1, TUESDAY)]

    assert level(answers, total=10) == Level.MASTERED


def test_a_later_answer_on_the_same_day_is_not_enough_for_mastered():
    answers = facts([1] * 10) + [AnswerFact(1, 1, MONDAY.replace(hour=23, minute=59))]

    assert level(answers, total=10) == Level.PROFICIENT


def test_exactly_90_percent_accuracy_over_two_days_is_mastered():
    answers = facts([1] * 9 + [0]) + [AnswerFact(1, 1, TUESDAY)]

    assert level(answers, total=10) == Level.MASTERED


def test_accuracy_just_below_90_percent_over_two_days_is_proficient():
    answers = facts([1] * 89 + [0] * 11) + [AnswerFact(1, 1, TUESDAY)]
    assert level(answers, total=100) == Level.PROFICIENT

    answers = facts([1] * 90 + [0] * 10) + [AnswerFact(1, 1, TUESDAY)]
    assert level(answers, total=100) == Level.MASTERED


def test_one_question_never_answered_is_not_mastered():
    answers = facts([1] * 9) + [AnswerFact(1, 1, TUESDAY)]

    assert level(answers, total=10) == Level.PROFICIENT


# --- Which answers count -----------------------------------------------------------------


def test_the_latest_answer_to_a_question_replaces_an_older_mistake():
    answers = [AnswerFact(1, 0, MONDAY), AnswerFact(1, 1, TUESDAY), AnswerFact(2, 1, MONDAY)]

    result = topic_mastery(answers, question_total=2, now=NOW)

    assert (result.answered, result.accuracy, result.level) == (2, 1.0, Level.MASTERED)


def test_the_latest_answer_replaces_an_older_right_one_too():
    answers = [AnswerFact(1, 1, MONDAY), AnswerFact(1, 0, TUESDAY), AnswerFact(2, 1, MONDAY)]

    result = topic_mastery(answers, question_total=2, now=NOW)

    assert (result.accuracy, result.level) == (0.5, Level.ATTEMPTED)


def test_the_order_of_the_answers_given_does_not_matter():
    answers = [AnswerFact(1, 1, TUESDAY), AnswerFact(1, 0, MONDAY), AnswerFact(2, 1, MONDAY)]

    assert topic_mastery(answers, question_total=2, now=NOW).accuracy == 1.0


def test_answers_dated_in_the_future_are_ignored():
    later = NOW + dt.timedelta(seconds=1)

    assert level([AnswerFact(1, 1, later)], total=1) == Level.NOT_STARTED
    # Nor does a future answer replace a past one, or count as "a later day".
    answers = facts([1, 0]) + [AnswerFact(2, 1, later)]
    assert topic_mastery(answers, question_total=2, now=NOW).accuracy == 0.5
    assert level(facts([1, 1]) + [AnswerFact(1, 1, later)], total=2) == Level.PROFICIENT


def test_an_answer_given_exactly_now_counts():
    assert level([AnswerFact(1, 1, NOW)], total=1) == Level.PROFICIENT


def test_points_outside_0_to_1_are_clamped():
    result = topic_mastery(facts([1.5, -0.5]), question_total=2, now=NOW)

    assert result.accuracy == 0.5


def test_more_questions_answered_than_the_topic_has_now_caps_coverage_at_100_percent():
    # A question was unpublished after the learner answered it.
    result = topic_mastery(facts([1, 1, 1]), question_total=2, now=NOW)

    assert (result.answered, result.coverage) == (2, 1.0)


# --- The README's worked examples (topic of 10 questions) --------------------------------


def test_readme_worked_examples():
    assert level(facts([1, 1, 1]), total=10) == Level.ATTEMPTED
    assert level(facts([1, 1, 1, 0, 0]), total=10) == Level.FAMILIAR
    assert level(facts([1] * 7 + [0.5]), total=10) == Level.PROFICIENT
    monday = facts([1] * 10)
    assert level(monday, total=10) == Level.PROFICIENT
    mastered = monday + [AnswerFact(4, 1, TUESDAY)]
    assert level(mastered, total=10) == Level.MASTERED
    two_wrong = mastered + [AnswerFact(1, 0, TUESDAY), AnswerFact(2, 0, TUESDAY)]
    assert level(two_wrong, total=10) == Level.PROFICIENT


def test_levels_have_labels_and_slugs_in_order():
    assert [lvl.label for lvl in Level] == [
        "Not started",
        "Attempted",
        "Familiar",
        "Proficient",
        "Mastered",
    ]
    assert Level.NOT_STARTED.slug == "not-started"
    assert sorted(Level) == list(Level)


# --- Against an exact oracle -------------------------------------------------------------

QUARTERS = st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0])  # exact in binary floating point


def oracle(latest: dict[int, float], total: int) -> Level:
    """The README's table in exact arithmetic for answers all given on one day (so never
    mastered); ``latest`` maps question -> points."""
    if not latest:
        return Level.NOT_STARTED
    coverage = Fraction(min(len(latest), total), total)
    accuracy = sum(Fraction(p) for p in latest.values()) / len(latest)
    result = Level.ATTEMPTED
    if coverage >= Fraction(1, 2) and accuracy >= Fraction(3, 5):
        result = Level.FAMILIAR
    if coverage >= Fraction(4, 5) and accuracy >= Fraction(4, 5):
        result = Level.PROFICIENT
    return result


@given(total=st.integers(1, 12), data=st.data())
def test_the_level_matches_the_rule_in_exact_arithmetic(total, data):
    answered = data.draw(st.lists(st.integers(1, total), unique=True))
    points = {q: data.draw(QUARTERS) for q in answered}
    answers = [AnswerFact(q, p, MONDAY) for q, p in points.items()]
    expected = oracle(points, total)

    assert level(answers, total=total) == expected  # all on one day: never mastered
    if (
        expected == Level.PROFICIENT
        and len(points) == total
        and sum(points.values()) >= 0.9 * total
    ):
        again = answers + [AnswerFact(answered[0], points[answered[0]], TUESDAY)]
        assert level(again, total=total) == Level.MASTERED
