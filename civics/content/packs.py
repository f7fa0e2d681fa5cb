"""Read a content pack (``seeds/<name>/lesson.md``) into plain values.

No ORM here: ``parse_lesson_file`` turns the file into a frozen ``LessonPack`` or raises
``PackError`` naming the file and line. ``seeds/README.md`` documents the format.
"""

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.text import slugify

from civics.content.links import link_problem
from civics.content.models import ActionItem, TopicIcon

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
HEADING = re.compile(r"^##\s+(?P<heading>\S.*?)\s*#*\s*$")
ACTION_KINDS = tuple(ActionItem.Kind.values)
QUIZ_MODES = ("practice", "exam")


class PackError(Exception):
    """A malformed pack: the message names the file and the line."""

    def __init__(self, path: Path | str, line: int, message: str):
        self.path, self.line, self.message = str(path), line, message
        super().__init__(f"{self.path}:{line}: {message}")


@dataclass(frozen=True)
class TopicSpec:
    slug: str
    name: str
    emoji: str = ""
    icon: str = ""  # a Topic.Icon value; empty: the one the emoji suggests
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class SourceSpec:
    title: str
    author: str = ""
    outlet: str = ""
    date: dt.date | None = None
    precision: str = "day"
    url: str = ""
    note: str = ""


@dataclass(frozen=True)
class ActionSpec:
    kind: str
    text: str
    link: str = ""


@dataclass(frozen=True)
class SectionSpec:
    heading: str
    anchor: str
    body: str
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class QuizSpec:
    title: str
    mode: str = "practice"
    pass_mark: int = 70
    shuffle_questions: bool = False
    shuffle_choices: bool = True
    question_count: int | None = None
    time_limit_minutes: int | None = None
    attempt_limit: int | None = None


@dataclass(frozen=True)
class LessonPack:
    path: str
    slug: str
    title: str
    summary: str
    status: str
    published: dt.date | None
    key_points: tuple[str, ...]
    topics: tuple[TopicSpec, ...]
    source: SourceSpec | None
    actions: tuple[ActionSpec, ...]
    sections: tuple[SectionSpec, ...]
    quiz: QuizSpec | None = None
    exam: QuizSpec | None = None  # settings for exam.gift, a second quiz (exam mode by default)
    slug_line: int = field(default=0, compare=False)


class _Mapping(dict):
    """A dict that remembers the line of each of its keys (for error messages)."""

    line = 0
    key_lines: dict


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader, node):
    loader.flatten_mapping(node)
    mapping = _Mapping()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = key_node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
# Dates stay text so that an impossible one (2025-13-45) is reported with its line by
# _Reader.date instead of escaping from PyYAML as a bare ValueError.
_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_yaml_str)


class _Reader:
    """Pulls typed values out of front matter, raising PackError with the right line."""

    def __init__(self, path: Path, offset: int):
        self.path, self.offset = path, offset

    def error(self, line: int, message: str) -> PackError:
        return PackError(self.path, line + self.offset, message)

    def line_of(self, mapping: _Mapping, key: str) -> int:
        return mapping.key_lines.get(key, mapping.line)

    def mapping(self, value, line: int, what: str) -> _Mapping:
        if not isinstance(value, _Mapping):
            raise self.error(line, f"{what} must be a mapping of `key: value` lines.")
        return value

    def check_keys(self, mapping: _Mapping, allowed: set[str], what: str) -> None:
        for key in mapping:
            if key not in allowed:
                raise self.error(
                    self.line_of(mapping, key),
                    f"unknown key {key!r} in {what}; expected one of {', '.join(sorted(allowed))}.",
                )

    def text(self, mapping: _Mapping, key: str, *, required=True, max_length=None) -> str:
        value = mapping.get(key)
        line = self.line_of(mapping, key)
        if value is None or value == "":
            if required:
                raise self.error(line, f"{key!r} is required.")
            return ""
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise self.error(line, f"{key!r} must be text.")
        text = " ".join(str(value).split())
        if max_length and len(text) > max_length:
            raise self.error(line, f"{key!r} is longer than {max_length} characters.")
        return text

    def date(self, mapping: _Mapping, key: str) -> tuple[dt.date | None, str]:
        value = mapping.get(key)
        line = self.line_of(mapping, key)
        if value is None:
            return None, "day"
        if isinstance(value, dt.date):
            return value, "day"
        raw = str(value).strip()
        for pattern, precision in (("%Y-%m-%d", "day"), ("%Y-%m", "month"), ("%Y", "year")):
            try:
                return dt.datetime.strptime(raw, pattern).date(), precision
            except ValueError:
                continue
        raise self.error(
            line, f"{key!r} must be a date: YYYY-MM-DD, YYYY-MM or YYYY (got {raw!r})."
        )

    def whole(self, mapping, key, *, low, high, default):
        value = mapping.get(key, default)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self.error(
                self.line_of(mapping, key), f"{key!r} must be a whole number from {low} to {high}."
            )
        return value

    def flag(self, mapping, key, default: bool) -> bool:
        value = mapping.get(key, default)
        if not isinstance(value, bool):
            raise self.error(self.line_of(mapping, key), f"{key!r} must be true or false.")
        return value

    def items(self, mapping: _Mapping, key: str, *, required=True) -> list:
        value = mapping.get(key)
        line = self.line_of(mapping, key)
        if value is None:
            if required:
                raise self.error(line, f"{key!r} is required.")
            return []
        if not isinstance(value, list):
            raise self.error(line, f"{key!r} must be a list of `- ` items.")
        return value


