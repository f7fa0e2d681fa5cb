import io
import shutil
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from civics.content.models import ActionItem, Lesson, LessonSection, Source, Topic
from civics.content.packs import parse_lesson_file

pytestmark = pytest.mark.django_db

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
NEWS = "rubio-security-collaboration"
ESSAY = "us-mexico-reset"


def load(*args) -> str:
    out = io.StringIO()
    call_command("load_seeds", *args, stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    """Every row a pack can write, every column: any write (even an unchanged save) shows."""
    models = [
        model
        for app in ("civics", "quizzes")
        for model in apps.get_app_config(app).get_models(include_auto_created=True)
    ]
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in models}


def _pack(slug: str):
    return parse_lesson_file(SEEDS / slug / "lesson.md")


@pytest.fixture
def seeds_copy(tmp_path) -> Path:
    """The real packs, copied so a test can edit them."""
    for lesson_file in SEEDS.glob("*/lesson.md"):
        shutil.copytree(lesson_file.parent, tmp_path / lesson_file.parent.name)
    return tmp_path


# --- The real packs ----------------------------------------------------------------------


def test_load_seeds_creates_both_lessons_with_everything_in_their_packs():
    output = load()

    assert f"{NEWS}: lesson created" in output
    assert f"{ESSAY}: lesson created" in output
    assert set(Lesson.objects.values_list("slug", flat=True)) == {NEWS, ESSAY}
    for slug in (NEWS, ESSAY):
        pack = _pack(slug)
        lesson = Lesson.objects.get(slug=slug)
        assert lesson.title == pack.title
        assert lesson.is_published
        assert lesson.published_on == pack.published
        assert lesson.reading_minutes > 1
        assert [p.text for p in lesson.key_points.all()] == list(pack.key_points)
        assert 3 <= lesson.key_points.count() <= 6
        assert [s.heading for s in lesson.sections.all()] == [s.heading for s in pack.sections]
        assert all(s.body_html.startswith("<") for s in lesson.sections.all())
        assert {t.slug for t in lesson.topics.all()} == {t.slug for t in pack.topics}
        assert [a.text for a in lesson.actions.all()] == [a.text for a in pack.actions]
        assert lesson.source.title == pack.source.title
        assert lesson.source.byline
    assert Topic.objects.count() == len({t.slug for s in (NEWS, ESSAY) for t in _pack(s).topics})
    assert Source.objects.count() == 2


def test_news_lesson_has_all_eight_actions_with_working_links():
    load()

    news = Lesson.objects.get(slug=NEWS)
    links = [action.link for action in news.actions.all()]
    assert len(links) == 8
    assert "tel:+12022243121" in links
    assert "https://dea.gov" in links
    assert "https://gao.gov" in links
    assert "https://cfr.org" in links
    assert {"foreign-policy", "government"} <= {t.slug for t in news.topics.all()}
    assert all(
        action.kind in ActionItem.Kind.values and action.text for action in news.actions.all()
    )


def test_essay_lesson_follows_the_essay_and_has_four_to_eight_actions():
    load()

    essay = Lesson.objects.get(slug=ESSAY)
    anchors = [section.anchor for section in essay.sections.all()]
    assert {"migration", "drugs", "commerce"} <= set(anchors)
    assert anchors.index("migration") < anchors.index("drugs") < anchors.index("commerce")
    assert 4 <= essay.actions.count() <= 8
    assert "tel:+12022243121" in [action.link for action in essay.actions.all()]


def test_second_run_changes_nothing_and_says_so():
    load()
    before = snapshot()

    output = load()

    assert snapshot() == before
    assert f"{NEWS}: lesson unchanged" in output
    assert f"{ESSAY}: lesson unchanged" in output
    assert "created" not in output
    assert "updated" not in output
    assert "nothing changed" in output


def test_named_pack_folders_load_only_those_packs():
    output = load(str(SEEDS / NEWS))

    assert f"{NEWS}: lesson created" in output
    assert list(Lesson.objects.values_list("slug", flat=True)) == [NEWS]


