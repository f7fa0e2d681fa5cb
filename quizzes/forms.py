"""The answer form: built for one question of one attempt, it accepts only that question's
options. It parses and validates; grading happens in ``services.submit_answer``."""

from dataclasses import dataclass

from django import forms
from django.http import Http404
from django.utils.translation import gettext as _

from quizzes.models import Attempt, Question
from quizzes.question_types import question_type
from quizzes.services import Given


class AnswerForm(forms.Form):
    seq = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, attempt: Attempt, question: Question, **kwargs):
        super().__init__(*args, **kwargs)
        self.attempt, self.question = attempt, question
        self.kind = question_type(question.type)
        self.kind.add_fields(self, attempt, question)

    @property
    def option_rows(self) -> list["OptionRow"]:
        """The radio buttons or checkboxes as ``quizzes/answer/_options.html`` writes them as
        cards: the values Django's widget rendering would use, without its per-option
        templates (most of the page's time)."""
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
                letter=chr(ord("A") + index) if index < 26 else "",
            )
            for index, (choice_value, label) in enumerate(field.field.choices)
        ]

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
                _("This page is out of date or incomplete. Reload the question and answer again.")
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
        return Given(**self.kind.given(self, self.cleaned_data))


@dataclass(frozen=True)
class OptionRow:
    type: str
    name: str
    value: str
    id: str
    label: str
    checked: bool
    required: bool
    letter: str  # "A", "B", … shown on the card (decoration: the label is the option's text)


def initial_for(question: Question, answer) -> dict:
    """Form values that show a stored answer again (exam mode lets learners change it)."""
    if answer is None:
        return {}
    return question_type(question.type).initial(answer)
