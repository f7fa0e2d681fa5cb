"""`import_article FILE [FILE ...] [--dry-run]`: a summary of what the importer found, then a
draft lesson (source with the text's fingerprint, sections, topics, actions) and a draft quiz of
the drafted questions. A dry run saves nothing, a second import of the same text creates nothing
and says so, and a file that cannot be read as a UTF-8 article is refused with nothing saved.

The two source articles are read from ../shared/seeds (beside the project, not in it); the tests
that need them are skipped, with that reason, where the folder is absent."""

import datetime as dt
import io
import math
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from civics.authoring.drafting import draft_questions
from civics.authoring.importer import parse_article
from civics.authoring.services import article_fingerprint
from civics.content.models import ActionItem, Lesson, LessonSection, Source, Topic
from quizzes.gift_io import MAX_UPLOAD_BYTES, problems_of
from quizzes.models import Question, Quiz
from tests.factories import TopicFactory

pytestmark = pytest.mark.django_db

ARTICLES = Path(__file__).resolve().parents[1] / "articles"
SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
ESSAY_SEED = SEEDS / "000_0e48ffb45d64ea09.txt"
NEWS_SEED = SEEDS / "003_aa37a98457ca8af7.txt"
needs_seeds = pytest.mark.skipif(
    not (ESSAY_SEED.is_file() and NEWS_SEED.is_file()),
    reason=f"the source articles are not in {SEEDS} (they live beside the project, not in it)",
)
EVERY_ARTICLE = [
    pytest.param(ESSAY_SEED, id="seed-essay", marks=needs_seeds),
    pytest.param(NEWS_SEED, id="seed-news", marks=needs_seeds),
    *(pytest.param(path, id=path.name) for path in sorted(ARTICLES.iterdir())),
]


def run(*files, **options) -> str:
    out = io.StringIO()
    call_command("import_article", *map(str, files), stdout=out, **options)
    return out.getvalue()


WRITTEN = [Lesson, Source, LessonSection, Topic, ActionItem, Quiz, Question]
NOTHING = {model.__name__: 0 for model in WRITTEN}


def saved() -> dict[str, int]:
    """How many rows there are of each model the import writes to."""
    return {model.__name__: model.objects.count() for model in WRITTEN}


def summary_lines(out: str) -> list[str]:
    """The printed summary without the closing line (created / dry run / already imported)."""
    return out.rstrip("\n").splitlines()[:-1]


# --- The two source articles --------------------------------------------------------------


@needs_seeds
def test_news_seed_becomes_a_draft_lesson_with_its_date_topics_and_eight_actions():
    text = NEWS_SEED.read_text(encoding="utf-8")
    drafts = draft_questions(parse_article(text))

    out = run(NEWS_SEED)

    lesson = Lesson.objects.get()
    assert lesson.title == "Rubio announces expanded US-Mexico security collaboration"
    assert (lesson.status, lesson.published_on) == (Lesson.Status.DRAFT, None)
    assert lesson.source.published_on == dt.date(2025, 9, 3)
    assert lesson.source.fingerprint == article_fingerprint(text)
    assert lesson.source.outlet == "ABC News, Associated Press and 31 more"
    assert sorted(t.name for t in lesson.topics.all()) == ["Foreign Policy", "Government"]
    actions = list(lesson.actions.all())
    assert len(actions) == 8
    links = [a.link for a in actions]
    assert {"tel:+12022243121", "https://dea.gov", "https://gao.gov"} <= set(links)
    assert [a.order for a in actions] == list(range(1, 9))
    assert "Title:    Rubio announces expanded US-Mexico security collaboration" in out
    assert "Kind:     news" in out
    assert "Date:     2025-09-03" in out
    assert "Topics:   🌍 Foreign Policy, 🏛️ Government" in out
    assert "Actions:  8" in out
    assert "tel:+12022243121" in out
    assert len(drafts) >= 8
    assert f"Drafts:   {len(drafts)} question(s)" in out
    assert (
        f"Created draft lesson {lesson.slug!r} with 2 section(s), 8 action(s) and a draft quiz "
        f"of {len(drafts)} question(s)."
    ) in out