# --- Editing a pack ----------------------------------------------------------------------


def test_editing_a_pack_updates_its_lesson_in_place(seeds_copy):
    load("--dir", str(seeds_copy))
    before = snapshot()
    lesson_file = seeds_copy / NEWS / "lesson.md"
    text = lesson_file.read_text()
    text = text.replace(
        "title: Rubio and Mexico widen security cooperation",
        "title: Rubio and Mexico deepen security cooperation",
    )
    text = text.replace("published at DEA.gov", "published at justice.gov")
    lesson_file.write_text(text)

    output = load("--dir", str(seeds_copy))

    assert f"{NEWS}: lesson updated" in output
    assert f"{ESSAY}: lesson unchanged" in output
    assert "1 updated" in output
    news = Lesson.objects.get(slug=NEWS)
    assert news.title == "Rubio and Mexico deepen security cooperation"
    links = [action.link for action in news.actions.all()]
    assert "https://justice.gov" in links
    assert "https://dea.gov" not in links
    after = snapshot()
    for model in ("Lesson", "KeyPoint", "LessonSection", "ActionItem", "Topic", "Source"):
        assert [row["id"] for row in after[model]] == [row["id"] for row in before[model]], model
    essay_before = next(row for row in before["Lesson"] if row["slug"] == ESSAY)
    essay_after = next(row for row in after["Lesson"] if row["slug"] == ESSAY)
    assert essay_after == essay_before


def test_editing_only_a_section_rerenders_it_and_reports_updated(seeds_copy):
    load("--dir", str(seeds_copy))
    section = LessonSection.objects.get(lesson__slug=ESSAY, anchor="commerce")
    lesson_file = seeds_copy / ESSAY / "lesson.md"
    text = lesson_file.read_text()
    lesson_file.write_text(text.replace("## Commerce\n", "## Commerce\n\nA **new** opening.\n"))

    output = load("--dir", str(seeds_copy))

    assert f"{ESSAY}: lesson updated" in output
    section_after = LessonSection.objects.get(pk=section.pk)
    assert section_after.body.startswith("A **new** opening.")
    assert section_after.body_html.startswith("<p>A <strong>new</strong> opening.</p>")


def test_removing_an_action_deletes_it_and_keeps_the_others(seeds_copy):
    load("--dir", str(seeds_copy))
    lesson_file = seeds_copy / NEWS / "lesson.md"
    pack = parse_lesson_file(lesson_file)
    kept = list(Lesson.objects.get(slug=NEWS).actions.values_list("pk", flat=True))[:-1]
    last_action = pack.actions[-1].text
    text = lesson_file.read_text()
    start = text.index("  - kind: support\n    text: >\n      Support bipartisan")
    end = text.index("quiz:", start)
    lesson_file.write_text(text[:start] + text[end:])

    load("--dir", str(seeds_copy))

    news = Lesson.objects.get(slug=NEWS)
    assert list(news.actions.values_list("pk", flat=True)) == kept
    assert last_action not in [action.text for action in news.actions.all()]


@pytest.mark.parametrize("change", ["swap the first two sections", "drop the first section"])
def test_reordering_or_dropping_sections_updates_the_lesson(seeds_copy, change):
    # Only the lesson is under test: its quizzes name sections by anchor and would object first.
    (seeds_copy / ESSAY / "quiz.gift").unlink()
    (seeds_copy / ESSAY / "exam.gift").unlink()
    load("--dir", str(seeds_copy))
    lesson_file = seeds_copy / ESSAY / "lesson.md"
    text = lesson_file.read_text()
    first = text.index("## Why a reset")
    second = text.index("## Migration")
    third = text.index("## Drugs")
    if change == "swap the first two sections":
        text = text[:first] + text[second:third] + text[first:second] + text[third:]
        expected = ["migration", "why-a-reset", "drugs", "commerce", "the-road-ahead"]
    else:
        text = text[:first] + text[second:]
        expected = ["migration", "drugs", "commerce", "the-road-ahead"]
    lesson_file.write_text(text)

    output = load("--dir", str(seeds_copy))

    assert f"{ESSAY}: lesson updated" in output
    essay = Lesson.objects.get(slug=ESSAY)
    assert [section.anchor for section in essay.sections.all()] == expected


