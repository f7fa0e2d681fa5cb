"""One entry per question type: everything the quiz engine does differently for a type.

Each ``QuestionType`` gathers, for its type, how an answer is graded (delegating to the pure
graders in ``grading``), which answer form fields it takes and how their cleaned data becomes a
``services.Given``, how a given and the right answer read in the review and in a learner's data
export, which rules a well-formed question meets (``validation``) and how it is written as GIFT
(``gift``). Call sites look the entry up with ``question_type(question.type)`` instead of
branching on the type.

Adding a type is one new entry: add the value to ``Question.Type`` (with its migration), its
grader to ``grading``, its GIFT reading to ``gift.parse``, then a ``QuestionType`` subclass here
that fills in the methods below, listed in ``TYPES``. ``tests/quizzes/test_question_types.py``
fails until every ``Question.Type`` has an entry, and while any module outside this one branches
on the type.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from quizzes import gift, grading, validation
from quizzes.models import Question
from quizzes.registry import TYPES, question_type, register  # noqa: F401 — TYPES, question_type: the API

if TYPE_CHECKING:
    from quizzes.forms import AnswerForm
    from quizzes.gift import GiftQuestion
    from quizzes.models import Answer, Attempt
    from quizzes.services import Given
    from quizzes.validation import Problem


@dataclass(frozen=True)
class OptionMark:
    """One option of a choice or true/false question as the feedback marks it in place."""

    text: str
    chosen: bool
    correct: bool


@dataclass(frozen=True)
class ReviewText:
    """How an answer reads in the review: what the learner gave, the one canonical right
    answer (``also_accepted``: a few other forms a typed answer may take, never every variant
    or a weight), the feedback, and for choice types every option marked chosen or correct."""

    yours: tuple[str, ...] = ()
    right: tuple[str, ...] = ()
    feedback: tuple[str, ...] = ()
    also_accepted: tuple[str, ...] = ()
    options: tuple[OptionMark, ...] = ()


ALSO_ACCEPTED_SHOWN = 3
"""At most this many other accepted forms of a typed answer are shown beside the canonical one."""


def _distinct_forms(canonical: str, others) -> tuple[str, ...]:
    """``others`` that differ from ``canonical`` and from each other by more than case, spaces
    and punctuation ("(202) 224-3121" and "2022243121" are one form), at most a few."""

    def key(text: str) -> str:
        return "".join(ch for ch in text.casefold() if ch.isalnum())

    seen, kept = {key(canonical)}, []
    for text in others:
        if key(text) not in seen:
            seen.add(key(text))
            kept.append(text)
    return tuple(kept[:ALSO_ACCEPTED_SHOWN])


_pick_one = {"required": gettext_lazy("Choose an answer before submitting.")}
_pick_some = {"required": gettext_lazy("Tick at least one answer before submitting.")}


class QuestionType:
    """The behaviour of one question type; subclasses fill in every method."""

    type: str
    # The answer's related rows this type stores (prefetched to show it, replaced on change).
    answer_relations: tuple[str, ...] = ()
    # The partial that writes this type's answer fields on the question page.
    answer_template: str = ""
    numeric_input: bool = False  # a typed answer that is a number (the phone's number pad)

    # Answering ----------------------------------------------------------------------------

    def grade(self, question: Question, given: Given) -> grading.Outcome:
        """Grade ``given`` against the stored keys of ``question`` (prefetched)."""
        raise NotImplementedError

    def sample_given(self, question: Question, *, right: bool) -> dict:
        """The fields of a ``Given`` a learner could submit: a right answer to ``question``
        (prefetched), or a wrong one. For demo data (``manage.py load_demo``) and tests."""
        raise NotImplementedError

    def add_fields(self, form: AnswerForm, attempt: Attempt, question: Question) -> None:
        """Add the answer fields to ``form``, accepting only ``question``'s options."""
        raise NotImplementedError

    def given(self, form: AnswerForm, data: dict) -> dict:
        """The ``Given`` fields for a valid form's ``cleaned_data``."""
        raise NotImplementedError

    def initial(self, answer: Answer) -> dict:
        """Form values that show a stored answer again."""
        raise NotImplementedError

    # Showing an answer --------------------------------------------------------------------

    def review(self, question: Question, answer: Answer | None) -> ReviewText:
        """What was given, what was right and the feedback, for the review and results."""
        raise NotImplementedError

    def given_text(self, answer: Answer) -> list[str]:
        """The given answer as plain text parts, for the learner's data export."""
        raise NotImplementedError

    # Authoring ----------------------------------------------------------------------------

    def stored_truth(self, question: Question) -> bool | None:
        """The truth a GIFT description of the stored question carries."""
        return None

    def validate(self, question: GiftQuestion) -> list[Problem]:
        """What is wrong with the type-specific parts of ``question``."""
        raise NotImplementedError

    def check_writable(self, question: GiftQuestion) -> None:
        """Raise ValueError for what GIFT cannot express in this type."""

    def write_gift(self, question: GiftQuestion, head: str, explanation: str) -> str:
        """The GIFT text of ``question`` after its ``head`` (title and prompt)."""
        raise NotImplementedError