@needs_seeds
def test_essay_seed_becomes_a_draft_lesson_with_migration_drugs_and_commerce_sections():
    out = run(ESSAY_SEED)

    lesson = Lesson.objects.get()
    assert lesson.title == "The U.S. and Mexico: Reset Required"
    headings = [s.heading for s in lesson.sections.all()]
    assert {"Migration", "Drugs", "Commerce"} <= set(headings)
    assert all(s.body and s.body_html for s in lesson.sections.all())
    assert lesson.source.author == "Christopher Landau"
    assert lesson.source.published_on is None
    # The editor's note, the chart credit and the author bio are kept on the source, not as body.
    note = lesson.source.note.splitlines()
    assert note[0].startswith("Editor's note: Today we are joined by Christopher Landau")
    assert note[1] == "Credits: Source: U.S. Customs and Border Protection"
    assert note[2].startswith("About the author: Christopher Landau is an American lawyer")
    assert "U.S. Customs and Border Protection" not in " ".join(
        s.body for s in lesson.sections.all()
    )
    assert lesson.summary.startswith("There is arguably no other country in the world")
    assert lesson.actions.count() == 0
    # The reading time is worked out from the imported text, not left at its default.
    assert lesson.reading_minutes == math.ceil(lesson.count_words() / 200) > 1
    assert "Date:     (none found)" in out
    assert "By:       Christopher Landau" in out
    assert "Migration; Drugs; Commerce" in out


# --- Every article: the draft quiz ---------------------------------------------------------


@pytest.mark.parametrize("path", EVERY_ARTICLE)
def test_every_drafted_question_is_saved_valid_unpublished_and_tied_to_its_section(path):
    drafts = draft_questions(parse_article(path.read_text(encoding="utf-8")))

    run(path)

    lesson = Lesson.objects.get()
    quiz = Quiz.objects.get(lesson=lesson)
    assert quiz.is_published is False
    questions = list(quiz.questions.select_related("section").order_by("order"))
    assert [q.prompt for q in questions] == [d.question.prompt for d in drafts]
    anchors = {s.anchor for s in lesson.sections.all()}
    for draft, question in zip(drafts, questions, strict=True):
        assert question.is_published is False
        assert question.type == draft.question.type
        assert problems_of(question) == [], question.prompt
        if draft.question.category in anchors:
            assert question.section is not None, question.prompt
            assert question.section.anchor == draft.question.category
        else:
            assert question.section is None


@pytest.mark.parametrize(
    "path", [p for p in EVERY_ARTICLE if "seed" in p.id or p.id.startswith(("news", "markdown"))]
)
def test_saved_sections_topics_and_actions_match_what_the_importer_found(path):
    article = parse_article(path.read_text(encoding="utf-8"))

    run(path)

    lesson = Lesson.objects.get()
    assert [(s.heading, s.anchor) for s in lesson.sections.all()] == [
        (s.heading, s.anchor) for s in article.sections
    ]
    assert sorted(t.name for t in lesson.topics.all()) == sorted(t.name for t in article.topics)
    assert [(a.kind, a.text, a.link) for a in lesson.actions.all()] == [
        (a.kind, a.text, a.link) for a in article.actions
    ]
    assert lesson.source.published_on == article.date


def test_test_article_figures_reach_the_database():
    run(ARTICLES / "news_city_budget.txt", ARTICLES / "markdown_zoning.md")

    budget = Lesson.objects.get(
        slug="city-council-passes-21-billion-budget-after-overnight-session"
    )
    assert budget.source.published_on == dt.date(2025, 10, 7)
    assert budget.source.outlet == "Metro Ledger, City Radio News, Harbor Times and 12 more"
    assert sorted(t.name for t in budget.topics.all()) == [
        "Budget",
        "Local Government",
        "Public Safety",
    ]
    assert [a.link for a in budget.actions.all()] == [
        "tel:+13125550142",
        "mailto:council@riverton.gov",
        "",
        "https://riverton.gov/budget",
    ]
    zoning = Lesson.objects.get(slug="accessory-dwellings-come-to-cedar-falls")
    assert [s.heading for s in zoning.sections.all()] == [
        "What changed",
        "Why it matters",
        "Next steps",
    ]
    assert zoning.actions.last().link == "mailto:planning@cedarfalls.example.gov"
    assert zoning.source.outlet == "Imported article"  # no author or outlet named


