"""``load_seeds``: load every content pack under seeds/ (lesson.md, and quiz.gift and exam.gift
through the quiz engine's pack loader), idempotently."""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from civics.content.packs import PackError, parse_lesson_file
from civics.content.services import save_lesson_pack
from quizzes.packs import load_exam_pack, load_quiz_pack

DEFAULT_DIR = Path(settings.BASE_DIR) / "seeds"


class Command(BaseCommand):
    help = (
        "Load every content pack in seeds/ (lesson.md, quiz.gift, exam.gift). Idempotent and "
        "all-or-nothing: a malformed pack saves nothing and names the file and line."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "packs",
            nargs="*",
            type=Path,
            help="Pack folders to load (default: every folder in seeds/ holding a lesson.md).",
        )
        parser.add_argument("--dir", type=Path, default=DEFAULT_DIR, help="Folder of packs.")

    def handle(self, *args, packs, dir, **options):
        folders = packs or sorted(p.parent for p in Path(dir).glob("*/lesson.md"))
        if not folders:
            raise CommandError(f"No packs found: no */lesson.md under {dir}.")
        parsed = []
        for folder in folders:
            lesson_file = Path(folder) / "lesson.md"
            if not lesson_file.is_file():
                raise CommandError(f"{folder}: no lesson.md in this pack.")
            try:
                parsed.append((folder, parse_lesson_file(lesson_file)))
            except PackError as exc:
                raise CommandError(f"{exc} Nothing was saved.") from None

        seen: dict[str, Path] = {}
        topics: dict[str, tuple] = {}
        for folder, pack in parsed:
            here = folder / "lesson.md"
            if pack.slug in seen:
                raise CommandError(
                    f"{here}:{pack.slug_line}: slug {pack.slug!r} is also used by "
                    f"{seen[pack.slug] / 'lesson.md'}. Nothing was saved."
                )
            seen[pack.slug] = folder
            for topic in pack.topics:
                first = topics.setdefault(topic.slug, (topic, here))
                if (first[0].name, first[0].emoji, first[0].icon) != (
                    topic.name,
                    topic.emoji,
                    topic.icon,
                ):
                    raise CommandError(
                        f"{here}:{topic.line}: topic {topic.slug!r} is named "
                        f"{topic.emoji} {topic.name!r} here but {first[0].emoji} "
                        f"{first[0].name!r} in {first[1]}; use one name. Nothing was saved."
                    )

        report = []
        try:
            with transaction.atomic():
                for folder, pack in parsed:
                    try:
                        lesson, status = save_lesson_pack(pack=pack)
                        report.append((lesson.slug, "lesson", status))
                    except ValidationError as exc:
                        raise PackError(Path(folder) / "lesson.md", 1, _messages(exc)) from None
                    for extra, filename in _pack_extras():
                        try:
                            report.extend(extra(folder=Path(folder), pack=pack, lesson=lesson))
                        except ValidationError as exc:
                            raise PackError(Path(folder) / filename, 1, _messages(exc)) from None
        except PackError as exc:
            raise CommandError(f"{exc} Nothing was saved.") from None

        counts = {"created": 0, "updated": 0, "unchanged": 0}
        for slug, what, status in report:
            counts[status] += 1
            self.stdout.write(f"{slug}: {what} {status}")
        if counts["created"] or counts["updated"]:
            summary = ", ".join(f"{n} {status}" for status, n in counts.items() if n)
            self.stdout.write(self.style.SUCCESS(f"Loaded {len(parsed)} pack(s): {summary}."))
        else:
            self.stdout.write(f"Loaded {len(parsed)} pack(s): nothing changed.")


def _pack_extras():
    """Loaders for the rest of a pack, registered by other apps (the quizzes in quiz.gift and
    exam.gift)."""
    return [(load_quiz_pack, "quiz.gift"), (load_exam_pack, "exam.gift")]


def _messages(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
    return " ".join(exc.messages)
