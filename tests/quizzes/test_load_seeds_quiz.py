"""The quiz half of ``load_seeds``: each pack's quiz.gift becomes its lesson's quiz."""

import io
import shutil
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from civics.content.models import Lesson
from quizzes import gift
from quizzes.models import Choice, Question, Quiz

pytestmark = pytest.mark.django_db

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
NEWS = "rubio-security-collaboration"
ESSAY = "us-mexico-reset"


def load(*args) -> str:
    out = io.StringIO()
    call_command("load_seeds", *args, stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    models = [
        model
        for app in ("civics", "quizzes")
        for model in apps.get_app_config(app).get_models(include_auto_created=True)
    ]
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in models}


def count(slug: str, folder: Path = SEEDS) -> int:
    """How many questions the pack's quiz.gift holds."""
    return len(gift.parse((folder / slug / "quiz.gift").read_text()).questions)


@pytest.fixture
def seeds_copy(tmp_path) -> Path:
    for lesson_file in SEEDS.glob("*/lesson.md"):
        shutil.copytree(lesson_file.parent, tmp_path / lesson_file.parent.name)
    return tmp_path


@pytest.mark.parametrize(("slug", "at_least"), [(NEWS, 8), (ESSAY, 12)])
def test_each_seed_quiz_loads_complete_and_linked_to_its_lesson(slug, at_least):
    output = load()

    quiz = Quiz.objects.get(slug=slug)
    questions = list(quiz.questions.with_keys())
    assert f"{slug}: quiz ({len(questions)} questions) created" in output
    assert quiz.lesson == Lesson.objects.get(slug=slug)
    assert quiz.is_published
    assert quiz.title.endswith("quiz")
    assert len(questions) >= at_least
    assert len({q.type for q in questions}) >= 4
    assert [q.order for q in questions] == sorted(q.order for q in questions)
    for question in questions:
        assert question.is_published
        assert question.explanation.strip(), question.title
        assert question.explanation_html.startswith("<"), question.title
        assert question.section is not None, question.title
        assert question.section.lesson_id == quiz.lesson_id, question.title


def test_every_seed_question_has_a_usable_answer_key():
    load()

    for question in Question.objects.with_keys():
        right = [c for c in question.choices.all() if c.fraction > 0]
        has_key = {
            "single": len(right) == 1 and question.choices.count() >= 2,
            "multiple": abs(sum(c.fraction for c in right) - 1) < 1e-6,
            "true_false": question.truth is not None,
            "short": any(a.fraction == 1 for a in question.accepted_answers.all()),
            "numeric": any(n.fraction == 1 for n in question.numeric_answers.all()),
            "matching": question.pairs.count() >= 2,
        }
        assert has_key[question.type], question.title


def test_second_run_changes_no_quiz_row_and_says_unchanged():
    load()
    before = snapshot()

    output = load()

    assert snapshot() == before
    assert f"{NEWS}: quiz ({count(NEWS)} questions) unchanged" in output
    assert f"{ESSAY}: quiz ({count(ESSAY)} questions) unchanged" in output


def test_editing_quiz_gift_updates_the_rows_in_place(seeds_copy):
    load("--dir", str(seeds_copy))
    question_ids = list(Question.objects.order_by("pk").values_list("pk", flat=True))
    choice_ids = list(Choice.objects.order_by("pk").values_list("pk", "public_id"))
    path = seeds_copy / NEWS / "quiz.gift"
    path.write_text(path.read_text().replace("~Attorney General #", "~Solicitor General #"))

    output = load("--dir", str(seeds_copy))

    assert f"{NEWS}: quiz ({count(NEWS)} questions) updated" in output
    assert f"{ESSAY}: quiz ({count(ESSAY)} questions) unchanged" in output
    assert list(Question.objects.order_by("pk").values_list("pk", flat=True)) == question_ids
    # Learners' answers keep pointing at the same choices, which keep their public ids.
    assert list(Choice.objects.order_by("pk").values_list("pk", "public_id")) == choice_ids
    assert Choice.objects.filter(text="Solicitor General").exists()


BROKEN = {
    "syntax error": ("::Broken:: Which one? {=yes ~no", ""),
    "unknown category": (
        "$CATEGORY: no-such-section\n\n::Lost:: Is this section real?\n{T}",
        "no-such-section",
    ),
    "essay": ("::Essay:: Write about the border.\n{}", "Essay"),
    "fails validation": (
        "::Twice:: Match each.\n{=Heroin -> Plants =heroin -> Labs}",
        "Each left-hand item may appear only once",
    ),
}


@pytest.mark.parametrize("case", BROKEN)
def test_a_broken_quiz_gift_names_file_and_line_and_saves_nothing(seeds_copy, case):
    snippet, says = BROKEN[case]
    path = seeds_copy / ESSAY / "quiz.gift"
    text = path.read_text().rstrip("\n") + "\n\n"
    path.write_text(text + snippet + "\n")
    # The broken question starts on the first line of the snippet that is not a $CATEGORY.
    line = text.count("\n") + 1 + snippet.count("\n", 0, snippet.index("::"))

    with pytest.raises(CommandError) as error:
        load("--dir", str(seeds_copy))

    message = str(error.value)
    assert f"{path}:{line}:" in message
    assert says in message
    assert "Nothing was saved" in message
    assert not Lesson.objects.exists()
    assert not Quiz.objects.exists()
    assert not Question.objects.exists()


def test_a_broken_quiz_gift_leaves_an_earlier_load_untouched(seeds_copy):
    load("--dir", str(seeds_copy))
    before = snapshot()
    path = seeds_copy / NEWS / "quiz.gift"
    path.write_text(path.read_text() + "\n\n::Essay:: Discuss.\n{}\n")

    with pytest.raises(CommandError, match="quiz.gift"):
        load("--dir", str(seeds_copy))

    assert snapshot() == before


def test_a_pack_without_quiz_gift_loads_its_lesson_alone(seeds_copy):
    (seeds_copy / NEWS / "quiz.gift").unlink()

    output = load("--dir", str(seeds_copy))

    assert f"{NEWS}: lesson created" in output
    assert f"{NEWS}: quiz" not in output
    assert not Quiz.objects.filter(lesson__slug=NEWS).exists()
    assert Quiz.objects.filter(lesson__slug=ESSAY).exists()
