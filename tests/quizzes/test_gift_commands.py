"""`import_gift FILE --quiz SLUG [--skip-unsupported] [--publish]` and `export_gift SLUG [-o FILE]`:
all or nothing, clear refusals, and export then import gives back the same questions."""

import io

import pytest
from django.core.management import CommandError, call_command

from quizzes.gift_io import to_gift
from quizzes.models import Question, Quiz

from .factories import AcceptedAnswerFactory, QuestionFactory, QuizFactory, quiz_with_every_type

pytestmark = pytest.mark.django_db

GIFT = """::Capital:: Which city is the capital of Canada? {=Ottawa ~Toronto}

::Essay:: Explain federalism. {}

::Senate:: The Senate has 100 members. {T}
"""


def run(name: str, *args, **options) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(name, *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def gift_file(tmp_path):
    def write(text: str | bytes, name: str = "questions.gift"):
        path = tmp_path / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return str(path)

    return write


def test_import_creates_draft_questions_and_reports_them(gift_file):
    quiz = QuizFactory()
    supported = GIFT.replace("::Essay:: Explain federalism. {}\n\n", "")

    out, _ = run("import_gift", gift_file(supported), quiz=quiz.slug)

    assert f"Created 2 draft question(s) in {quiz.slug}; skipped 0." in out
    assert [(q.title, q.type, q.is_published) for q in quiz.questions.order_by("order")] == [
        ("Capital", "single", False),
        ("Senate", "true_false", False),
    ]


def test_import_with_publish_publishes_the_questions(gift_file):
    quiz = QuizFactory()

    out, _ = run(
        "import_gift", gift_file(GIFT), quiz=quiz.slug, skip_unsupported=True, publish=True
    )

    assert "Created 2 published question(s)" in out
    assert quiz.questions.filter(is_published=True).count() == 2


def test_an_unsupported_item_stops_the_import_with_nothing_saved(gift_file):
    quiz = QuizFactory()

    with pytest.raises(CommandError) as raised:
        run("import_gift", gift_file(GIFT), quiz=quiz.slug)

    message = str(raised.value)
    assert "line 3: Essay is not supported" in message
    assert "Nothing was saved." in message
    assert not quiz.questions.exists()


def test_skip_unsupported_imports_the_rest_and_reports_each_skipped_item(gift_file):
    quiz = QuizFactory()

    out, _ = run("import_gift", gift_file(GIFT), quiz=quiz.slug, skip_unsupported=True)

    assert "skipped line 3 'Essay': essay (empty answer list) is not supported" in out
    assert "Created 2 draft question(s)" in out
    assert "skipped 1." in out
    assert quiz.questions.count() == 2


def test_an_unknown_quiz_is_refused(gift_file):
    with pytest.raises(CommandError, match="No quiz with slug 'no-such-quiz'"):
        run("import_gift", gift_file(GIFT), quiz="no-such-quiz")

    assert not Question.objects.exists()


def test_a_missing_file_is_refused(tmp_path):
    quiz = QuizFactory()

    with pytest.raises(CommandError, match="Cannot read"):
        run("import_gift", str(tmp_path / "missing.gift"), quiz=quiz.slug)


def test_a_syntax_error_names_its_line_and_saves_nothing(gift_file):
    quiz = QuizFactory()
    text = "::Fine:: Fine? {T}\n\n::Broken:: Which? {=a ~b\n"

    with pytest.raises(CommandError, match=r"line 3: '\{' is never closed.*Nothing was saved"):
        run("import_gift", gift_file(text), quiz=quiz.slug)

    assert not quiz.questions.exists()


def test_a_file_that_is_not_utf8_is_refused(gift_file):
    quiz = QuizFactory()

    with pytest.raises(CommandError, match="is not UTF-8 text"):
        run("import_gift", gift_file("::Café:: Ici? {T}\n".encode("latin-1")), quiz=quiz.slug)

    assert not quiz.questions.exists()


def test_an_invalid_question_stops_the_import_with_nothing_saved(gift_file):
    quiz = QuizFactory()
    text = "::Fine:: Fine? {T}\n\n::Two right:: Pick one {=a =b ~c}\n"

    with pytest.raises(CommandError, match="line 3: question 'Two right': choices: Mark exactly"):
        run("import_gift", gift_file(text), quiz=quiz.slug)

    assert not quiz.questions.exists()


def test_export_writes_the_file_and_says_so(tmp_path):
    quiz = quiz_with_every_type()
    target = tmp_path / "out.gift"

    out, err = run("export_gift", quiz.slug, "-o", str(target))

    assert out == ""
    assert f"Wrote 6 question(s) of {quiz.slug} to {target}." in err
    text = target.read_text(encoding="utf-8")
    assert text.count("::Question") == 6


def test_export_without_a_file_prints_the_gift_text(tmp_path):
    quiz = quiz_with_every_type()
    target = tmp_path / "out.gift"
    run("export_gift", quiz.slug, "-o", str(target))

    out, _ = run("export_gift", quiz.slug)

    assert out == target.read_text(encoding="utf-8")


def test_export_of_an_unknown_quiz_is_refused():
    with pytest.raises(CommandError, match="No quiz with slug 'nope'"):
        run("export_gift", "nope")


def test_export_to_an_unwritable_place_is_refused(tmp_path):
    quiz = quiz_with_every_type()

    with pytest.raises(CommandError, match="Cannot write"):
        run("export_gift", quiz.slug, "-o", str(tmp_path / "no-such-dir" / "out.gift"))


def stored(quiz: Quiz) -> list:
    """The quiz's questions as GIFT questions (``line`` is not part of their equality)."""
    return [to_gift(q) for q in quiz.questions.with_keys().order_by("order", "pk")]


@pytest.mark.parametrize("slug", ["us-mexico-reset", "rubio-security-collaboration"])
def test_export_then_import_gives_back_the_same_seed_questions(tmp_path, slug):
    call_command("load_seeds", stdout=io.StringIO())
    original = Quiz.objects.get(slug=slug)
    target = tmp_path / f"{slug}.gift"
    run("export_gift", slug, "-o", str(target))
    copy = QuizFactory(lesson=original.lesson, slug=f"{slug}-copy")

    run("import_gift", str(target), quiz=copy.slug)

    assert len(stored(original)) >= 8
    assert {q.type for q in stored(original)} >= {"single", "true_false", "numeric"}
    assert stored(copy) == stored(original)
    # Sections are linked again through their anchors.
    assert list(copy.questions.order_by("order").values_list("section__anchor", flat=True)) == list(
        original.questions.order_by("order", "pk").values_list("section__anchor", flat=True)
    )


def test_export_then_import_gives_back_every_question_type(tmp_path):
    original = quiz_with_every_type()
    target = tmp_path / "every.gift"
    run("export_gift", original.slug, "-o", str(target))
    copy = QuizFactory(lesson=original.lesson)

    run("import_gift", str(target), quiz=copy.slug)

    assert stored(copy) == stored(original)


def test_export_of_a_question_gift_cannot_express_is_refused_with_a_message(tmp_path):
    """A short answer holding '->' passes validation but GIFT cannot write it: the command must
    stop with a CommandError naming the problem, not a traceback."""
    quiz = QuizFactory()
    arrow = QuestionFactory(quiz=quiz, type="short", title="Arrow")
    AcceptedAnswerFactory(question=arrow, text="Congress -> Senate")

    try:
        run("export_gift", quiz.slug, "-o", str(tmp_path / "out.gift"))
    except CommandError as error:
        assert "->" in str(error)


def test_an_answer_longer_than_its_column_is_refused_naming_its_line(gift_file):
    """Choice.text holds 500 characters: a longer choice must stop the import with a clear
    message (PostgreSQL would otherwise fail mid-import, SQLite store more than the column)."""
    quiz = QuizFactory()
    long_choice = ("word " * 120).strip()  # 599 characters
    text = f"::Fine:: Fine? {{T}}\n\n::Long:: Pick one {{={long_choice} ~Short}}\n"

    with pytest.raises(CommandError, match="line 3"):
        run("import_gift", gift_file(text), quiz=quiz.slug)

    assert not quiz.questions.exists()
