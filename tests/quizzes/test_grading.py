"""Grading rules, one question type at a time; no database, no Django."""

import math
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizzes.grading import (
    AcceptedAnswer,
    ChoiceKey,
    MatchPair,
    NumericAnswer,
    Outcome,
    grade_matching,
    grade_multiple,
    grade_numeric,
    grade_short,
    grade_single,
    grade_true_false,
    normalize_text,
    parse_number,
    score_percent,
)


@pytest.fixture(autouse=True)
def _plain_static_storage():
    """Shadow the Django-settings fixture of tests/conftest.py: these tests never load Django."""


def assert_outcome(outcome: Outcome, fraction: float) -> None:
    assert outcome.fraction == pytest.approx(fraction)
    assert outcome.correct is (fraction == 1.0)


# Single choice -----------------------------------------------------------------------------------

SINGLE = (ChoiceKey(1, 1.0), ChoiceKey(2, 0.0), ChoiceKey(3, 0.5), ChoiceKey(4, -0.5))


def test_single_right_choice_is_full_marks():
    assert grade_single(SINGLE, 1) == Outcome(1.0, True)


def test_single_wrong_choice_scores_zero():
    assert grade_single(SINGLE, 2) == Outcome(0.0, False)


def test_single_partial_weight_gives_partial_credit():
    assert grade_single(SINGLE, 3) == Outcome(0.5, False)


def test_single_negative_weight_is_clamped_to_zero():
    assert grade_single(SINGLE, 4) == Outcome(0.0, False)


def test_single_no_answer_scores_zero():
    assert grade_single(SINGLE, None) == Outcome(0.0, False)


def test_single_unknown_choice_id_scores_zero():
    assert grade_single(SINGLE, 99) == Outcome(0.0, False)


def test_single_with_no_choices_scores_zero():
    assert grade_single((), 1) == Outcome(0.0, False)


def test_single_weight_above_one_is_clamped():
    assert grade_single((ChoiceKey(1, 1.5),), 1) == Outcome(1.0, True)


# Multiple response, weighted ----------------------------------------------------------------------

# Moodle docs: "What two people are entombed in Grant's tomb?"
WEIGHTED = (
    ChoiceKey(1, -1.0),  # No one
    ChoiceKey(2, 0.5),  # Grant
    ChoiceKey(3, 0.5),  # Grant's wife
    ChoiceKey(4, -1.0),  # Grant's father
)


def test_weighted_both_right_choices_is_full_marks():
    assert grade_multiple(WEIGHTED, {2, 3}) == Outcome(1.0, True)


def test_weighted_one_right_choice_is_half_marks():
    assert grade_multiple(WEIGHTED, [2]) == Outcome(0.5, False)


def test_weighted_right_and_wrong_choice_is_clamped_at_zero():
    assert grade_multiple(WEIGHTED, {2, 1}) == Outcome(0.0, False)


def test_weighted_every_choice_ticked_scores_the_clamped_sum():
    assert grade_multiple(WEIGHTED, {1, 2, 3, 4}) == Outcome(0.0, False)


def test_weighted_every_choice_ticked_with_mild_penalties_keeps_the_positive_sum():
    choices = (ChoiceKey(1, 0.5), ChoiceKey(2, 0.5), ChoiceKey(3, -0.25))
    assert_outcome(grade_multiple(choices, {1, 2, 3}), 0.75)


def test_weighted_nothing_ticked_scores_zero():
    assert grade_multiple(WEIGHTED, set()) == Outcome(0.0, False)


def test_weighted_unknown_id_counts_as_an_unweighted_wrong_pick():
    assert grade_multiple(WEIGHTED, {2, 3, 99}) == Outcome(1.0, True)
    assert grade_multiple(WEIGHTED, {99}) == Outcome(0.0, False)


def test_weighted_duplicate_ids_count_once():
    assert grade_multiple(WEIGHTED, [2, 2, 2]) == Outcome(0.5, False)


def test_weighted_thirds_written_with_five_decimals_reach_full_marks():
    third = 0.3333333
    choices = (ChoiceKey(1, third), ChoiceKey(2, third), ChoiceKey(3, third), ChoiceKey(4, -1))
    assert grade_multiple(choices, {1, 2, 3}) == Outcome(1.0, True)


