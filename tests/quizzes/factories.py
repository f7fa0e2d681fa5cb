"""factory-boy factories for the quiz engine, and helpers that build a complete question of each
type (a factory alone would give a question with no answer key)."""

import datetime as dt

import factory

from quizzes.models import (
    AcceptedAnswer,
    Answer,
    Attempt,
    Choice,
    MatchPair,
    NumericAnswer,
    Question,
    Quiz,
    Slot,
)
from tests.factories import LessonFactory, LessonSectionFactory

T0 = dt.datetime(2025, 9, 10, 12, 0, tzinfo=dt.UTC)
"""A fixed 'now' for tests that call the services with ``now=``."""


class QuizFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quiz

    lesson = factory.SubFactory(LessonFactory)
    title = factory.Sequence(lambda n: f"Quiz {n}")
    slug = factory.Sequence(lambda n: f"quiz-{n}")
    mode = Quiz.Mode.PRACTICE
    pass_mark = 70
    shuffle_choices = False
    is_published = True

    class Params:
        exam = factory.Trait(mode=Quiz.Mode.EXAM)


class QuestionFactory(factory.django.DjangoModelFactory):
    """A bare question: use the ``*_question`` helpers below for one with its answer key."""

    class Meta:
        model = Question

    quiz = factory.SubFactory(QuizFactory)
    type = Question.Type.SINGLE
    title = factory.Sequence(lambda n: f"Question {n}")
    prompt = factory.Sequence(lambda n: f"What is asked in question number {n}?")
    explanation = factory.Sequence(lambda n: f"Because of reason number {n}.")
    section = factory.SubFactory(
        LessonSectionFactory, lesson=factory.SelfAttribute("..quiz.lesson")
    )
    order = factory.Sequence(lambda n: n)
    is_published = True

    class Params:
        true_false = factory.Trait(
            type=Question.Type.TRUE_FALSE,
            truth=True,
            feedback_right="Right: it is true.",
            feedback_wrong="No: the statement is true.",
        )


class ChoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Choice

    question = factory.SubFactory(QuestionFactory)
    order = factory.Sequence(lambda n: n)
    text = factory.Sequence(lambda n: f"Option {n}")
    fraction = 0
    feedback = ""


class AcceptedAnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AcceptedAnswer

    question = factory.SubFactory(QuestionFactory, type=Question.Type.SHORT)
    text = "Ottawa"
    fraction = 1


class NumericAnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NumericAnswer

    question = factory.SubFactory(QuestionFactory, type=Question.Type.NUMERIC)
    value = 2026
    tolerance = 0
    fraction = 1


class MatchPairFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MatchPair

    question = factory.SubFactory(QuestionFactory, type=Question.Type.MATCHING)
    order = factory.Sequence(lambda n: n)
    left = factory.Sequence(lambda n: f"Left {n}")
    right = factory.Sequence(lambda n: f"Right {n}")


class AttemptFactory(factory.django.DjangoModelFactory):
    """An anonymous attempt with no slots; ``services.start_attempt`` builds a real one."""

    class Meta:
        model = Attempt

    quiz = factory.SubFactory(QuizFactory)
    anonymous_token = factory.Sequence(lambda n: f"token-{n}")
    mode = factory.LazyAttribute(lambda attempt: attempt.quiz.mode)
    seed = 12345
    started_at = T0


class SlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Slot

    attempt = factory.SubFactory(AttemptFactory)
    question = factory.SubFactory(QuestionFactory, quiz=factory.SelfAttribute("..attempt.quiz"))
    position = factory.Sequence(lambda n: n + 1)


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Answer

    attempt = factory.SubFactory(AttemptFactory)
    question = factory.SubFactory(QuestionFactory, quiz=factory.SelfAttribute("..attempt.quiz"))
    points = 1
    is_correct = True
    answered_at = T0


# --- Complete questions, one helper per type ---------------------------------------------


def single_question(quiz: Quiz, **kwargs) -> Question:
    """Four choices, the second one right, each wrong one with its own feedback."""
    question = QuestionFactory(quiz=quiz, type=Question.Type.SINGLE, **kwargs)
    n = question.pk
    for order, (text, fraction) in enumerate(
        [(f"Wrong A{n}", 0), (f"Right B{n}", 1), (f"Wrong C{n}", 0), (f"Wrong D{n}", 0)]
    ):
        ChoiceFactory(
            question=question,
            order=order,
            text=text,
            fraction=fraction,
            feedback=f"Feedback on {text}." if fraction == 0 else "",
        )
    return question


def multiple_question(quiz: Quiz, **kwargs) -> Question:
    """Two right choices at 50% each and two wrong ones at -50%."""
    question = QuestionFactory(quiz=quiz, type=Question.Type.MULTIPLE, **kwargs)
    n = question.pk
    for order, (text, fraction) in enumerate(
        [(f"Half E{n}", 0.5), (f"Half F{n}", 0.5), (f"Minus G{n}", -0.5), (f"Minus H{n}", -0.5)]
    ):
        ChoiceFactory(
            question=question,
            order=order,
            text=text,
            fraction=fraction,
            feedback=f"Feedback on {text}." if fraction < 0 else "",
        )
    return question