class _Choices(QuestionType):
    """Single choice and multiple response: the learner picks among the stored choices."""

    answer_relations = ("choices",)
    answer_template = "quizzes/answer/_options.html"

    def add_fields(self, form, attempt, question):
        form.options = attempt.choice_order(question, list(question.choices.all()))
        form.fields["choice"] = self.field([(c.public_id, c.text) for c in form.options])

    def field(self, choices: list[tuple[str, str]]) -> forms.Field:
        raise NotImplementedError

    def review(self, question, answer):
        chosen = {c.pk for c in answer.choices.all()} if answer else set()
        yours, right, feedback, options = [], [], [], []
        for choice in question.choices.all():
            if choice.pk in chosen:
                yours.append(choice.text)
                if choice.feedback:
                    feedback.append(choice.feedback)
            if choice.fraction > 0:  # every choice that earns credit, never its weight
                right.append(choice.text)
            options.append(OptionMark(choice.text, choice.pk in chosen, choice.fraction > 0))
        return ReviewText(tuple(yours), tuple(right), tuple(feedback), options=tuple(options))

    def given_text(self, answer):
        return [c.text for c in answer.choices.all()]

    @staticmethod
    def keys(question: Question) -> list[grading.ChoiceKey]:
        return [grading.ChoiceKey(c.pk, c.fraction) for c in question.choices.all()]


class SingleChoice(_Choices):
    type = Question.Type.SINGLE

    def grade(self, question, given):
        chosen = given.choice_ids[0] if given.choice_ids else None
        return grading.grade_single(self.keys(question), chosen)

    def field(self, choices):
        return forms.ChoiceField(
            choices=choices, widget=forms.RadioSelect, error_messages=_pick_one
        )

    def given(self, form, data):
        by_id = {c.public_id: c.pk for c in form.options}
        return {"choice_ids": (by_id[data["choice"]],)}

    def initial(self, answer):
        chosen = [c.public_id for c in answer.choices.all()]
        return {"choice": chosen[0]} if chosen else {}

    def validate(self, question):
        return validation.validate_single(question)

    def write_gift(self, question, head, explanation):
        return gift.write_single(question, head, explanation)

    def sample_given(self, question, *, right):
        choices = sorted(question.choices.all(), key=lambda c: -c.fraction)
        pick = choices[0] if right else next((c for c in choices if c.fraction <= 0), choices[-1])
        return {"choice_ids": (pick.pk,)}


