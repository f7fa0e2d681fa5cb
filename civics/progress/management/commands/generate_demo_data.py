"""Bulk demo data: learners with realistic attempts, answers, review boxes, ticks and reads.

Deterministic for a seed. Rows are written with bulk_create in batches, so 10,000 learners and
1,000,000 answers take minutes. Run ``load_seeds`` first: attempts are taken on the published
quizzes that exist.
"""

import random
import sys
import time
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from civics.content.models import ActionItem
from civics.progress.models import ActionTick, LearnerProfile, LessonRead
from quizzes import leitner
from quizzes.models import Answer, Attempt, Question, Quiz, ReviewItem, Slot

BATCH = 5000
DEMO_PASSWORD = "demo-learner-password"
ZONES = ["UTC", "America/New_York", "America/Chicago", "America/Denver", "America/Phoenix",
         "America/Los_Angeles", "America/Mexico_City"]  # fmt: skip


class Progress:
    """A one-line progress bar on stderr."""

    def __init__(self, label: str, total: int, stream=sys.stderr):
        self.label, self.total, self.stream, self.done = label, max(total, 1), stream, 0
        self.started = time.monotonic()

    def advance(self, count: int) -> None:
        self.done += count
        share = min(self.done / self.total, 1)
        bar = "#" * int(share * 30)
        elapsed = time.monotonic() - self.started
        self.stream.write(f"\r{self.label:<10} [{bar:<30}] {share:6.1%} {elapsed:6.1f}s")
        self.stream.flush()
        if self.done >= self.total:
            self.stream.write("\n")


