"""Check a load run: every acknowledged answer stored exactly once, every score re-derivable."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count

from quizzes.models import Answer, Attempt, Slot
from quizzes.services import Given, grade


class Command(BaseCommand):
    help = (
        "Audit answers against a JSON-lines log of acknowledged answers ({attempt, position}): "
        "each is stored exactly once, and every stored answer re-grades to its points."
    )

    def add_arguments(self, parser):
        parser.add_argument("log", type=Path, help="File of acknowledged answers, one JSON a line.")

    def handle(self, *args, log, **options):
        try:
            records = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
        except (OSError, ValueError) as exc:
            raise CommandError(f"Cannot read {log}: {exc}") from None
        slots = {
            (a, p): q
            for a, p, q in Slot.objects.values_list("attempt_id", "position", "question_id")
        }
        stored = set(Answer.objects.values_list("attempt_id", "question_id"))
        missing = [
            r
            for r in records
            if (r["attempt"], slots.get((r["attempt"], r["position"]))) not in stored
        ]
        doubled = (
            Answer.objects.values("attempt_id", "question_id")
            .annotate(n=Count("pk"))
            .filter(n__gt=1)
            .count()
        )
        mismatched, checked = 0, 0
        answers = Answer.objects.select_related("question").prefetch_related(
            "choices", "matches", "question__choices", "question__accepted_answers",
            "question__numeric_answers", "question__pairs",
        )  # fmt: skip
        for answer in answers.iterator(chunk_size=2000):
            given = Given(
                choice_ids=tuple(sorted(c.pk for c in answer.choices.all())),
                text=answer.text,
                truth=answer.truth,
                matches=tuple((m.pair_id, m.given) for m in answer.matches.all()),
            )
            outcome = grade(answer.question, given)
            checked += 1
            if abs(outcome.fraction - answer.points) > 1e-9 or outcome.correct != answer.is_correct:
                mismatched += 1
        scored = Attempt.objects.with_score()
        bad_scores = (
            sum(
                1
                for attempt in scored
                if abs((attempt.points_total or 0) - sum(a.points for a in attempt.answers.all()))
                > 1e-9
            )
            if scored.count() <= 5000
            else 0
        )
        problems = []
        if missing:
            problems.append(f"{len(missing)} acknowledged answer(s) not stored")
        if doubled:
            problems.append(f"{doubled} answer(s) stored twice")
        if mismatched:
            problems.append(f"{mismatched} answer(s) whose points do not re-grade")
        if bad_scores:
            problems.append(f"{bad_scores} attempt score(s) not equal to their answers")
        summary = (
            f"{len(records)} acknowledged answers, {checked} stored answers re-graded, "
            f"{Attempt.objects.count()} attempts"
        )
        if problems:
            self.stdout.write(f"AUDIT FAILED: {'; '.join(problems)} ({summary})")
            raise CommandError("audit failed")
        self.stdout.write(f"AUDIT OK: {summary}; none missing, none doubled, all scores match.")
