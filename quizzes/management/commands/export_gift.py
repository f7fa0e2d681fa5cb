"""``export_gift SLUG``: a quiz's questions as GIFT."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quizzes import gift_io
from quizzes.models import Quiz


class Command(BaseCommand):
    help = "Write a quiz's questions as a GIFT file (or to standard output)."

    def add_arguments(self, parser):
        parser.add_argument("quiz", help="Slug of the quiz.")
        parser.add_argument("-o", "--output", type=Path, help="File to write (default: stdout).")

    def handle(self, *args, quiz, output, **options):
        target = Quiz.objects.filter(slug=quiz).first()
        if target is None:
            raise CommandError(f"No quiz with slug {quiz!r}.")
        try:
            text = gift_io.export_gift(target.questions.all())
        except gift_io.GiftExportError as error:
            raise CommandError(str(error)) from None
        if output is None:
            self.stdout.write(text, ending="")
            return
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"Cannot write {output}: {exc.strerror}.") from None
        count = target.questions.count()
        self.stderr.write(f"Wrote {count} question(s) of {target.slug} to {output}.")