def test_an_article_of_unknown_shape_still_becomes_a_lesson_with_an_empty_draft_quiz():
    out = run(ARTICLES / "unknown_notice.txt")

    lesson = Lesson.objects.get()
    assert [s.heading for s in lesson.sections.all()] == ["Overview"]
    assert lesson.quizzes.get().questions.count() == 0
    assert "Kind:     unknown" in out
    assert "Drafts:   0 question(s)" in out


# --- Dry run, re-import, several files -----------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(NEWS_SEED, id="seed-news", marks=needs_seeds),
        pytest.param(ARTICLES / "news_school_board.txt", id="news_school_board.txt"),
    ],
)
def test_dry_run_prints_the_same_summary_and_saves_nothing(path):
    dry = run(path, dry_run=True)

    assert saved() == NOTHING
    assert dry.rstrip().endswith("Dry run: nothing saved.")
    assert summary_lines(dry) == summary_lines(run(path))
    assert Lesson.objects.count() == 1


def test_dry_run_of_an_already_imported_article_changes_nothing():
    path = ARTICLES / "news_voter_id.txt"
    run(path)
    before = saved()

    out = run(path, dry_run=True)

    assert "Dry run: nothing saved." in out
    assert saved() == before


def test_reimporting_the_same_article_says_so_and_creates_nothing():
    path = ARTICLES / "essay_river_compact.txt"
    run(path)
    lesson = Lesson.objects.get()
    before = saved()

    out = run(path)

    assert f"Already imported as lesson {lesson.slug!r}: nothing created." in out
    assert "Created draft lesson" not in out
    assert saved() == before


def test_the_same_text_with_a_bom_windows_line_endings_and_other_spacing_is_the_same_article(
    tmp_path,
):
    original = ARTICLES / "news_city_budget.txt"
    run(original)
    lesson = Lesson.objects.get()
    before = saved()
    text = original.read_text(encoding="utf-8")
    messy = tmp_path / "copy.txt"
    messy.write_bytes(
        b"\xef\xbb\xbf" + "\r\n".join(f"  {line}\t " for line in text.splitlines()).encode()
    )

    out = run(messy)

    assert f"Already imported as lesson {lesson.slug!r}: nothing created." in out
    assert saved() == before


def test_the_same_file_twice_in_one_run_is_imported_once():
    path = ARTICLES / "markdown_census.md"

    out = run(path, path)

    assert out.count("Created draft lesson") == 1
    assert out.count("Already imported as lesson") == 1
    assert Lesson.objects.count() == Quiz.objects.count() == Source.objects.count() == 1


def test_several_files_in_one_run_each_become_a_draft_lesson():
    names = ["essay_bus_lanes.txt", "news_school_board.txt", "markdown_census.md"]

    out = run(*(ARTICLES / name for name in names))

    assert out.count("Created draft lesson") == 3
    assert [line for line in out.splitlines() if line.startswith("== ")] == [
        f"== {ARTICLES / name}" for name in names
    ]
    assert Lesson.objects.filter(status=Lesson.Status.DRAFT).count() == 3
    assert Quiz.objects.filter(is_published=False).count() == 3
    assert not Question.objects.filter(is_published=True).exists()


def test_an_edited_article_with_the_same_title_gets_its_own_lesson_and_reuses_the_topics(
    tmp_path,
):
    original = ARTICLES / "news_voter_id.txt"
    run(original)
    first = Lesson.objects.get()
    topics = Topic.objects.count()
    edited = tmp_path / "edited.txt"
    edited.write_text(
        original.read_text(encoding="utf-8") + "\nA late paragraph added after the vote.\n",
        encoding="utf-8",
    )

    out = run(edited)

    assert "Created draft lesson" in out
    second = Lesson.objects.exclude(pk=first.pk).get()
    assert second.title == first.title
    assert second.slug == f"{first.slug}-2"
    assert Quiz.objects.get(lesson=second).slug != Quiz.objects.get(lesson=first).slug
    assert Topic.objects.count() == topics
    assert set(second.topics.all()) == set(first.topics.all())