# --- Malformed packs ---------------------------------------------------------------------

VALID = """\
---
slug: sample-lesson
title: A sample lesson
summary: One sentence about the lesson.
status: published
published: 2025-01-15
key_points:
  - First point.
  - Second point.
  - Third point.
topics:
  - {slug: government, name: Government, emoji: "🏛️"}
source:
  title: A sample article
  author: Ann Writer
  outlet: Sample News
  date: 2025-01
actions:
  - kind: call
    text: Call 202-224-3121 and ask for your senators.
  - kind: read
    text: Read more at dea.gov.
---

## First section

Body of the first section.

## Second section

Body of the second section.
"""


def _write(folder: Path, text: str | bytes) -> Path:
    folder.mkdir()
    lesson_file = folder / "lesson.md"
    if isinstance(text, bytes):
        lesson_file.write_bytes(text)
    else:
        lesson_file.write_text(text, encoding="utf-8")
    return lesson_file


def _edit(*replacements: tuple[str, str]) -> str:
    text = VALID
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def test_the_sample_pack_used_below_is_valid(tmp_path):
    _write(tmp_path / "sample", VALID)

    output = load("--dir", str(tmp_path))

    assert "sample-lesson: lesson created" in output
    lesson = Lesson.objects.get(slug="sample-lesson")
    assert [a.link for a in lesson.actions.all()] == ["tel:+12022243121", "https://dea.gov"]


MALFORMED = {
    "no front matter": ("## First section\n\nBody.\n", 1),
    "unclosed front matter": (_edit(("---\n\n## First", "\n## First")), 1),
    "front matter not a mapping": ("---\n- a list\n---\n\n## Section\n\nBody.\n", 2),
    "invalid yaml": (_edit(("title: A sample lesson", "title: A: sample lesson")), 3),
    "unknown key": (_edit(("summary:", "colour: blue\nsummary:")), 4),
    "missing slug": (_edit(("slug: sample-lesson\n", "")), 2),
    "missing title": (_edit(("title: A sample lesson\n", "")), 2),
    "missing summary": (_edit(("summary: One sentence about the lesson.\n", "")), 2),
    "bad slug": (_edit(("slug: sample-lesson", "slug: Sample Lesson!")), 2),
    "bad status": (_edit(("status: published", "status: live")), 5),
    "published without date": (_edit(("published: 2025-01-15\n", "")), 5),
    "date in words": (_edit(("published: 2025-01-15", "published: mid-January")), 6),
    "impossible date": (_edit(("published: 2025-01-15", "published: 2025-13-45")), 6),
    "two key points": (_edit(("  - Third point.\n", "")), 7),
    "seven key points": (_edit(("  - Third point.\n", "  - More.\n" * 5)), 7),
    "topic without name": (
        _edit(('{slug: government, name: Government, emoji: "🏛️"}', "{slug: government}")),
        12,
    ),
    "topic with bad slug": (_edit(("{slug: government,", "{slug: Gov Ernment,")), 12),
    "topic with an icon the set lacks": (_edit(('emoji: "🏛️"}', 'emoji: "🏛️", icon: unicorn}')), 12),
    "source without author or outlet": (
        _edit(("  author: Ann Writer\n", ""), ("  outlet: Sample News\n", "")),
        14,
    ),
    "source url that is not a url": (
        _edit(("  date: 2025-01\n", "  date: 2025-01\n  url: https://not a web address\n")),
        18,
    ),
    "bad action kind": (_edit(("  - kind: read", "  - kind: phone")), 21),
    "action without text": (_edit(("    text: Read more at dea.gov.\n", "")), 21),
    "javascript action link": (
        _edit(("dea.gov.\n", "dea.gov.\n    link: javascript:alert(1)\n")),
        23,
    ),
    "text before the first section": (
        _edit(("---\n\n## First", "---\nStray text.\n\n## First")),
        24,
    ),
    "a level-one heading": (_edit(("---\n\n## First", "---\n# A title\n\n## First")), 24),
    "no sections": (VALID[: VALID.index("## First")], 24),
    "duplicate section heading": (_edit(("## Second section", "## First section")), 29),
    "empty section": (_edit(("Body of the first section.\n", "")), 25),
}