class MultipleChoice(_Choices):
    type = Question.Type.MULTIPLE

    def grade(self, question, given):
        return grading.grade_multiple(self.keys(question), set(given.choice_ids))

    def field(self, choices):
        return forms.MultipleChoiceField(
            choices=choices, widget=forms.CheckboxSelectMultiple, error_messages=_pick_some
        )

    def given(self, form, data):
        by_id = {c.public_id: c.pk for c in form.options}
        return {"choice_ids": tuple(sorted(by_id[v] for v in data["choice"]))}

    def initial(self, answer):
        return {"choice": [c.public_id for c in answer.choices.all()]}

    def validate(self, question):
        return validation.validate_multiple(question)

    def write_gift(self, question, head, explanation):
        return gift.write_multiple(question, head, explanation)

    def sample_given(self, question, *, right):
        choices = list(question.choices.all())
        wanted = [c for c in choices if (c.fraction > 0) == right] or choices[:1]
        return {"choice_ids": tuple(sorted(c.pk for c in wanted))}


class TrueFalse(QuestionType):
    type = Question.Type.TRUE_FALSE
    answer_template = "quizzes/answer/_options.html"

    def grade(self, question, given):
        return grading.grade_true_false(bool(question.truth), given.truth)

    def add_fields(self, form, attempt, question):
        form.fields["truth"] = forms.ChoiceField(
            choices=[("true", gettext_lazy("True")), ("false", gettext_lazy("False"))],
            widget=forms.RadioSelect,
            error_messages=_pick_one,
        )

    def given(self, form, data):
        return {"truth": data["truth"] == "true"}

    def initial(self, answer):
        return {"truth": "true" if answer.truth else "false"}

    def review(self, question, answer):
        yours, feedback = (), ()
        given = None if answer is None else answer.truth
        if given is not None:
            yours = (_truth_label(given),)
            wrong = given != question.truth
            text = question.feedback_wrong if wrong else question.feedback_right
            feedback = (text,) if text else ()
        options = tuple(
            OptionMark(_truth_label(value), given is value, bool(question.truth) is value)
            for value in (True, False)
        )
        return ReviewText(yours, (_truth_label(bool(question.truth)),), feedback, options=options)

    def given_text(self, answer):
        return [] if answer.truth is None else ["True" if answer.truth else "False"]

    def stored_truth(self, question):
        return question.truth

    def validate(self, question):
        return validation.validate_true_false(question)

    def write_gift(self, question, head, explanation):
        return gift.write_true_false(question, head, explanation)

    def sample_given(self, question, *, right):
        return {"truth": bool(question.truth) == right}


def _truth_label(value: bool) -> str:
    return _("True") if value else _("False")


class _Typed(QuestionType):
    """Short answer and numeric: the learner types the answer."""

    answer_template = "quizzes/answer/_text.html"

    def add_fields(self, form, attempt, question):
        form.fields["text"] = forms.CharField(
            max_length=200,
            strip=True,
            error_messages={"required": gettext_lazy("Type your answer before submitting.")},
        )

    def given(self, form, data):
        return {"text": data["text"]}

    def initial(self, answer):
        return {"text": answer.text}

    def given_text(self, answer):
        return [answer.text] if answer.text else []


class ShortAnswer(_Typed):
    type = Question.Type.SHORT

    def grade(self, question, given):
        accepted = [
            grading.AcceptedAnswer(a.text, a.fraction) for a in question.accepted_answers.all()
        ]
        return grading.grade_short(accepted, given.text)

    def review(self, question, answer):
        full = [a.text for a in question.accepted_answers.all() if a.fraction >= 1]
        accepted = full or [a.text for a in question.accepted_answers.all()]
        yours = (answer.text,) if answer is not None else ()
        if not accepted:
            return ReviewText(yours)
        return ReviewText(
            yours, (accepted[0],), also_accepted=_distinct_forms(accepted[0], accepted[1:])
        )

    def validate(self, question):
        return validation.validate_short(question)

    def check_writable(self, question):
        gift.check_short_writable(question)

    def write_gift(self, question, head, explanation):
        return gift.write_short(question, head, explanation)

    def sample_given(self, question, *, right):
        accepted = sorted(question.accepted_answers.all(), key=lambda a: -a.fraction)
        return {"text": accepted[0].text if right and accepted else "not sure"}


