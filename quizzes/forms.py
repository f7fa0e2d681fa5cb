"""The answer form: built for one question of one attempt, it accepts only that question's
options. It parses and validates; grading happens in ``services.submit_answer``."""

from dataclasses import dataclass

from django import forms
from django.http import Http404
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from quizzes.models import Attempt, Question
from quizzes.services import Given


class AnswerForm(forms.Form):
    seq = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, attempt: Attempt, question: Question, **kwargs):
        super().__init__(*args, **kwargs)
        self.attempt, self.question = attempt, question
        kind = Question.Type
        if question.type in (kind.SINGLE, kind.MULTIPLE):
            self.options = attempt.choice_order(question, list(question.choices.all()))
            choices = [(c.public_id, c.text) for c in self.options]
            if question.type == kind.SINGLE:
                self.fields["choice"] = forms.ChoiceField(
                    choices=choices, widget=forms.RadioSelect, error_messages=_pick_one
                )
            else:
                self.fields["choice"] = forms.MultipleChoiceField(
                    choices=choices, widget=forms.CheckboxSelectMultiple, error_messages=_pick_some
                )
        elif question.type == kind.TRUE_FALSE:
            self.fields["truth"] = forms.ChoiceField(
                choices=[("true", "True"), ("false", "False")],
                widget=forms.RadioSelect,
                error_messages=_pick_one,
            )
        elif question.type in (kind.SHORT, kind.NUMERIC):
            self.fields["text"] = forms.CharField(
                max_length=200,
                strip=True,
                error_messages={"required": "Type your answer before submitting."},
            )
        elif question.type == kind.MATCHING:
            pairs = list(question.pairs.all())
            # Shuffled with a stream of their own: with the pairs' stream, the k-th option
            # would always be the k-th pair's answer.
            rights = attempt.choice_order(question, sorted({p.right for p in pairs}), salt="rights")
            self.match_fields = []
            for pair in attempt.choice_order(question, pairs):
                name = f"match-{pair.pk}"
                self.fields[name] = forms.ChoiceField(
                    label=pair.left,
                    choices=[("", "Choose…")] + [(r, r) for r in rights],
                    error_messages={"required": f"Choose a match for “{pair.left}”."},
                )
                self.match_fields.append((pair, name))

    @property
    def option_rows(self) -> list["OptionRow"]:
        """The radio buttons or checkboxes as the page writes them: what Django's widget
        rendering would give, without its per-option templates (most of the page's time)."""
        field = self.option_field
        if field is None:
            return []
        widget = field.field.widget
        value = field.value()
        chosen = {str(v) for v in value} if isinstance(value, list | tuple) else {str(value)}
        kind = "checkbox" if isinstance(widget, forms.CheckboxSelectMultiple) else "radio"
        return [
            OptionRow(
                type=kind,
                name=field.html_name,
                value=str(choice_value),
                id=f"{field.auto_id}_{index}",
                label=label,
                checked=str(choice_value) in chosen,
                required=kind == "radio",
            )
            for index, (choice_value, label) in enumerate(field.field.choices)
        ]

    @property
    def options_html(self) -> str:
        """The option rows as HTML, built here: a template loop over them was a fifth of the
        question page's time."""
        return format_html_join(
            "",
            '<div class="choice"><input type="{}" name="{}" value="{}" id="{}"{}{}>'
            '<label for="{}">{}</label></div>',
            (
                (
                    o.type, o.name, o.value, o.id,
                    mark_safe(" required") if o.required else "",
                    mark_safe(" checked") if o.checked else "",
                    o.id, o.label,
                )
                for o in self.option_rows
            ),
        )  # fmt: skip

    @property
    def option_field(self):
        """The radio or checkbox group of a choice or true/false question."""
        for name in ("choice", "truth"):
            if name in self.fields:
                return self[name]
        return None

    def clean(self):
        data = super().clean()
        if "seq" in self.errors:
            # The hidden token is not the learner's input: say what to do instead.
            del self.errors["seq"]
            raise forms.ValidationError(
                "This page is out of date or incomplete. Reload the question and answer again."
            )
        if "choice" in self.fields and self.data:
            # A choice id that is not one of this question's options is not bad input from a
            # learner: it is a forged request, refused like any object that is not theirs.
            posted = self.data.getlist("choice") if hasattr(self.data, "getlist") else []
            known = {c.public_id for c in self.options}
            if any(value not in known for value in posted):
                raise Http404("No such choice for this question.")
        return data

    def given(self) -> Given:
        data = self.cleaned_data
        kind = Question.Type
        if self.question.type == kind.SINGLE:
            by_id = {c.public_id: c.pk for c in self.options}
            return Given(choice_ids=(by_id[data["choice"]],))
        if self.question.type == kind.MULTIPLE:
            by_id = {c.public_id: c.pk for c in self.options}
            return Given(choice_ids=tuple(sorted(by_id[v] for v in data["choice"])))
        if self.question.type == kind.TRUE_FALSE:
            return Given(truth=data["truth"] == "true")
        if self.question.type in (kind.SHORT, kind.NUMERIC):
            return Given(text=data["text"])
        return Given(matches=tuple((pair.pk, data[name]) for pair, name in self.match_fields))


@dataclass(frozen=True)
class OptionRow:
    type: str
    name: str
    value: str
    id: str
    label: str
    checked: bool
    required: bool


_pick_one = {"required": "Choose an answer before submitting."}
_pick_some = {"required": "Tick at least one answer before submitting."}


def initial_for(question: Question, answer) -> dict:
    """Form values that show a stored answer again (exam mode lets learners change it)."""
    if answer is None:
        return {}
    kind = Question.Type
    if question.type == kind.SINGLE:
        chosen = [c.public_id for c in answer.choices.all()]
        return {"choice": chosen[0]} if chosen else {}
    if question.type == kind.MULTIPLE:
        return {"choice": [c.public_id for c in answer.choices.all()]}
    if question.type == kind.TRUE_FALSE:
        return {"truth": "true" if answer.truth else "false"}
    if question.type in (kind.SHORT, kind.NUMERIC):
        return {"text": answer.text}
    return {f"match-{m.pair_id}": m.given for m in answer.matches.all()}
