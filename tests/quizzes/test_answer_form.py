"""The answer form writes its options itself; they must be what Django's widgets would render."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import QueryDict
from django.template.loader import render_to_string

from quizzes import services
from quizzes.forms import AnswerForm
from quizzes.models import Question

from .factories import T0, QuizFactory, multiple_question, single_question, true_false_question

pytestmark = pytest.mark.django_db


def widget_rows(form: AnswerForm) -> list[tuple]:
    """Django's own rendering of each option, reduced to the attributes the page writes."""
    return [
        (
            w.data["type"],
            w.data["name"],
            str(w.data["value"]),
            w.data["attrs"]["id"],
            w.choice_label,
            bool(w.data["selected"]),
            bool(w.data["attrs"].get("required", False)),
        )
        for w in form.option_field
    ]


def our_rows(form: AnswerForm) -> list[tuple]:
    return [
        (o.type, o.name, o.value, o.id, o.label, o.checked, o.required) for o in form.option_rows
    ]


@pytest.mark.parametrize("build", [single_question, multiple_question, true_false_question])
@pytest.mark.parametrize("shuffle", [False, True])
def test_option_rows_match_the_widgets_in_every_state(build, shuffle):
    quiz = QuizFactory(shuffle_choices=shuffle)
    question = build(quiz)
    attempt = services.start_attempt(quiz=quiz, user=AnonymousUser(), token="t", now=T0)
    question = Question.objects.with_keys().get(pk=question.pk)
    ids = [c.public_id for c in question.choices.all()]
    name = "truth" if question.type == Question.Type.TRUE_FALSE else "choice"
    picked = ["false"] if name == "truth" else ids[1:3]
    initial = {name: picked if question.type == Question.Type.MULTIPLE else picked[0]}
    posted = QueryDict(mutable=True)
    posted.setlist(name, picked)
    posted["seq"] = "0"
    states = {
        "new": AnswerForm(attempt=attempt, question=question),
        "answered before": AnswerForm(initial=initial, attempt=attempt, question=question),
        "posted": AnswerForm(posted, attempt=attempt, question=question),
        "posted empty": AnswerForm(QueryDict("seq=0"), attempt=attempt, question=question),
    }
    for state, form in states.items():
        form.is_valid()
        assert our_rows(form) == widget_rows(form), state
        assert len(our_rows(form)) == (2 if name == "truth" else 4)
    checked = sum(row[5] for row in our_rows(states["answered before"]))
    assert checked == (2 if question.type == Question.Type.MULTIPLE else 1)


def test_text_questions_have_no_option_rows():
    from .factories import BUILDERS

    quiz = QuizFactory()
    question = BUILDERS[Question.Type.SHORT](quiz)
    attempt = services.start_attempt(quiz=quiz, user=AnonymousUser(), token="t", now=T0)

    assert AnswerForm(attempt=attempt, question=question).option_rows == []


def test_the_options_partial_writes_each_row_as_an_escaped_card():
    quiz = QuizFactory(shuffle_choices=False)
    question = single_question(quiz)
    first = question.choices.order_by("order").first()
    first.text = '<b>"Tariffs" & taxes</b>'
    first.save()
    attempt = services.start_attempt(quiz=quiz, user=AnonymousUser(), token="t", now=T0)
    question = Question.objects.with_keys().get(pk=question.pk)
    form = AnswerForm(initial={"choice": first.public_id}, attempt=attempt, question=question)
    slot = attempt.slots.get(question=question)

    html = render_to_string(
        form.kind.answer_template, {"form": form, "question": question, "slot": slot}
    )

    assert html.count('<div class="option-card">') == 4
    assert (
        f'<div class="option-card"><input type="radio" name="choice" '
        f'value="{first.public_id}" id="id_choice_0" required checked>'
        '<span class="option-card__letter" aria-hidden="true">A</span>'
        '<label class="option-card__text" for="id_choice_0">'
        "&lt;b&gt;&quot;Tariffs&quot; &amp; taxes&lt;/b&gt;</label></div>"
    ) in html
    assert html.count(" checked") == 1
