"""Validation in the question admin: a question that breaks its type's rules is kept as a draft
with a message naming the field, and the bulk publish action refuses it. The rules live in one
function, ``quizzes.validation.validate_question``, which the admin, GIFT import and
``load_seeds`` all call."""

import io

import pytest
from django.core.management import CommandError, call_command

from quizzes import gift_io, packs, validation
from quizzes.models import Question, Quiz
from quizzes.validation import Problem
from tests.factories import LessonSectionFactory

from .factories import (
    ChoiceFactory,
    QuestionFactory,
    QuizFactory,
    matching_question,
    numeric_question,
    short_question,
    single_question,
    true_false_question,
)

pytestmark = pytest.mark.django_db

ADD = "/admin/quizzes/question/add/"
DRAFTED = "The question was saved as a draft until it is fixed."


def inline(prefix: str, rows=(), initial: int = 0) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{name}": value for name, value in row.items()})
    return data


def choice(text, fraction, feedback=""):
    return {"order": "0", "text": text, "fraction": str(fraction), "feedback": feedback}


def accepted(text, fraction=1):
    return {"text": text, "fraction": str(fraction), "feedback": ""}


def numeric(value="", tolerance="0", low="", high="", fraction=1):
    return {
        "value": str(value),
        "tolerance": str(tolerance),
        "low": str(low),
        "high": str(high),
        "fraction": str(fraction),
        "feedback": "",
    }


def pair(left, right):
    return {"order": "0", "left": left, "right": right}


def question_form(
    quiz: Quiz,
    type: str,
    *,
    published: bool = True,
    truth: str = "unknown",
    choices=(),
    accepted=(),
    numeric=(),
    pairs=(),
    **fields,
) -> dict:
    """What the question add page posts."""
    data = {
        "quiz": str(quiz.pk),
        "type": type,
        "title": f"A {type} question",
        "prompt": "What does the law say?",
        "section": "",
        "order": "1",
        "truth": truth,
        "feedback_right": "",
        "feedback_wrong": "",
        "explanation": "",
        **inline("choices", choices),
        **inline("accepted_answers", accepted),
        **inline("numeric_answers", numeric),
        **inline("pairs", pairs),
        "_save": "Save",
        **fields,
    }
    if published:
        data["is_published"] = "on"
    return data