def split_front_matter(path: Path, text: str) -> tuple[str, str, int]:
    """Return (front matter, body, line number where the body starts)."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        raise PackError(path, 1, "the file must start with a `---` line opening the front matter.")
    for index, line in enumerate(lines[1:], start=1):
        if line.strip() == "---":
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :]), index + 2
    raise PackError(path, 1, "the front matter is never closed with a `---` line.")


def split_sections(path: Path, body: str, first_line: int) -> tuple[SectionSpec, ...]:
    sections: list[list] = []
    for number, line in enumerate(body.splitlines(), start=first_line):
        if match := HEADING.match(line):
            sections.append([match["heading"], number, []])
        elif line.strip().startswith("# ") and not sections:
            raise PackError(path, number, "use `## ` for section headings (the title is `title:`).")
        elif sections:
            sections[-1][2].append(line)
        elif line.strip():
            raise PackError(path, number, "text before the first `## ` section heading.")
    if not sections:
        raise PackError(path, first_line, "the lesson has no `## ` section headings.")
    specs, seen = [], {}
    for heading, number, lines in sections:
        body_text = "\n".join(lines).strip()
        if not body_text:
            raise PackError(path, number, f"section {heading!r} has no text.")
        anchor = slugify(heading)[:100]
        if not anchor:
            raise PackError(path, number, f"section heading {heading!r} needs letters or digits.")
        if anchor in seen:
            raise PackError(
                path, number, f"section {heading!r} repeats the heading on line {seen[anchor]}."
            )
        seen[anchor] = number
        specs.append(SectionSpec(heading=heading, anchor=anchor, body=body_text, line=number))
    return tuple(specs)


def parse_lesson_file(path: Path) -> LessonPack:
    """Parse one ``lesson.md``; raise ``PackError`` (file and line) when it is malformed."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise PackError(path, 1, f"the file is not UTF-8 ({exc.reason}).") from None
    except OSError as exc:
        raise PackError(path, 1, f"cannot read the file ({exc.strerror}).") from None
    front, body, body_line = split_front_matter(path, text)
    try:
        data = yaml.load(front, Loader=_LineLoader)  # noqa: S506 — a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 2 if mark else 1
        problem = getattr(exc, "problem", None) or str(exc)
        raise PackError(path, line, f"front matter is not valid YAML: {problem}.") from None
    read = _Reader(path, offset=1)
    root = read.mapping(data, 1, "the front matter")
    read.check_keys(
        root,
        {"slug", "title", "summary", "status", "published", "key_points", "topics", "source",
         "actions", "quiz", "exam"},
        "the front matter",
    )  # fmt: skip

    slug = read.text(root, "slug", max_length=100)
    if not SLUG.match(slug):
        raise read.error(
            read.line_of(root, "slug"), "'slug' may hold only lowercase letters, digits, hyphens."
        )
    status = read.text(root, "status", required=False) or "draft"
    if status not in ("draft", "published"):
        raise read.error(read.line_of(root, "status"), "'status' must be draft or published.")
    published, _ = read.date(root, "published")
    if status == "published" and published is None:
        raise read.error(read.line_of(root, "status"), "a published lesson needs 'published:'.")

    key_points = []
    for point in read.items(root, "key_points"):
        if not isinstance(point, str) or not point.strip():
            raise read.error(read.line_of(root, "key_points"), "each key point must be text.")
        key_points.append(" ".join(point.split()))
    if not 3 <= len(key_points) <= 6:
        raise read.error(
            read.line_of(root, "key_points"),
            f"give 3 to 6 key points (found {len(key_points)}).",
        )

    topics = []
    for item in read.items(root, "topics", required=False):
        topic = read.mapping(item, read.line_of(root, "topics"), "each topic")
        read.check_keys(topic, {"slug", "name", "emoji", "icon"}, "a topic")
        topic_slug = read.text(topic, "slug", max_length=80)
        if not SLUG.match(topic_slug):
            raise read.error(topic.line, f"topic slug {topic_slug!r} is not a valid slug.")
        icon = read.text(topic, "icon", required=False, max_length=40)
        if icon and icon not in TopicIcon.values:
            raise read.error(
                topic.line,
                f"topic icon {icon!r} is not one of: {', '.join(sorted(TopicIcon.values))}.",
            )
        topics.append(
            TopicSpec(
                slug=topic_slug,
                name=read.text(topic, "name", max_length=80),
                emoji=read.text(topic, "emoji", required=False, max_length=16),
                icon=icon,
                line=topic.line + read.offset,
            )
        )

    source = None
    if "source" in root:
        raw = read.mapping(root["source"], read.line_of(root, "source"), "'source'")
        read.check_keys(raw, {"title", "author", "outlet", "date", "url", "note"}, "'source'")
        date, precision = read.date(raw, "date")
        source = SourceSpec(
            title=read.text(raw, "title", max_length=300),
            author=read.text(raw, "author", required=False, max_length=200),
            outlet=read.text(raw, "outlet", required=False, max_length=200),
            date=date,
            precision=precision,
            url=read.text(raw, "url", required=False, max_length=500),
            note=read.text(raw, "note", required=False),
        )
        if not source.author and not source.outlet:
            raise read.error(raw.line, "'source' needs an 'author', an 'outlet', or both.")
        if source.url:
            try:
                URLValidator(schemes=["http", "https"])(source.url)
            except ValidationError:
                raise read.error(
                    read.line_of(raw, "url"), "the source 'url' must be a web address (https://…)."
                ) from None

    actions = []
    for item in read.items(root, "actions", required=False):
        action = read.mapping(item, read.line_of(root, "actions"), "each action")
        read.check_keys(action, {"kind", "text", "link"}, "an action")
        kind = read.text(action, "kind")
        if kind not in ACTION_KINDS:
            raise read.error(
                read.line_of(action, "kind"),
                f"action kind {kind!r} is not one of {', '.join(ACTION_KINDS)}.",
            )
        link = read.text(action, "link", required=False, max_length=500)
        if problem := link_problem(link):
            raise read.error(read.line_of(action, "link"), problem)
        actions.append(ActionSpec(kind=kind, text=read.text(action, "text"), link=link))

    quiz = _quiz_spec(read, root, "quiz", default_mode="practice")
    exam = _quiz_spec(read, root, "exam", default_mode="exam")

    return LessonPack(
        path=str(path),
        slug=slug,
        title=read.text(root, "title", max_length=200),
        summary=read.text(root, "summary"),
        status=status,
        published=published,
        key_points=tuple(key_points),
        topics=tuple(topics),
        source=source,
        actions=tuple(actions),
        sections=split_sections(path, body, body_line),
        quiz=quiz,
        exam=exam,
        slug_line=read.line_of(root, "slug") + read.offset,
    )