def test_an_existing_topic_with_the_chip_slug_is_reused():
    government = TopicFactory(name="Government", slug="government", emoji="🏛️")

    run(ARTICLES / "news_voter_id.txt")

    lesson = Lesson.objects.get()
    assert government in lesson.topics.all()
    assert Topic.objects.filter(name="Government").count() == 1


def test_an_existing_topic_with_the_chip_name_but_another_slug_is_reused():
    # An educator renamed the slug in the admin; the chip "Government" is still that topic.
    government = TopicFactory(name="Government", slug="us-government", emoji="🏛️")

    run(ARTICLES / "news_voter_id.txt")

    lesson = Lesson.objects.get()
    assert government in lesson.topics.all()
    assert Topic.objects.filter(name="Government").count() == 1


# --- Refusals: nothing saved ----------------------------------------------------------------

TOO_BIG = b"A" * (MAX_UPLOAD_BYTES + 1)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"Council votes\n\nThe caf\xe9 on Main Street closes.\n", "is not UTF-8 text (byte 23)."),
        (b"\xff\xfeC\x00o\x00u\x00n\x00c\x00i\x00l\x00", "is not UTF-8 text (byte 1)."),
        (b"", "is empty."),
        (b" \n\t\r\n  \n", "is empty."),
        (b"\xef\xbb\xbf", "is empty."),
        (TOO_BIG, "is larger than 1 MB."),
    ],
    ids=["latin-1", "utf-16", "empty", "blank", "bom-only", "over-1-mb"],
)
def test_a_file_that_is_not_a_utf8_article_is_refused_and_nothing_is_saved(
    tmp_path, content, message
):
    path = tmp_path / "article.txt"
    path.write_bytes(content)

    with pytest.raises(CommandError) as caught:
        run(path)

    assert str(caught.value) == f"{path} {message}"
    assert saved() == NOTHING


def test_a_missing_file_is_refused_and_nothing_is_saved(tmp_path):
    path = tmp_path / "nowhere.txt"

    with pytest.raises(CommandError, match=r"Cannot read .*nowhere\.txt: No such file"):
        run(path)

    assert saved() == NOTHING


def test_a_folder_is_refused_and_nothing_is_saved(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run(tmp_path)

    assert saved() == NOTHING


def test_no_file_at_all_is_a_usage_error():
    with pytest.raises(CommandError, match="the following arguments are required: files"):
        call_command("import_article")


def test_exactly_one_megabyte_is_accepted(tmp_path):
    head = b"A very long notice\n\nBody."
    path = tmp_path / "long.txt"
    path.write_bytes(head + b" " * (MAX_UPLOAD_BYTES - len(head)))
    assert path.stat().st_size == MAX_UPLOAD_BYTES

    out = run(path, dry_run=True)

    assert "Title:    A very long notice" in out


@pytest.mark.parametrize("bad", ["missing", "latin-1"])
def test_a_bad_file_after_a_good_one_refuses_the_run_before_saving_anything(tmp_path, bad):
    # Every file is checked before any is imported: a typo in the last name of a long list must
    # not leave the first ones imported behind an error.
    path = tmp_path / "bad.txt"
    if bad == "latin-1":
        path.write_bytes(b"Council votes\n\nThe caf\xe9 closes.\n")

    with pytest.raises(CommandError, match=str(path)):
        run(ARTICLES / "news_school_board.txt", path)

    assert saved() == NOTHING


def test_a_failure_while_saving_rolls_the_whole_article_back(monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr("civics.authoring.services.import_questions", broken)

    with pytest.raises(RuntimeError, match="went away"):
        run(ARTICLES / "news_city_budget.txt")

    assert saved() == NOTHING
