"""``import_gift FILE --quiz SLUG``: GIFT questions into a quiz, all or nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quizzes import gift_io
from quizzes.models import Quiz


class Command(BaseCommand):
    help = "Import the questions of a GIFT file into a quiz, all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--quiz", required=True, help="Slug of the quiz to add questions to.")
        parser.add_argument(
            "--skip-unsupported",
            action="store_true",
            help="Skip essays and descriptions instead of stopping with nothing saved.",
        )
        parser.add_argument("--publish", action="store_true", help="Publish the new questions.")

    def handle(self, *args, file, quiz, skip_unsupported, publish, **options):
        target = Quiz.objects.select_related("lesson").filter(slug=quiz).first()
        if target is None:
            raise CommandError(f"No quiz with slug {quiz!r}.")
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}.") from None
        try:
            text = gift_io.decode_upload(data, name=str(file))
            result = gift_io.check_gift(text, quiz=target, skip_unsupported=skip_unsupported)
        except gift_io.GiftImportError as error:
            raise CommandError(f"{file}: {error} Nothing was saved.") from None
        created = gift_io.import_questions(quiz=target, questions=result.questions, publish=publish)
        for item in result.skipped:
            self.stdout.write(f"skipped line {item.line} {item.title!r}: {item.reason}")
        state = "published" if publish else "draft"
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {len(created)} {state} question(s) in {target.slug}; "
                f"skipped {len(result.skipped)}."
            )
        )