def _quiz_spec(read: _Reader, root: _Mapping, key: str, *, default_mode: str) -> QuizSpec | None:
    """The settings under ``quiz:`` (for quiz.gift) or ``exam:`` (for exam.gift), if given."""
    if key not in root:
        return None
    raw = read.mapping(root[key], read.line_of(root, key), f"{key!r}")
    read.check_keys(
        raw,
        {"title", "mode", "pass_mark", "shuffle_questions", "shuffle_choices",
         "question_count", "time_limit_minutes", "attempt_limit"},
        f"{key!r}",
    )  # fmt: skip
    mode = read.text(raw, "mode", required=False) or default_mode
    if mode not in QUIZ_MODES:
        raise read.error(read.line_of(raw, "mode"), f"{key} 'mode' must be practice or exam.")
    return QuizSpec(
        title=read.text(raw, "title", max_length=200),
        mode=mode,
        pass_mark=read.whole(raw, "pass_mark", low=0, high=100, default=70),
        shuffle_questions=read.flag(raw, "shuffle_questions", False),
        shuffle_choices=read.flag(raw, "shuffle_choices", True),
        question_count=read.whole(raw, "question_count", low=1, high=500, default=None),
        time_limit_minutes=read.whole(raw, "time_limit_minutes", low=1, high=600, default=None),
        attempt_limit=read.whole(raw, "attempt_limit", low=1, high=100, default=None),
    )