@pytest.mark.parametrize(("text", "line"), MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_pack_saves_nothing_and_names_file_and_line(tmp_path, text, line):
    # The valid pack sorts first, so it would be saved first were loading not all-or-nothing.
    _write(tmp_path / "a-valid", VALID.replace("sample-lesson", "valid-lesson"))
    broken = _write(tmp_path / "b-broken", text)

    with pytest.raises(CommandError) as excinfo:
        load("--dir", str(tmp_path))

    message = str(excinfo.value)
    assert f"{broken}:{line}:" in message
    assert "Nothing was saved" in message
    assert Lesson.objects.count() == 0
    assert Topic.objects.count() == 0
    assert Source.objects.count() == 0


def test_seed_topics_get_their_packs_icons_and_a_pack_without_one_gets_the_emojis(tmp_path):
    load()
    assert dict(Topic.objects.values_list("slug", "icon")) == {
        "drug-policy": "beaker",
        "foreign-policy": "globe-americas",
        "government": "building-library",
        "immigration": "identification",
        "trade": "truck",
    }
    _write(
        tmp_path / "sample",
        VALID.replace("slug: government, name: Government,", "slug: civic-life, name: Civic life,"),
    )
    load("--dir", str(tmp_path))
    assert Topic.objects.get(slug="civic-life").icon == "building-library"  # from 🏛️


def test_pack_that_is_not_utf8_saves_nothing_and_names_the_file(tmp_path):
    _write(tmp_path / "a-valid", VALID)
    broken = _write(tmp_path / "b-latin1", VALID.replace("🏛️", "").encode("utf-8") + b"caf\xe9\n")

    with pytest.raises(CommandError) as excinfo:
        load("--dir", str(tmp_path))

    assert f"{broken}:1:" in str(excinfo.value)
    assert "UTF-8" in str(excinfo.value)
    assert Lesson.objects.count() == Topic.objects.count() == Source.objects.count() == 0


def test_two_packs_with_one_slug_save_nothing_and_name_file_and_line(tmp_path):
    first = _write(tmp_path / "a-first", VALID)
    second = _write(tmp_path / "b-second", VALID.replace("A sample lesson", "Another lesson"))

    with pytest.raises(CommandError) as excinfo:
        load("--dir", str(tmp_path))

    message = str(excinfo.value)
    assert str(first) in message
    assert f"{second}:2:" in message  # the `slug:` line
    assert Lesson.objects.count() == Topic.objects.count() == Source.objects.count() == 0


def test_two_packs_that_name_one_topic_differently_save_nothing_and_name_the_file(tmp_path):
    # Were the last pack to win, every run would rename the topic back and forth and a second
    # run would never report "nothing changed".
    _write(tmp_path / "a-first", VALID)
    second = _write(
        tmp_path / "b-second",
        VALID.replace("sample-lesson", "second-lesson").replace(
            "name: Government", "name: Governance"
        ),
    )

    with pytest.raises(CommandError) as excinfo:
        load("--dir", str(tmp_path))

    assert f"{second}:12:" in str(excinfo.value)
    assert Lesson.objects.count() == Topic.objects.count() == Source.objects.count() == 0


def test_a_folder_without_packs_is_an_error(tmp_path):
    with pytest.raises(CommandError, match="No packs found"):
        load("--dir", str(tmp_path))


def test_a_named_folder_without_lesson_md_is_an_error(tmp_path):
    with pytest.raises(CommandError, match="no lesson.md"):
        load(str(tmp_path))