def test_weighted_zero_weight_choice_neither_helps_nor_hurts():
    choices = (ChoiceKey(1, 0.5), ChoiceKey(2, 0.5), ChoiceKey(3, 0.0))
    assert grade_multiple(choices, {1, 2, 3}) == Outcome(1.0, True)


# Multiple response, flags -------------------------------------------------------------------------

FLAGS = (ChoiceKey(1, 1.0), ChoiceKey(2, 1.0), ChoiceKey(3, 0.0), ChoiceKey(4, 0.0))


def test_flags_all_right_and_nothing_wrong_is_full_marks():
    assert grade_multiple(FLAGS, {1, 2}) == Outcome(1.0, True)


def test_flags_one_of_two_right_is_half_marks():
    assert grade_multiple(FLAGS, {1}) == Outcome(0.5, False)


def test_flags_a_wrong_pick_cancels_a_right_pick():
    assert grade_multiple(FLAGS, {1, 2, 3}) == Outcome(0.5, False)
    assert grade_multiple(FLAGS, {1, 3}) == Outcome(0.0, False)


def test_flags_more_wrong_than_right_is_floored_at_zero():
    assert grade_multiple(FLAGS, {1, 3, 4}) == Outcome(0.0, False)


def test_flags_every_choice_ticked_scores_right_minus_wrong_over_right():
    three_right = (ChoiceKey(1, 1), ChoiceKey(2, 1), ChoiceKey(3, 1), ChoiceKey(4, 0))
    assert_outcome(grade_multiple(three_right, {1, 2, 3, 4}), 2 / 3)
    assert grade_multiple(FLAGS, {1, 2, 3, 4}) == Outcome(0.0, False)


def test_flags_nothing_ticked_scores_zero():
    assert grade_multiple(FLAGS, []) == Outcome(0.0, False)


def test_flags_unknown_id_is_a_wrong_pick():
    assert grade_multiple(FLAGS, {1, 2, 99}) == Outcome(0.5, False)


def test_flags_only_unknown_ids_score_zero():
    assert grade_multiple(FLAGS, {98, 99}) == Outcome(0.0, False)


def test_flags_with_no_right_choice_always_scores_zero():
    assert grade_multiple((ChoiceKey(1, 0), ChoiceKey(2, 0)), {1}) == Outcome(0.0, False)


def test_flags_single_right_choice_does_not_reward_ticking_everything():
    # Weighted grading would give 1 + 0 = full marks here; flags give (1 - 1) / 1.
    choices = (ChoiceKey(1, 1.0), ChoiceKey(2, 0.0))
    assert grade_multiple(choices, {1, 2}) == Outcome(0.0, False)
    assert grade_multiple(choices, {1}) == Outcome(1.0, True)


def test_multiple_with_no_choices_scores_zero():
    assert grade_multiple((), {1}) == Outcome(0.0, False)


# True / false -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("truth", "answer", "expected"),
    [
        (True, True, Outcome(1.0, True)),
        (False, False, Outcome(1.0, True)),
        (True, False, Outcome(0.0, False)),
        (False, True, Outcome(0.0, False)),
        (True, None, Outcome(0.0, False)),
        (False, None, Outcome(0.0, False)),
    ],
)
def test_true_false(truth, answer, expected):
    assert grade_true_false(truth, answer) == expected


# normalize_text / short answer --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("Paris", "paris"),
        ("  PARIS  ", "paris"),
        ("Paris.", "paris"),
        ("¿Qué?", "que"),
        ("Élan   Vital", "elan vital"),
        ("São\tPaulo\n", "sao paulo"),
        ("Straße", "strasse"),
        ("İstanbul", "istanbul"),
        ("ﬁne", "fine"),  # compatibility ligature
        ("U.S.A.", "u.s.a"),
        ('"quoted"', "quoted"),
        ("(a) b", "a) b"),
        ("$5", "$5"),  # symbols are not punctuation
        ("...", ""),
        ("", ""),
    ],
)
def test_normalize_text(raw, normalized):
    assert normalize_text(raw) == normalized


SHORT = (
    AcceptedAnswer("Nazareth"),
    AcceptedAnswer("Nazereth", 0.75),
    AcceptedAnswer("Bethlehem", 0.25),
)


def test_short_exact_answer_is_full_marks():
    assert grade_short(SHORT, "Nazareth") == Outcome(1.0, True)


