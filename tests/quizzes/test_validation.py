"""Each rule of ``validate_question``, with the field its message names. No database."""

import pytest

from quizzes.gift import GiftChoice, GiftNumeric, GiftQuestion
from quizzes.validation import Problem, validate_question

RIGHT, WRONG = 1.0, 0.0


def single(*fractions, texts=None):
    texts = texts or [f"Option {i}" for i in range(len(fractions))]
    choices = tuple(GiftChoice(t, f) for t, f in zip(texts, fractions, strict=True))
    return GiftQuestion(type="single", prompt="Pick one.", choices=choices)


def multiple(*fractions):
    choices = tuple(GiftChoice(f"Option {i}", f) for i, f in enumerate(fractions))
    return GiftQuestion(type="multiple", prompt="Pick some.", choices=choices)


def fields(question) -> list[str]:
    return [problem.field for problem in validate_question(question)]


def messages(question) -> str:
    return " | ".join(str(problem) for problem in validate_question(question))


VALID = {
    "single": single(RIGHT, WRONG, WRONG),
    "multiple weighted": multiple(0.5, 0.5, -0.5),
    "multiple flags": multiple(RIGHT, RIGHT, WRONG),
    "multiple weights in thirds": multiple(0.3333333, 0.3333333, 0.3333334, -1),
    "true_false": GiftQuestion(type="true_false", prompt="Is it?", truth=False),
    "short": GiftQuestion(type="short", prompt="Name it.", accepted=(GiftChoice("FOIA", 1),)),
    "numeric value": GiftQuestion(
        type="numeric", prompt="How many?", numeric=(GiftNumeric(value=2000, tolerance=100),)
    ),
    "numeric exact": GiftQuestion(type="numeric", prompt="Year?", numeric=(GiftNumeric(value=3),)),
    "numeric range": GiftQuestion(
        type="numeric", prompt="How many?", numeric=(GiftNumeric(low=120, high=140),)
    ),
    "numeric one-point range": GiftQuestion(
        type="numeric", prompt="How many?", numeric=(GiftNumeric(low=5, high=5),)
    ),
    "matching": GiftQuestion(
        type="matching", prompt="Match.", pairs=(("Canada", "Ottawa"), ("Italy", "Rome"))
    ),
}


@pytest.mark.parametrize("question", VALID.values(), ids=VALID.keys())
def test_a_well_formed_question_has_no_problems(question):
    assert validate_question(question) == []


@pytest.mark.parametrize(
    ("question", "field", "says"),
    [
        (single(WRONG, WRONG, WRONG), "choices", "exactly one choice as correct (found 0)"),
        (single(RIGHT, RIGHT, WRONG), "choices", "exactly one choice as correct (found 2)"),
        (single(0.5, 0.5), "choices", "exactly one choice as correct (found 0)"),
        (single(RIGHT), "choices", "at least two choices"),
        (single(RIGHT, WRONG, texts=["Yes", "  "]), "choices", "Every choice needs text"),
    ],
    ids=["no right choice", "two right choices", "only halves", "one choice", "empty choice"],
)
def test_single_choice_needs_exactly_one_correct_choice(question, field, says):
    assert fields(question) == [field]
    assert says in messages(question)


@pytest.mark.parametrize(
    ("question", "says"),
    [
        (multiple(WRONG, WRONG, -0.5), "Mark at least one choice as correct."),
        (multiple(0.5, 0.25, -0.5), "add up to 75%; make them add up to 100%"),
        (multiple(0.75, 0.5, -1), "add up to 125%; make them add up to 100%"),
        (multiple(RIGHT), "Give at least two choices."),
    ],
    ids=["none correct", "weights under 100", "weights over 100", "one choice"],
)
def test_multiple_response_needs_a_correct_choice_and_weights_adding_up_to_100(question, says):
    assert fields(question) == ["choices"]
    assert says in messages(question)


def test_true_false_needs_its_truth():
    question = GiftQuestion(type="true_false", prompt="Is it?", truth=None)

    assert validate_question(question) == [
        Problem("truth", "Say whether the statement is true or false.")
    ]


@pytest.mark.parametrize(
    ("accepted", "says"),
    [
        ((), "Give at least one non-empty accepted answer."),
        ((GiftChoice("  ", 1),), "Give at least one non-empty accepted answer."),
        ((GiftChoice("FOIA", 0.5),), "At least one accepted answer must be worth 100%."),
    ],
    ids=["none", "blank", "none worth 100"],
)
def test_short_answer_needs_a_non_empty_accepted_answer_worth_100(accepted, says):
    question = GiftQuestion(type="short", prompt="Name it.", accepted=accepted)

    assert fields(question) == ["accepted answers"]
    assert says in messages(question)


@pytest.mark.parametrize(
    ("numeric", "says"),
    [
        ((), "Give a value with a tolerance, or a range."),
        ((GiftNumeric(value=10, tolerance=-1),), "Answer 1: the tolerance must be 0 or more."),
        ((GiftNumeric(low=140, high=120),), "Answer 1: the range starts at 140, above its end 120"),
        ((GiftNumeric(low=1),), "Answer 1: give a value, or both ends of a range."),
        ((GiftNumeric(value=5, fraction=0.5),), "At least one answer must be worth 100%."),
        (
            (GiftNumeric(value=5), GiftNumeric(low=9, high=1, fraction=0.5)),
            "Answer 2: the range starts at 9",
        ),
    ],
    ids=["none", "negative tolerance", "reversed range", "half a range", "none 100", "second"],
)
def test_numeric_needs_a_tolerance_of_0_or_more_and_a_range_in_order(numeric, says):
    question = GiftQuestion(type="numeric", prompt="How many?", numeric=numeric)

    assert fields(question) == ["numeric answers"]
    assert says in messages(question)


@pytest.mark.parametrize(
    ("pairs", "says"),
    [
        ((("Canada", "Ottawa"),), "Give at least two pairs to match."),
        ((("Canada", "Ottawa"), ("Italy", " ")), "Fill in both sides of every pair."),
        ((("Canada", "Ottawa"), ("", "Rome")), "Fill in both sides of every pair."),
        ((("Canada", "Ottawa"), ("canada ", "Rome")), "Each left-hand item may appear only once."),
    ],
    ids=["one pair", "empty right", "empty left", "repeated left"],
)
def test_matching_needs_two_pairs_both_sides_and_distinct_left_items(pairs, says):
    question = GiftQuestion(type="matching", prompt="Match.", pairs=pairs)

    assert fields(question) == ["pairs"]
    assert says in messages(question)


def test_matching_may_repeat_a_right_item():
    pairs = (
        ("Heroin", "Grown in Mexico"),
        ("Marijuana", "Grown in Mexico"),
        ("Cocaine", "Transit"),
    )

    assert validate_question(GiftQuestion(type="matching", prompt="Match.", pairs=pairs)) == []


def test_every_type_needs_a_prompt():
    for question in VALID.values():
        blank = GiftQuestion(**{**question.__dict__, "prompt": "  "})
        assert fields(blank) == ["prompt"]


def test_an_unknown_type_is_named():
    question = GiftQuestion(type="essay", prompt="Discuss.")

    assert validate_question(question) == [Problem("type", "Unknown question type 'essay'.")]


def test_a_problem_reads_field_first():
    assert str(Problem("truth", "Say so.")) == "truth: Say so."
