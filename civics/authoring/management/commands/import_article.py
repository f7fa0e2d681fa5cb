"""``import_article FILE...``: the admin's Import article, from the shell (``--dry-run`` shows
the preview only)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from civics.authoring.drafting import draft_questions
from civics.authoring.importer import parse_article
from civics.authoring.services import save_article_draft
from quizzes.gift_io import MAX_UPLOAD_BYTES


def describe(article, drafts) -> list[str]:
    """The summary printed by the command and shown by the admin preview."""
    lines = [
        f"Title:    {article.title}",
        f"Kind:     {article.kind}",
        f"Date:     {article.date.isoformat() if article.date else '(none found)'}",
        f"By:       {article.author or ', '.join(article.outlets) or '(none found)'}",
        f"Sections: {len(article.sections)} — " + "; ".join(s.heading for s in article.sections),
        f"Topics:   {', '.join(f'{t.emoji} {t.name}'.strip() for t in article.topics) or '-'}",
        f"Actions:  {len(article.actions)}",
    ]
    lines += [f"  {i}. [{a.kind}] {a.text[:70]} {a.link}" for i, a in enumerate(article.actions, 1)]
    lines.append(f"Drafts:   {len(drafts)} question(s)")
    lines += [
        f"  {i}. ({d.question.type}, {d.section_anchor}) {d.question.prompt[:80]}"
        for i, d in enumerate(drafts, 1)
    ]
    return lines


class Command(BaseCommand):
    help = (
        "Import articles (plain text or Markdown) as draft lessons with sections, topics, "
        "actions, a source and a draft quiz of drafted questions."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Print; save nothing.")

    def handle(self, *args, files, dry_run, **options):
        # Every file is read and checked before anything is saved: one bad file, no lessons.
        texts = [(path, self._read(path)) for path in files]
        for path, text in texts:
            article = parse_article(text)
            drafts = draft_questions(article)
            self.stdout.write(f"== {path}")
            for line in describe(article, drafts):
                self.stdout.write(line)
            if dry_run:
                self.stdout.write("Dry run: nothing saved.")
                continue
            lesson, created = save_article_draft(text=text, article=article, drafts=drafts)
            if not created:
                self.stdout.write(f"Already imported as lesson {lesson.slug!r}: nothing created.")
                continue
            self.stdout.write(
                self.style.SUCCESS(
                    f"Created draft lesson {lesson.slug!r} with {len(article.sections)} "
                    f"section(s), {len(article.actions)} action(s) and a draft quiz of "
                    f"{len(drafts)} question(s)."
                )
            )

    def _read(self, path: Path) -> str:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}.") from None
        if len(data) > MAX_UPLOAD_BYTES:
            raise CommandError(f"{path} is larger than 1 MB.")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise CommandError(f"{path} is not UTF-8 text (byte {exc.start + 1}).") from None
        if not text.strip():
            raise CommandError(f"{path} is empty.")
        return text