def test_short_ignores_case_accents_spaces_and_trailing_period():
    assert grade_short(SHORT, "  NAZÁRETH. ") == Outcome(1.0, True)
    accepted = (AcceptedAnswer("New  Delhi"),)
    assert grade_short(accepted, "new\tdelhi") == Outcome(1.0, True)


def test_short_partial_answer_gets_its_fraction():
    assert grade_short(SHORT, "nazereth") == Outcome(0.75, False)
    assert grade_short(SHORT, "Bethlehem") == Outcome(0.25, False)


def test_short_best_matching_fraction_wins():
    accepted = (AcceptedAnswer("four", 0.5), AcceptedAnswer("Four", 1.0))
    assert grade_short(accepted, "four") == Outcome(1.0, True)


def test_short_wrong_answer_scores_zero():
    assert grade_short(SHORT, "Jerusalem") == Outcome(0.0, False)


@pytest.mark.parametrize("blank", ["", "   ", "\n", "..."])
def test_short_empty_answer_scores_zero_even_if_an_accepted_answer_is_blank(blank):
    assert grade_short((AcceptedAnswer(""), AcceptedAnswer("...")), blank) == Outcome(0.0, False)


def test_short_inner_punctuation_still_matters():
    assert grade_short((AcceptedAnswer("U.S.A."),), "USA") == Outcome(0.0, False)


def test_short_with_no_accepted_answers_scores_zero():
    assert grade_short((), "anything") == Outcome(0.0, False)


# Numbers ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "number"),
    [
        ("2000", 2000.0),
        ("1,000", 1000.0),
        (" 2,000 ", 2000.0),
        ("1,234,567.25", 1234567.25),
        ("2000.5", 2000.5),
        ("-3", -3.0),
        ("+3", 3.0),
        ("\u22123", -3.0),  # typographic minus
        (".5", 0.5),
        ("5.", 5.0),
        ("0", 0.0),
    ],
)
def test_parse_number_reads_plain_decimals(raw, number):
    assert parse_number(raw) == number


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "  ",
        "abc",
        "nan",
        "NaN",
        "inf",
        "-infinity",
        "1e3",
        "1_000",
        "1,00",
        "1,0000",
        ",100",
        "1.000,5",
        "1 000",
        "2000 years",
        "--3",
        "0x10",
        "٣",  # non-ASCII digit
        "9" * 400,  # overflows a float
    ],
)
def test_parse_number_rejects_anything_else(raw):
    assert parse_number(raw) is None


YEAR = (NumericAnswer(value=2026),)


def test_numeric_exact_value():
    assert grade_numeric(YEAR, "2026") == Outcome(1.0, True)
    assert grade_numeric(YEAR, "2,026") == Outcome(1.0, True)
    assert grade_numeric(YEAR, "2026.0") == Outcome(1.0, True)
    assert grade_numeric(YEAR, "2025") == Outcome(0.0, False)


def test_numeric_thousands_separators_are_accepted():
    answers = (NumericAnswer(value=2000, tolerance=100),)
    assert grade_numeric(answers, " 2,000 ") == Outcome(1.0, True)


def test_numeric_tolerance_boundaries_are_inclusive():
    answers = (NumericAnswer(value=2000, tolerance=100),)
    assert grade_numeric(answers, "2100").correct
    assert grade_numeric(answers, "1900").correct
    assert not grade_numeric(answers, "2100.001").correct
    assert not grade_numeric(answers, "1899.999").correct


def test_numeric_boundary_survives_float_noise():
    # 0.4 - 0.3 == 0.10000000000000003 in binary floating point.
    answers = (NumericAnswer(value=0.3, tolerance=0.1),)
    assert grade_numeric(answers, "0.4") == Outcome(1.0, True)
    assert grade_numeric(answers, "0.2") == Outcome(1.0, True)
    assert grade_numeric(answers, "0.41") == Outcome(0.0, False)


def test_numeric_range_boundaries_are_inclusive():
    answers = (NumericAnswer(low=120, high=140),)
    assert grade_numeric(answers, "120") == Outcome(1.0, True)
    assert grade_numeric(answers, "140") == Outcome(1.0, True)
    assert grade_numeric(answers, "130.5") == Outcome(1.0, True)
    assert grade_numeric(answers, "119.99") == Outcome(0.0, False)
    assert grade_numeric(answers, "140.01") == Outcome(0.0, False)


