"""The seed packs ship an exam beside the practice quiz: ``exam.gift`` with ``exam:`` settings
in lesson.md becomes a second, timed, exam-mode quiz on the same lesson, as idempotently and
all-or-nothing as the rest of the pack."""

import io
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from civics.content.packs import PackError, parse_lesson_file
from quizzes.models import Question, Quiz

pytestmark = pytest.mark.django_db

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
ESSAY = "us-mexico-reset"


def load(*args) -> str:
    out = io.StringIO()
    call_command("load_seeds", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def seeds_copy(tmp_path) -> Path:
    for lesson_file in SEEDS.glob("*/lesson.md"):
        shutil.copytree(lesson_file.parent, tmp_path / lesson_file.parent.name)
    return tmp_path


def test_the_seeds_ship_a_timed_exam_beside_the_practice_quiz():
    output = load()

    practice = Quiz.objects.get(slug=ESSAY)
    exam = Quiz.objects.get(slug=f"{ESSAY}-exam")
    assert exam.lesson_id == practice.lesson_id
    assert (practice.mode, exam.mode) == (Quiz.Mode.PRACTICE, Quiz.Mode.EXAM)
    assert 10 <= exam.time_limit_minutes <= 15
    assert exam.is_published and exam.title == "U.S.–Mexico reset exam"
    total = exam.questions.filter(is_published=True).count()
    assert total >= 10
    assert f"{ESSAY}: exam ({total} questions) created" in output
    # Its own questions, each tied to a section of the lesson.
    assert not set(exam.questions.values_list("pk", flat=True)) & set(
        practice.questions.values_list("pk", flat=True)
    )
    assert not exam.questions.filter(section__isnull=True).exists()
    assert Quiz.objects.filter(mode=Quiz.Mode.EXAM, time_limit_minutes__isnull=False).exists()


def test_loading_the_exam_twice_changes_nothing():
    load()
    rows = list(Question.objects.filter(quiz__slug=f"{ESSAY}-exam").values())

    output = load()

    assert f"{ESSAY}: exam ({len(rows)} questions) unchanged" in output
    assert "nothing changed" in output
    assert list(Question.objects.filter(quiz__slug=f"{ESSAY}-exam").values()) == rows


def test_exam_settings_default_to_exam_mode(seeds_copy):
    lesson = seeds_copy / ESSAY / "lesson.md"
    text = lesson.read_text()
    lesson.write_text(text.replace("exam:\n  title: U.S.–Mexico reset exam\n  mode: exam\n",
                                   "exam:\n  title: U.S.–Mexico reset exam\n"))  # fmt: skip

    assert parse_lesson_file(lesson).exam.mode == "exam"
    assert parse_lesson_file(lesson).quiz.mode == "practice"


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (("  time_limit_minutes: 15\n", "  time_limit_minutes: 0\n"), "'time_limit_minutes'"),
        (("  time_limit_minutes: 15\n", "  timer: 15\n"), "unknown key 'timer' in 'exam'"),
        (
            (
                "exam:\n  title: U.S.–Mexico reset exam\n  mode: exam\n",
                "exam:\n  title: U.S.–Mexico reset exam\n  mode: test\n",
            ),
            "exam 'mode' must be",
        ),
    ],  # fmt: skip
    ids=["zero-minutes", "unknown-key", "bad-mode"],
)
def test_malformed_exam_settings_name_the_line(seeds_copy, change, says):
    lesson = seeds_copy / ESSAY / "lesson.md"
    lesson.write_text(lesson.read_text().replace(*change))

    with pytest.raises(PackError, match=says) as error:
        parse_lesson_file(lesson)
    assert error.value.line > 1


def test_a_broken_exam_gift_saves_nothing_and_names_the_file(seeds_copy):
    path = seeds_copy / ESSAY / "exam.gift"
    path.write_text(path.read_text().replace("$CATEGORY: commerce", "$CATEGORY: nowhere"))

    with pytest.raises(CommandError, match=r"exam\.gift:\d+: \$CATEGORY 'nowhere'"):
        load("--dir", str(seeds_copy))

    assert not Quiz.objects.exists()


def test_a_pack_without_exam_gift_has_its_practice_quiz_alone(seeds_copy):
    (seeds_copy / ESSAY / "exam.gift").unlink()

    output = load("--dir", str(seeds_copy))

    assert f"{ESSAY}: exam" not in output
    assert list(Quiz.objects.filter(lesson__slug=ESSAY).values_list("slug", flat=True)) == [ESSAY]
