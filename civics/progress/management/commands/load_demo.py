"""``load_demo``: two accounts to try every feature with, for a local or demo site.

A demo learner whose history spans the past week (quizzes taken and retaken on several days, an
exam against its timer, lessons read, checklist actions ticked), so the dashboard shows a
mastered topic, questions due for review, a streak and a score chart; and a demo educator (staff,
in the Educators group) for the admin. The history is made through the same services a learner's
requests use (start, answer, finish, tick), with ``now`` set in the past.

Idempotent: accounts that exist are left as they are. Its passwords are printed, so it refuses to
run with DEBUG off unless ``--force``.
"""

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from civics.content.models import Lesson
from civics.progress.models import LearnerProfile, LessonRead
from civics.progress.services import set_tick
from quizzes.models import Question, Quiz
from quizzes.question_types import question_type
from quizzes.services import Given, finish_attempt, start_attempt, submit_answer

LEARNER = "demo_learner"
LEARNER_PASSWORD = "try-civicpath-learner"
EDUCATOR = "demo_educator"
EDUCATOR_PASSWORD = "try-civicpath-educator"


@dataclass(frozen=True)
class Sitting:
    """One finished attempt in the demo history: which quiz, how many days ago, at what hour
    (the learner's time), and how many of its questions are answered right."""

    quiz_slug: str
    days_ago: int
    hour: int
    right: int


NEWS, ESSAY = "rubio-security-collaboration", "us-mexico-reset"
# Rubio's quiz three times, all right on the last day: mastered (held beyond one sitting).
# The essay's quiz once with misses (due for review since) and its exam against the timer.
HISTORY = (
    Sitting(NEWS, days_ago=6, hour=18, right=8),
    Sitting(NEWS, days_ago=4, hour=19, right=11),
    Sitting(ESSAY, days_ago=3, hour=17, right=17),
    Sitting(NEWS, days_ago=2, hour=18, right=14),
    Sitting(f"{ESSAY}-exam", days_ago=1, hour=12, right=10),
)
# (lesson, how many of its actions, days ago) ticked on the checklist
TICKS = ((NEWS, 2, 5), (ESSAY, 1, 0))


class Command(BaseCommand):
    help = (
        "Create a demo learner with a week of history and a demo educator, and print how to "
        "sign in. Idempotent. Refused with DEBUG off unless --force. Run load_seeds first."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off (the passwords are public: never on a real site).",
        )

    def handle(self, *args, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "load_demo creates accounts whose passwords are printed and public, so it runs "
                "only with DEBUG on (as `make demo` sets it). Use --force to run it anyway, "
                "never on a site others can reach."
            )
        User = get_user_model()
        educators = Group.objects.filter(name="Educators").first()
        if educators is None:
            raise CommandError("The Educators group is missing; run `manage.py migrate` first.")
        quizzes = {
            q.slug: q
            for q in Quiz.objects.filter(slug__in={s.quiz_slug for s in HISTORY}, is_published=True)
        }
        missing = sorted({s.quiz_slug for s in HISTORY} - set(quizzes))
        if missing:
            raise CommandError(
                f"The seed quizzes {', '.join(missing)} are missing or unpublished; run "
                "`manage.py load_seeds` first."
            )

        changed = False
        with transaction.atomic():
            if User.objects.filter(username=LEARNER).exists():
                self.stdout.write(f"Demo learner {LEARNER!r}: unchanged (exists already).")
            else:
                counts = self._learner(User, quizzes)
                changed = True
                self.stdout.write(
                    f"Demo learner {LEARNER!r}: created, with {counts['attempts']} finished "
                    f"attempts over {counts['days']} days, {counts['reads']} lessons read and "
                    f"{counts['ticks']} checklist ticks."
                )
            if User.objects.filter(username=EDUCATOR).exists():
                self.stdout.write(f"Demo educator {EDUCATOR!r}: unchanged (exists already).")
            else:
                educator = User(username=EDUCATOR, email="demo-educator@example.org", is_staff=True)
                educator.set_password(EDUCATOR_PASSWORD)
                educator.save()
                educator.groups.add(educators)
                changed = True
                self.stdout.write(f"Demo educator {EDUCATOR!r}: created (staff, Educators).")

        if changed:
            self.stdout.write(self.style.SUCCESS("Demo accounts ready."))
        else:
            self.stdout.write("Nothing changed: the demo accounts exist already.")
        login, admin = reverse("login"), reverse("admin:index")
        self.stdout.write(
            "\nSign in (with `make demo`, at http://127.0.0.1:8000):\n"
            f"  learner   {login}  username {LEARNER}  password {LEARNER_PASSWORD}\n"
            f"            then open the dashboard: {reverse('civics:dashboard')}\n"
            f"  educator  {admin}  username {EDUCATOR}  password {EDUCATOR_PASSWORD}\n"
        )

    def _learner(self, User, quizzes: dict[str, Quiz]) -> dict[str, int]:
        now = timezone.now()
        zone = ZoneInfo(settings.TIME_ZONE)
        today = now.astimezone(zone).date()

        def at(days_ago: int, hour: int) -> datetime:
            moment = datetime.combine(today - timedelta(days=days_ago), time(hour), tzinfo=zone)
            return min(moment, now - timedelta(minutes=30))

        learner = User(
            username=LEARNER,
            email="demo-learner@example.org",
            date_joined=at(7, 9),
        )
        learner.set_password(LEARNER_PASSWORD)
        learner.save()
        LearnerProfile.objects.create(user=learner, time_zone=settings.TIME_ZONE)

        rng = random.Random(13)  # the same history on every site
        lessons = {}
        for sitting in HISTORY:
            quiz = quizzes[sitting.quiz_slug]
            started = at(sitting.days_ago, sitting.hour)
            lessons.setdefault(quiz.lesson_id, started - timedelta(minutes=20))
            self._sit(learner, quiz, started=started, right=sitting.right, rng=rng)
        LessonRead.objects.bulk_create(
            LessonRead(user=learner, lesson_id=lesson_id, read_at=read_at)
            for lesson_id, read_at in lessons.items()
        )
        ticks = 0
        for slug, count, days_ago in TICKS:
            lesson = Lesson.objects.get(slug=slug)
            for offset, action in enumerate(lesson.actions.order_by("order")[:count]):
                when = at(days_ago, 20) + timedelta(minutes=offset)
                set_tick(user=learner, action=action, done=True, note="", now=when)
                ticks += 1
        return {
            "attempts": len(HISTORY),
            "days": len({s.days_ago for s in HISTORY} | {t[2] for t in TICKS}),
            "reads": len(lessons),
            "ticks": ticks,
        }

    def _sit(self, learner, quiz: Quiz, *, started: datetime, right: int, rng) -> None:
        """Take ``quiz`` from start to finish, the first ``right`` questions answered right."""
        attempt = start_attempt(quiz=quiz, user=learner, token="", now=started, rng=rng)
        slots = list(attempt.slots.order_by("position"))
        questions = Question.objects.with_keys().in_bulk([s.question_id for s in slots])
        moment = started
        for index, slot in enumerate(slots):
            moment += timedelta(seconds=35)
            question = questions[slot.question_id]
            given = question_type(question.type).sample_given(question, right=index < right)
            submit_answer(
                attempt=attempt,
                slot=slot,
                question=question,
                given=Given(**given),
                sequence=slot.sequence,
                now=moment,
            )
        finish_attempt(attempt=attempt, now=moment + timedelta(minutes=1))
