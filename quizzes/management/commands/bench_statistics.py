"""Time the admin statistics page over a generated quiz. Leaves the database as it found it."""

import random
import time
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from civics.content.models import Lesson
from quizzes.models import Answer, Attempt, Choice, Question, Quiz, Slot


class _Rollback(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Generate a quiz with ANSWERS answers inside a transaction, time the admin statistics "
        "page (first and all attempts) and the question list, then roll everything back."
    )

    def add_arguments(self, parser):
        parser.add_argument("--answers", type=int, default=100_000)
        parser.add_argument("--questions", type=int, default=12)
        parser.add_argument("--repeat", type=int, default=3, help="Renders per page; best kept.")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, answers, questions, repeat, seed, **options):
        if answers < questions or questions < 2:
            raise CommandError("Need at least 2 questions and as many answers as questions.")
        rng = random.Random(seed)
        results = {}
        try:
            with transaction.atomic():
                quiz = self._generate(rng, answers=answers, questions=questions)
                admin = get_user_model().objects.create_superuser(
                    "bench-admin", "bench@example.org", "unused-password-123"
                )
                client = Client()
                client.force_login(admin)
                stats_url = f"/admin/quizzes/quiz/{quiz.pk}/statistics/"
                pages = {
                    "statistics, first attempts": stats_url,
                    "statistics, all attempts": stats_url + "?attempts=all",
                    "question list": f"/admin/quizzes/question/?quiz__id__exact={quiz.pk}",
                }
                plain = "django.contrib.staticfiles.storage.StaticFilesStorage"
                storages = {**settings.STORAGES, "staticfiles": {"BACKEND": plain}}
                with override_settings(ALLOWED_HOSTS=["testserver"], STORAGES=storages):
                    for label, url in pages.items():
                        best, queries = None, 0
                        for _ in range(repeat):
                            cache.clear()  # cold: the sums are computed, not read from cache
                            with CaptureQueriesContext(connection) as ctx:
                                start = time.perf_counter()
                                response = client.get(url)
                                elapsed = time.perf_counter() - start
                            if response.status_code != 200:
                                raise CommandError(f"{url} answered {response.status_code}.")
                            best = elapsed if best is None else min(best, elapsed)
                            queries = len(ctx.captured_queries)
                        results[label] = (best, queries)
                raise _Rollback
        except _Rollback:
            pass
        vendor = connection.vendor
        self.stdout.write(f"{answers:,} answers, {questions} questions, database {vendor}:")
        for label, (seconds, queries) in results.items():
            self.stdout.write(f"  {label:<28} {seconds * 1000:8.1f} ms  {queries} queries")
        slowest = max(seconds for seconds, _ in results.values())
        verdict = "under" if slowest < 1 else "OVER"
        self.stdout.write(f"Slowest page {slowest * 1000:.0f} ms: {verdict} the 1 s goal.")

    def _generate(self, rng, *, answers: int, questions: int) -> Quiz:
        now = timezone.now()
        lesson = Lesson.objects.create(
            title="Benchmark lesson", slug="bench-statistics-lesson", summary="Generated."
        )
        quiz = Quiz.objects.create(lesson=lesson, title="Benchmark quiz", slug="bench-statistics")
        question_rows = [
            Question(quiz=quiz, type="single", prompt=f"Question {i}?", order=i, is_published=True)
            for i in range(questions)
        ]
        Question.objects.bulk_create(question_rows)
        question_rows = list(quiz.questions.order_by("order"))
        Choice.objects.bulk_create(
            Choice(question=q, order=j, text=f"Choice {j}", fraction=1.0 if j == 0 else 0.0)
            for q in question_rows
            for j in range(4)
        )
        choices = {}
        for choice in Choice.objects.filter(question__quiz=quiz).order_by("order"):
            choices.setdefault(choice.question_id, []).append(choice)
        learners = answers // questions
        Attempt.objects.bulk_create(
            Attempt(
                quiz=quiz,
                anonymous_token=f"bench-{i // 2}",
                mode=Quiz.Mode.EXAM,
                state=Attempt.State.FINISHED,
                seed=i,
                started_at=now - timedelta(minutes=learners - i),
                finished_at=now - timedelta(minutes=learners - i - 1),
            )
            for i in range(learners)
        )
        attempts = list(quiz.attempts.order_by("pk"))
        Slot.objects.bulk_create(
            Slot(attempt=a, question=q, position=p)
            for a in attempts
            for p, q in enumerate(question_rows, start=1)
        )
        answer_rows, picked = [], []
        for attempt in attempts:
            ability = rng.random()
            for question in question_rows:
                right = rng.random() < 0.3 + 0.6 * ability
                choice = choices[question.pk][0 if right else rng.randrange(1, 4)]
                answer_rows.append(
                    Answer(
                        attempt=attempt,
                        question=question,
                        points=1.0 if right else 0.0,
                        is_correct=right,
                        answered_at=attempt.finished_at,
                    )
                )
                picked.append(choice)
        created = Answer.objects.bulk_create(answer_rows, batch_size=5000)
        if not all(a.pk for a in created):  # SQLite < 3.35 cannot return ids
            created = list(Answer.objects.filter(attempt__quiz=quiz).order_by("pk"))
        through = Answer.choices.through
        through.objects.bulk_create(
            (through(answer_id=a.pk, choice_id=c.pk) for a, c in zip(created, picked, strict=True)),
            batch_size=5000,
        )
        return quiz