def messages_of(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


VALID = {
    "single": {"choices": [choice("Ottawa", 1), choice("Toronto", 0, "Bigger, not the capital.")]},
    "multiple": {
        "choices": [choice("Senate", 0.5), choice("House", 0.5), choice("Court", -1)],
    },
    "true_false": {"truth": "true"},
    "short": {"accepted": [accepted("Ottawa"), accepted("Bytown", 0.5)]},
    "numeric": {
        "numeric": [numeric(value=2000, tolerance=100), numeric(low=1, high=2, fraction=0.5)]
    },
    "matching": {"pairs": [pair("Canada", "Ottawa"), pair("Kenya", "Nairobi")]},
}

INVALID = [
    (
        "single",
        {"choices": [choice("A", 1), choice("B", 1)]},
        "choices: Mark exactly one choice as correct (found 2)",
    ),
    (
        "single",
        {"choices": [choice("A", 0), choice("B", 0)]},
        "choices: Mark exactly one choice as correct (found 0)",
    ),
    ("single", {"choices": [choice("Only", 1)]}, "choices: Give at least two choices."),
    (
        "multiple",
        {"choices": [choice("A", 0), choice("B", 0)]},
        "choices: Mark at least one choice as correct.",
    ),
    (
        "multiple",
        {"choices": [choice("A", 0.5), choice("B", 0.3), choice("C", -1)]},
        "choices: The positive weights add up to 80%; make them add up to 100%.",
    ),
    ("true_false", {"truth": "unknown"}, "truth: Say whether the statement is true or false."),
    ("short", {}, "accepted answers: Give at least one non-empty accepted answer."),
    (
        "short",
        {"accepted": [accepted("Ottawa", 0.5)]},
        "accepted answers: At least one accepted answer must be worth 100%.",
    ),
    ("numeric", {}, "numeric answers: Give a value with a tolerance, or a range."),
    (
        "numeric",
        {"numeric": [numeric(value=5, fraction=0.5)]},
        "numeric answers: At least one answer must be worth 100%.",
    ),
    ("matching", {"pairs": [pair("Canada", "Ottawa")]}, "pairs: Give at least two pairs to match."),
    (
        "matching",
        {"pairs": [pair("Canada", "Ottawa"), pair(" canada", "Toronto")]},
        "pairs: Each left-hand item may appear only once.",
    ),
]


@pytest.mark.parametrize("type", VALID)
def test_a_valid_question_of_each_type_is_saved_published_without_complaint(educator_client, type):
    quiz = QuizFactory()

    response = educator_client.post(ADD, question_form(quiz, type, **VALID[type]))

    assert response.status_code == 302, response.content.decode()[:3000]
    question = Question.objects.get(quiz=quiz)
    assert question.type == type
    assert question.is_published
    said = messages_of(response)
    assert not [m for m in said if "Not publishable" in m or m == DRAFTED]


@pytest.mark.parametrize(
    ("type", "answers", "problem"), INVALID, ids=[f"{t}: {p[:40]}" for t, _, p in INVALID]
)
def test_an_invalid_question_checked_published_is_saved_as_a_draft_naming_the_field(
    educator_client, type, answers, problem
):
    quiz = QuizFactory()

    response = educator_client.post(ADD, question_form(quiz, type, **answers))

    assert response.status_code == 302, response.content.decode()[:3000]
    question = Question.objects.get(quiz=quiz)
    assert not question.is_published
    said = messages_of(response)
    assert any(m.startswith(f"Not publishable — {problem}") for m in said), said
    assert DRAFTED in said


def test_an_invalid_draft_is_saved_as_a_draft_with_the_same_advice(educator_client):
    quiz = QuizFactory()

    response = educator_client.post(ADD, question_form(quiz, "matching", published=False))

    assert response.status_code == 302
    assert not Question.objects.get(quiz=quiz).is_published
    assert "Not publishable — pairs: Give at least two pairs to match." in messages_of(response)


def test_a_numeric_range_that_ends_below_its_start_is_refused_by_the_form_and_nothing_saved(
    educator_client,
):
    quiz = QuizFactory()

    response = educator_client.post(
        ADD, question_form(quiz, "numeric", numeric=[numeric(low=10, high=1)])
    )

    assert response.status_code == 200  # the form again, with the error
    assert not Question.objects.filter(quiz=quiz).exists()


def test_a_published_question_edited_into_an_invalid_one_goes_back_to_draft(educator_client):
    question = single_question(QuizFactory())
    choices = list(question.choices.all())
    rows = [{"id": str(c.pk), "question": str(question.pk), **choice(c.text, 0)} for c in choices]

    response = educator_client.post(
        f"/admin/quizzes/question/{question.pk}/change/",
        question_form(
            question.quiz,
            "single",
            title=question.title,
            prompt=question.prompt,
            **inline("choices", rows, initial=len(rows)),
        ),
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    question.refresh_from_db()
    assert not question.is_published
    assert set(question.choices.values_list("fraction", flat=True)) == {0.0}
    assert any("Mark exactly one choice as correct (found 0)" in m for m in messages_of(response))


def test_deleting_the_right_choice_inline_unpublishes_the_question(educator_client):
    question = single_question(QuizFactory())
    rows = [
        {"id": str(c.pk), "question": str(question.pk), **choice(c.text, c.fraction)}
        | ({"DELETE": "on"} if c.fraction == 1 else {})
        for c in question.choices.all()
    ]

    response = educator_client.post(
        f"/admin/quizzes/question/{question.pk}/change/",
        question_form(
            question.quiz,
            "single",
            title=question.title,
            prompt=question.prompt,
            **inline("choices", rows, initial=len(rows)),
        ),
    )

    assert response.status_code == 302
    question.refresh_from_db()
    assert question.choices.count() == 3
    assert not question.is_published


def test_the_question_change_page_cannot_publish_an_invalid_question(educator_client):
    question = QuestionFactory(type="single", is_published=False)
    ChoiceFactory(question=question, text="A", fraction=1)
    ChoiceFactory(question=question, text="B", fraction=1)
    rows = [
        {"id": str(c.pk), "question": str(question.pk), **choice(c.text, c.fraction)}
        for c in question.choices.all()
    ]

    educator_client.post(
        f"/admin/quizzes/question/{question.pk}/change/",
        question_form(
            question.quiz,
            "single",
            title=question.title,
            prompt=question.prompt,
            **inline("choices", rows, initial=2),
        ),
    )

    question.refresh_from_db()
    assert not question.is_published


# --- Bulk publish ---------------------------------------------------------------------------


def publish(client, questions) -> list[str]:
    response = client.post(
        "/admin/quizzes/question/",
        {"action": "publish", "_selected_action": [q.pk for q in questions], "index": "0"},
    )
    assert response.status_code == 302
    return messages_of(response)


def test_bulk_publish_publishes_valid_questions_and_refuses_invalid_ones_by_name(
    educator_client,
):
    quiz = QuizFactory()
    valid = [
        single_question(quiz, is_published=False),
        true_false_question(quiz, is_published=False),
        short_question(quiz, is_published=False),
        numeric_question(quiz, is_published=False),
        matching_question(quiz, is_published=False),
    ]
    no_truth = QuestionFactory(
        quiz=quiz, type="true_false", truth=None, title="No truth", is_published=False
    )
    one_pair = QuestionFactory(quiz=quiz, type="matching", title="One pair", is_published=False)
    one_pair.pairs.create(left="Canada", right="Ottawa")

    said = publish(educator_client, [*valid, no_truth, one_pair])

    assert set(Question.objects.filter(is_published=True)) == set(valid)
    assert "Published 5 question(s)." in said
    assert "Not published — “No truth”: truth: Say whether the statement is true or false." in said
    assert "Not published — “One pair”: pairs: Give at least two pairs to match." in said


def test_bulk_publish_of_only_invalid_questions_publishes_none(educator_client):
    empty_short = QuestionFactory(type="short", title="Nothing accepted", is_published=False)

    said = publish(educator_client, [empty_short])

    empty_short.refresh_from_db()
    assert not empty_short.is_published
    assert "Published 0 question(s)." in said
    assert any("Nothing accepted" in m and "accepted answers:" in m for m in said)


def test_the_quiz_page_cannot_publish_an_invalid_question_through_its_inline(educator_client):
    """The quiz page lists its questions with a "published" box: the same rule must apply."""
    quiz = QuizFactory()
    invalid = QuestionFactory(
        quiz=quiz, type="true_false", truth=None, title="No truth", is_published=False
    )
    data = {
        "lesson": str(quiz.lesson_id),
        "title": quiz.title,
        "slug": quiz.slug,
        "mode": quiz.mode,
        "pass_mark": str(quiz.pass_mark),
        "shuffle_choices": "on",
        "is_published": "on",
        "question_count": "",
        "time_limit_minutes": "",
        "attempt_limit": "",
        **inline(
            "questions",
            [
                {
                    "id": str(invalid.pk),
                    "quiz": str(quiz.pk),
                    "order": str(invalid.order),
                    "is_published": "on",
                }
            ],
            initial=1,
        ),
        "_save": "Save",
    }

    response = educator_client.post(f"/admin/quizzes/quiz/{quiz.pk}/change/", data)

    assert response.status_code in (200, 302)
    invalid.refresh_from_db()
    assert not invalid.is_published, "an invalid question was published from the quiz page"


# --- One validation function for every path ----------------------------------------------------


def test_the_admin_gift_import_and_seed_packs_hold_the_same_validation_function():
    assert gift_io.validate_question is validation.validate_question
    assert packs.validate_question is validation.validate_question


@pytest.fixture
def spy(monkeypatch):
    """Replace validate_question everywhere it is looked up with one that refuses everything."""
    calls = []

    def refuse(question):
        calls.append(question)
        return [Problem("prompt", "Refused by the spy.")]

    for module in (validation, gift_io, packs):
        monkeypatch.setattr(module, "validate_question", refuse)
    return calls


GIFT = "::Capital:: What is the capital of Canada? {=Ottawa ~Toronto}\n"


def test_saving_in_the_admin_asks_the_validation_function(educator_client, spy):
    quiz = QuizFactory()

    response = educator_client.post(ADD, question_form(quiz, "single", **VALID["single"]))

    assert not Question.objects.get(quiz=quiz).is_published
    assert "Not publishable — prompt: Refused by the spy." in messages_of(response)
    assert [q.prompt for q in spy] == ["What does the law say?"]
    assert [c.text for c in spy[0].choices] == ["Ottawa", "Toronto"]


def test_bulk_publish_asks_the_validation_function(educator_client, spy):
    question = single_question(QuizFactory(), is_published=False)

    said = publish(educator_client, [question])

    question.refresh_from_db()
    assert not question.is_published
    assert any("Refused by the spy." in m for m in said)
    assert [q.prompt for q in spy] == [question.prompt]


def test_gift_import_asks_the_validation_function(spy):
    quiz = QuizFactory()

    with pytest.raises(gift_io.GiftImportError, match="Refused by the spy"):
        gift_io.check_gift(GIFT, quiz=quiz, skip_unsupported=False)

    assert [q.title for q in spy] == ["Capital"]


def test_the_import_gift_command_asks_the_validation_function(spy, tmp_path):
    quiz = QuizFactory()
    path = tmp_path / "one.gift"
    path.write_text(GIFT, encoding="utf-8")

    with pytest.raises(CommandError, match="Refused by the spy"):
        call_command("import_gift", str(path), quiz=quiz.slug, stdout=io.StringIO())

    assert not quiz.questions.exists()
    assert len(spy) == 1


def test_load_seeds_asks_the_validation_function(spy):
    with pytest.raises(CommandError, match="Refused by the spy"):
        call_command("load_seeds", stdout=io.StringIO())

    assert not Quiz.objects.exists()
    assert spy  # the first seed question was asked about, and stopped the load


def test_a_section_of_another_lesson_keeps_the_question_a_draft(educator_client):
    """ "Read the passage" must open this quiz's lesson: a foreign section is a problem."""
    quiz = QuizFactory()
    foreign = LessonSectionFactory(heading="Elsewhere")
    response = educator_client.post(
        "/admin/quizzes/question/add/",
        question_form(
            quiz,
            "single",
            section=str(foreign.pk),
            choices=[choice("Right", 1), choice("Wrong", 0)],
        ),
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    question = Question.objects.get(quiz=quiz)
    assert not question.is_published
    assert any("section: Choose a section of this quiz" in m for m in messages_of(response))


def test_the_question_page_offers_only_its_own_lessons_sections(educator_client):
    question = single_question(QuizFactory())
    own = LessonSectionFactory(lesson=question.quiz.lesson, heading="Own passage")
    other = LessonSectionFactory(heading="Other lesson passage")

    page = educator_client.get(f"/admin/quizzes/question/{question.pk}/change/").content.decode()

    assert f'<option value="{own.pk}"' in page
    assert f'<option value="{other.pk}"' not in page