def test_numeric_negative_range():
    answers = (NumericAnswer(low=-5, high=-1),)
    assert grade_numeric(answers, "-3").correct
    assert not grade_numeric(answers, "3").correct


def test_numeric_best_fraction_among_matching_answers():
    # Moodle docs: Grant was born in 1822; within 2 years earns half.
    answers = (NumericAnswer(value=1822), NumericAnswer(value=1822, tolerance=2, fraction=0.5))
    assert grade_numeric(answers, "1822") == Outcome(1.0, True)
    assert grade_numeric(answers, "1823") == Outcome(0.5, False)
    assert grade_numeric(answers, "1825") == Outcome(0.0, False)


@pytest.mark.parametrize("garbage", ["", "twenty", "nan", "inf", "1e3", "2026!"])
def test_numeric_unreadable_answer_scores_zero(garbage):
    answers = (NumericAnswer(low=-math.inf, high=math.inf),)
    assert grade_numeric(answers, garbage) == Outcome(0.0, False)


def test_numeric_value_takes_precedence_over_range():
    answers = (NumericAnswer(value=10, low=0, high=100),)
    assert grade_numeric(answers, "10").correct
    assert not grade_numeric(answers, "50").correct


def test_numeric_answer_without_value_or_both_bounds_matches_nothing():
    answers = (NumericAnswer(), NumericAnswer(low=0), NumericAnswer(high=10))
    assert grade_numeric(answers, "5") == Outcome(0.0, False)


def test_numeric_negative_tolerance_acts_as_zero():
    answers = (NumericAnswer(value=10, tolerance=-5),)
    assert grade_numeric(answers, "10").correct
    assert not grade_numeric(answers, "8").correct


def test_numeric_negative_fraction_is_clamped():
    answers = (NumericAnswer(value=10, fraction=-1),)
    assert grade_numeric(answers, "10") == Outcome(0.0, False)


# Matching -----------------------------------------------------------------------------------------

CAPITALS = (
    MatchPair(1, "Canada", "Ottawa"),
    MatchPair(2, "Italy", "Rome"),
    MatchPair(3, "Japan", "Tokyo"),
    MatchPair(4, "India", "New Delhi"),
)
ALL_RIGHT = {1: "Ottawa", 2: "Rome", 3: "Tokyo", 4: "New Delhi"}


def test_matching_all_right_is_full_marks():
    assert grade_matching(CAPITALS, ALL_RIGHT) == Outcome(1.0, True)


def test_matching_compares_normalized_text():
    given = {1: " ottawa ", 2: "ROME", 3: "Tōkyō", 4: "new  delhi."}
    assert grade_matching(CAPITALS, given) == Outcome(1.0, True)


def test_matching_each_pair_is_an_equal_share():
    given = {**ALL_RIGHT, 3: "Rome", 4: "Ottawa"}
    assert grade_matching(CAPITALS, given) == Outcome(0.5, False)


def test_matching_missing_ids_earn_nothing_but_cost_nothing():
    assert grade_matching(CAPITALS, {1: "Ottawa"}) == Outcome(0.25, False)


def test_matching_all_wrong_scores_zero():
    given = {1: "Rome", 2: "Tokyo", 3: "New Delhi", 4: "Ottawa"}
    assert grade_matching(CAPITALS, given) == Outcome(0.0, False)


def test_matching_extra_unknown_keys_are_ignored():
    assert grade_matching(CAPITALS, {**ALL_RIGHT, 99: "Paris"}) == Outcome(1.0, True)


def test_matching_empty_answer_scores_zero():
    assert grade_matching(CAPITALS, {}) == Outcome(0.0, False)


def test_matching_with_no_pairs_scores_zero():
    assert grade_matching((), {1: "x"}) == Outcome(0.0, False)


def test_matching_same_right_side_for_two_pairs():
    pairs = (MatchPair(1, "cat", "meat"), MatchPair(2, "dog", "meat"), MatchPair(3, "cow", "grass"))
    assert grade_matching(pairs, {1: "meat", 2: "meat", 3: "meat"}).fraction == pytest.approx(2 / 3)


# score_percent ------------------------------------------------------------------------------------


def test_score_percent():
    assert score_percent([1, 0.5, 0], 3) == pytest.approx(50.0)
    assert score_percent([1, 1], 3) == pytest.approx(200 / 3)  # not rounded