class Command(BaseCommand):
    help = "Create demo learners with attempts, answers, review boxes, ticks and reads."

    def add_arguments(self, parser):
        parser.add_argument("--learners", type=int, default=100)
        parser.add_argument("--attempts", type=int, default=300, help="Attempts in all.")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--prefix", default="demo", help="Usernames are PREFIX-00001 ...")

    def handle(self, *args, learners, attempts, seed, prefix, **options):
        if learners < 1 or attempts < 0:
            raise CommandError("--learners must be at least 1 and --attempts at least 0.")
        User = get_user_model()
        if User.objects.filter(username__startswith=f"{prefix}-").exists():
            raise CommandError(f"Demo learners named {prefix}-… exist already; use --prefix.")
        quizzes = list(Quiz.objects.filter(is_published=True).select_related("lesson"))
        if not quizzes:
            raise CommandError("No published quiz: run `manage.py load_seeds` first.")
        rng = random.Random(seed)
        now = timezone.now().replace(microsecond=0)
        keys = self._keys(quizzes)
        actions = list(ActionItem.objects.values_list("pk", flat=True))
        started = time.monotonic()
        with transaction.atomic():
            users = self._learners(User, learners, prefix, rng, now)
            counts = self._attempts(users, quizzes, keys, attempts, rng, now)
            counts["ticks"] = self._ticks(users, actions, rng, now)
        # Fresh statistics for the query planner: without them PostgreSQL plans a million new
        # rows as if the tables were empty.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        elapsed = time.monotonic() - started
        summary = ", ".join(f"{n:,} {what}" for what, n in counts.items())
        self.stdout.write(
            self.style.SUCCESS(f"Created {len(users):,} learners, {summary} in {elapsed:.1f} s.")
        )

    def _keys(self, quizzes):
        """Per quiz: its questions with what a right and a wrong answer look like."""
        keys = {}
        questions = Question.objects.filter(quiz__in=quizzes, is_published=True).prefetch_related(
            "choices", "accepted_answers", "numeric_answers", "pairs"
        )
        for question in questions.order_by("order", "pk"):
            choices = list(question.choices.all())
            keys.setdefault(question.quiz_id, []).append(
                (
                    question.pk,
                    [c.pk for c in choices if c.fraction >= 1] or [c.pk for c in choices[:1]],
                    [c.pk for c in choices if c.fraction <= 0],
                )
            )
        return keys

    def _learners(self, User, count, prefix, rng, now):
        password = make_password(DEMO_PASSWORD)
        progress = Progress("learners", count)
        users = []
        for start in range(0, count, BATCH):
            batch = [
                User(
                    username=f"{prefix}-{i:05d}",
                    email=f"{prefix}-{i:05d}@example.org",
                    password=password,
                    date_joined=now - timedelta(days=rng.randrange(1, 365)),
                )
                for i in range(start + 1, min(start + BATCH, count) + 1)
            ]
            users += User.objects.bulk_create(batch)
            progress.advance(len(batch))
        if not all(u.pk for u in users):
            users = list(User.objects.filter(username__startswith=f"{prefix}-").order_by("pk"))
        LearnerProfile.objects.bulk_create(
            (LearnerProfile(user=u, time_zone=rng.choice(ZONES)) for u in users), batch_size=BATCH
        )
        return users

    def _attempts(self, users, quizzes, keys, total, rng, now):
        progress = Progress("attempts", total)
        ability = {u.pk: rng.betavariate(5, 3) for u in users}
        counts = {"attempts": 0, "answers": 0, "review items": 0, "lesson reads": 0}
        reads, boxes = set(), {}
        done = 0
        while done < total:
            size = min(BATCH // 20, total - done)
            plan = []
            for _ in range(size):
                user = rng.choice(users)
                quiz = rng.choice(quizzes)
                started = now - timedelta(minutes=rng.randrange(30, 60 * 24 * 120))
                plan.append((user, quiz, started))
            rows = Attempt.objects.bulk_create(
                Attempt(
                    quiz=quiz,
                    user=user,
                    mode=quiz.mode,
                    state=Attempt.State.FINISHED,
                    seed=rng.randrange(1, 2**31),
                    started_at=started,
                    finished_at=started + timedelta(minutes=rng.randrange(3, 25)),
                )
                for user, quiz, started in plan
            )
            slots, answers, picks = [], [], []
            for attempt, (user, quiz, _) in zip(rows, plan, strict=True):
                reads.add((user.pk, quiz.lesson_id))
                skill = ability[user.pk]
                for position, (question_id, right, wrong) in enumerate(keys[quiz.pk], start=1):
                    slots.append(Slot(attempt=attempt, question_id=question_id, position=position))
                    correct = rng.random() < skill or not wrong
                    answers.append(
                        Answer(
                            attempt=attempt,
                            question_id=question_id,
                            points=1.0 if correct else 0.0,
                            is_correct=correct,
                            answered_at=attempt.finished_at,
                        )
                    )
                    picks.append(
                        right[0] if correct and right else (rng.choice(wrong) if wrong else None)
                    )
                    place = boxes.get((user.pk, question_id))
                    boxes[(user.pk, question_id)] = leitner.after_answer(
                        place, correct=correct, now=attempt.finished_at
                    )
            Slot.objects.bulk_create(slots, batch_size=BATCH)
            created = Answer.objects.bulk_create(answers, batch_size=BATCH)
            through = Answer.choices.through
            through.objects.bulk_create(
                (
                    through(answer_id=a.pk, choice_id=c)
                    for a, c in zip(created, picks, strict=True)
                    if c is not None
                ),
                batch_size=BATCH,
            )
            counts["attempts"] += len(rows)
            counts["answers"] += len(answers)
            done += size
            progress.advance(size)
        ReviewItem.objects.bulk_create(
            (
                ReviewItem(user_id=u, question_id=q, box=p.box, due_at=p.due_at, updated_at=now)
                for (u, q), p in boxes.items()
                if p is not None
            ),
            batch_size=BATCH,
        )
        counts["review items"] = sum(p is not None for p in boxes.values())
        LessonRead.objects.bulk_create(
            (LessonRead(user_id=u, lesson_id=lesson, read_at=now) for u, lesson in reads),
            batch_size=BATCH,
            ignore_conflicts=True,
        )
        counts["lesson reads"] = len(reads)
        if total == 0:
            progress.advance(1)
        return counts

    def _ticks(self, users, actions, rng, now):
        if not actions:
            return 0
        rows = []
        for user in users:
            for action in rng.sample(actions, k=rng.randrange(0, min(4, len(actions)) + 1)):
                rows.append(
                    ActionTick(
                        user=user,
                        action_id=action,
                        ticked_at=now - timedelta(days=rng.randrange(0, 60)),
                    )
                )
        ActionTick.objects.bulk_create(rows, batch_size=BATCH)
        return len(rows)