def true_false_question(quiz: Quiz, *, truth: bool = True, **kwargs) -> Question:
    return QuestionFactory(quiz=quiz, true_false=True, truth=truth, **kwargs)


def short_question(quiz: Quiz, **kwargs) -> Question:
    question = QuestionFactory(quiz=quiz, type=Question.Type.SHORT, **kwargs)
    AcceptedAnswerFactory(question=question, text="Ottawa", fraction=1)
    AcceptedAnswerFactory(question=question, text="Ottawa, Ontario", fraction=1)
    return question


def numeric_question(quiz: Quiz, *, low=None, high=None, value=2000, tolerance=100, **kwargs):
    """A value with a tolerance, or the range ``low..high`` when both are given."""
    question = QuestionFactory(quiz=quiz, type=Question.Type.NUMERIC, **kwargs)
    if low is not None and high is not None:
        NumericAnswerFactory(question=question, value=None, low=low, high=high)
    else:
        NumericAnswerFactory(question=question, value=value, tolerance=tolerance)
    return question


def matching_question(quiz: Quiz, **kwargs) -> Question:
    question = QuestionFactory(quiz=quiz, type=Question.Type.MATCHING, **kwargs)
    for order, (left, right) in enumerate(
        [("Canada", "Ottawa"), ("Italy", "Rome"), ("Kenya", "Nairobi")]
    ):
        MatchPairFactory(question=question, order=order, left=left, right=right)
    return question


BUILDERS = {
    Question.Type.SINGLE: single_question,
    Question.Type.MULTIPLE: multiple_question,
    Question.Type.TRUE_FALSE: true_false_question,
    Question.Type.SHORT: short_question,
    Question.Type.NUMERIC: numeric_question,
    Question.Type.MATCHING: matching_question,
}


def quiz_with_every_type(**quiz_kwargs) -> Quiz:
    """A published quiz with one complete question of each of the six types, in that order."""
    quiz = QuizFactory(**quiz_kwargs)
    for build in BUILDERS.values():
        build(quiz)
    return quiz


# --- What a learner posts ----------------------------------------------------------------


def right_answer(question: Question) -> dict:
    """Form data answering ``question`` fully right (without ``seq``)."""
    kind = Question.Type
    if question.type == kind.SINGLE:
        return {"choice": next(c.public_id for c in question.choices.all() if c.fraction >= 1)}
    if question.type == kind.MULTIPLE:
        return {"choice": [c.public_id for c in question.choices.all() if c.fraction > 0]}
    if question.type == kind.TRUE_FALSE:
        return {"truth": "true" if question.truth else "false"}
    if question.type == kind.SHORT:
        return {"text": question.accepted_answers.order_by("-fraction", "pk")[0].text}
    if question.type == kind.NUMERIC:
        key = question.numeric_answers.order_by("-fraction", "pk")[0]
        return {"text": f"{key.value if key.value is not None else key.low:g}"}
    return {f"match-{p.pk}": p.right for p in question.pairs.all()}


def wrong_answer(question: Question) -> dict:
    """Form data answering ``question`` with no points (without ``seq``)."""
    kind = Question.Type
    if question.type in (kind.SINGLE, kind.MULTIPLE):
        return {"choice": next(c.public_id for c in question.choices.all() if c.fraction <= 0)}
    if question.type == kind.TRUE_FALSE:
        return {"truth": "false" if question.truth else "true"}
    if question.type == kind.SHORT:
        return {"text": "certainly not this"}
    if question.type == kind.NUMERIC:
        return {"text": "-123456"}
    pairs = list(question.pairs.all())
    # Every left item given the right side of the next pair: all wrong.
    return {f"match-{p.pk}": pairs[(i + 1) % len(pairs)].right for i, p in enumerate(pairs)}


# --- Driving the learner's flow through the test client ----------------------------------

HTMX = {"HX-Request": "true"}


def start_url(quiz: Quiz) -> str:
    return f"/quizzes/{quiz.slug}/start/"


def question_url(attempt: Attempt, position: int) -> str:
    return f"/attempts/{attempt.pk}/questions/{position}/"


def start(client, quiz: Quiz) -> Attempt:
    """POST "Take the full quiz" and return the attempt it started or resumed."""
    response = client.post(start_url(quiz))
    assert response.status_code == 302, response.content
    pk = int(response["Location"].rstrip("/").rsplit("/", 1)[1])
    return Attempt.objects.get(pk=pk)


def slot_at(attempt: Attempt, position: int) -> Slot:
    return attempt.slots.select_related("question").get(position=position)


def answer_data(attempt: Attempt, position: int, *, right: bool = True, **extra) -> dict:
    """What the question page's form posts: the slot's current ``seq`` and an answer."""
    slot = slot_at(attempt, position)
    given = right_answer(slot.question) if right else wrong_answer(slot.question)
    return {"seq": slot.sequence, **given, **extra}