def test_score_percent_of_nothing_is_zero():
    assert score_percent([], 0) == 0.0
    assert score_percent([1.0], 0) == 0.0
    assert score_percent([], 5) == 0.0


def test_score_percent_accepts_any_iterable():
    assert score_percent((f for f in (1.0, 1.0)), 2) == 100.0


# Properties ---------------------------------------------------------------------------------------

ids = st.integers(min_value=-5, max_value=20)
any_float = st.floats(allow_nan=True, allow_infinity=True)
weights = st.one_of(st.floats(min_value=-1, max_value=1), st.sampled_from([-1.0, 0.0, 0.5, 1.0]))
choice_keys = st.lists(st.builds(ChoiceKey, ids, st.one_of(weights, any_float)), max_size=8)
flag_keys = st.lists(
    st.builds(ChoiceKey, ids, st.sampled_from([0.0, 1.0])), max_size=8, unique_by=lambda c: c.id
)
texts = st.text(max_size=20)
maybe_float = st.none() | any_float


def assert_valid(outcome: Outcome) -> None:
    assert 0.0 <= outcome.fraction <= 1.0
    assert outcome.correct is (outcome.fraction == 1.0)


@given(choice_keys, st.none() | ids)
def test_property_single_fraction_in_range(choices, answer):
    assert_valid(grade_single(choices, answer))


@given(choice_keys, st.lists(ids, max_size=10))
def test_property_multiple_fraction_in_range(choices, answer):
    assert_valid(grade_multiple(choices, answer))


@given(flag_keys, st.sets(ids, min_size=1, max_size=5))
def test_property_flags_exactly_the_right_set_and_nothing_else_is_full_marks(choices, extra):
    right = {c.id for c in choices if c.fraction == 1.0}
    if right:
        assert grade_multiple(choices, right).correct
        assert not grade_multiple(choices, right | (extra - right or {99})).correct


@given(st.booleans(), st.none() | st.booleans())
def test_property_true_false_fraction_in_range(truth, answer):
    assert_valid(grade_true_false(truth, answer))


@given(st.lists(st.builds(AcceptedAnswer, texts, any_float), max_size=5), texts)
def test_property_short_fraction_in_range(accepted, answer):
    assert_valid(grade_short(accepted, answer))


@given(texts)
def test_property_normalize_text_is_idempotent(text):
    assert normalize_text(normalize_text(text)) == normalize_text(text)


@given(st.lists(st.builds(AcceptedAnswer, texts.filter(normalize_text)), min_size=1, max_size=5))
def test_property_every_accepted_answer_earns_full_marks(accepted):
    for answer in accepted:
        assert grade_short(accepted, f" {answer.text}\t").correct


numeric_answers = st.builds(
    NumericAnswer,
    value=maybe_float,
    tolerance=any_float,
    low=maybe_float,
    high=maybe_float,
    fraction=any_float,
)


@given(st.lists(numeric_answers, max_size=5), st.one_of(texts, st.floats().map(str)))
def test_property_numeric_fraction_in_range(answers, answer):
    assert_valid(grade_numeric(answers, answer))


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_property_parse_number_reads_thousands_separated_integers(number):
    assert parse_number(f"{number:,}") == number
    assert parse_number(str(number)) == number


@given(st.floats(allow_nan=False, allow_infinity=False), st.floats(min_value=0, max_value=1e6))
def test_property_numeric_value_is_within_its_own_tolerance(value, tolerance):
    exact = format(Decimal(value), "f")  # the float's exact decimal expansion
    assert grade_numeric((NumericAnswer(value=value, tolerance=tolerance),), exact).correct
    assert grade_numeric((NumericAnswer(low=value, high=value),), exact).correct


@given(st.text(max_size=40))
def test_property_parse_number_gives_a_finite_float_or_none(raw):
    number = parse_number(raw)
    assert number is None or math.isfinite(number)


pair_lists = st.lists(st.builds(MatchPair, ids, texts, texts), max_size=6)


@given(pair_lists, st.dictionaries(ids, texts, max_size=8))
def test_property_matching_fraction_in_range(pairs, answer):
    assert_valid(grade_matching(pairs, answer))


@given(pair_lists)
def test_property_matching_the_key_itself_is_full_marks(pairs):
    unique = list({pair.id: pair for pair in pairs}.values())
    if unique:
        answer = {pair.id: pair.right for pair in unique}
        assert grade_matching(unique, answer).correct