class Numeric(_Typed):
    type = Question.Type.NUMERIC
    numeric_input = True

    def grade(self, question, given):
        answers = [
            grading.NumericAnswer(
                value=n.value, tolerance=n.tolerance, low=n.low, high=n.high, fraction=n.fraction
            )
            for n in question.numeric_answers.all()
        ]
        return grading.grade_numeric(answers, given.text)

    def review(self, question, answer):
        full = [str(n) for n in question.numeric_answers.all() if n.fraction >= 1]
        yours = (answer.text,) if answer is not None else ()
        if not full:
            return ReviewText(yours)
        return ReviewText(yours, (full[0],), also_accepted=_distinct_forms(full[0], full[1:]))

    def validate(self, question):
        return validation.validate_numeric(question)

    def check_writable(self, question):
        gift.check_numeric_writable(question)

    def write_gift(self, question, head, explanation):
        return gift.write_numeric(question, head, explanation)

    def sample_given(self, question, *, right):
        key = max(question.numeric_answers.all(), key=lambda n: n.fraction)
        value = key.value if key.value is not None else key.low
        if not right:
            value = abs(value) * 10 + 1000
        return {"text": f"{value:g}"}


class Matching(QuestionType):
    type = Question.Type.MATCHING
    answer_relations = ("matches",)
    answer_template = "quizzes/answer/_matching.html"

    def grade(self, question, given):
        pairs = [grading.MatchPair(p.pk, p.left, p.right) for p in question.pairs.all()]
        return grading.grade_matching(pairs, dict(given.matches))

    def add_fields(self, form, attempt, question):
        pairs = list(question.pairs.all())
        # Shuffled with a stream of their own: with the pairs' stream, the k-th option
        # would always be the k-th pair's answer.
        rights = attempt.choice_order(question, sorted({p.right for p in pairs}), salt="rights")
        form.match_fields = []
        for pair in attempt.choice_order(question, pairs):
            name = f"match-{pair.pk}"
            form.fields[name] = forms.ChoiceField(
                label=pair.left,
                choices=[("", _("Choose…"))] + [(r, r) for r in rights],
                error_messages={
                    "required": _("Choose a match for “%(item)s”.") % {"item": pair.left}
                },
            )
            form.match_fields.append((pair, name))

    def given(self, form, data):
        return {"matches": tuple((pair.pk, data[name]) for pair, name in form.match_fields)}

    def initial(self, answer):
        return {f"match-{m.pair_id}": m.given for m in answer.matches.all()}

    def review(self, question, answer):
        given = {m.pair_id: m.given for m in answer.matches.all()} if answer else {}
        pairs = question.pairs.all()
        return ReviewText(
            yours=tuple(f"{p.left} → {given[p.pk]}" for p in pairs if p.pk in given),
            right=tuple(f"{p.left} → {p.right}" for p in pairs),
        )

    def given_text(self, answer):
        return [f"{m.pair.left} -> {m.given}" for m in answer.matches.all()]

    def validate(self, question):
        return validation.validate_matching(question)

    def check_writable(self, question):
        gift.check_matching_writable(question)

    def write_gift(self, question, head, explanation):
        return gift.write_matching(question, head, explanation)

    def sample_given(self, question, *, right):
        pairs = list(question.pairs.all())
        rights = [p.right for p in pairs]
        if not right:  # every pair given the next pair's answer
            rights = rights[1:] + rights[:1]
        return {"matches": tuple((p.pk, r) for p, r in zip(pairs, rights, strict=True))}


for entry in (SingleChoice(), MultipleChoice(), TrueFalse(), ShortAnswer(), Numeric(), Matching()):
    register(entry)
