"""What a learner has done outside quizzes: checklist ticks, lesson reads, and the learner's
profile (time zone, an e-mail address awaiting confirmation). The tables keep the names the
content app gave them (see migrations/0001_initial.py)."""

from django.conf import settings
from django.db import models

from civics.content.models import ActionItem, Lesson


class ActionTickQuerySet(models.QuerySet):
    def for_user(self, user) -> "ActionTickQuerySet":
        return self.filter(user=user) if user.is_authenticated else self.none()


class ActionTick(models.Model):
    """A learner has done one action of a lesson's checklist."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="action_ticks"
    )
    action = models.ForeignKey(ActionItem, on_delete=models.CASCADE, related_name="ticks")
    note = models.CharField(max_length=280, blank=True)
    ticked_at = models.DateTimeField()

    objects = ActionTickQuerySet.as_manager()

    class Meta:
        db_table = "civics_actiontick"  # made by the content app before progress had its own
        ordering = ["-ticked_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "action"], name="one_tick_per_action"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} ✓ {self.action_id}"


class LearnerProfile(models.Model):
    """Per-account preferences; the time zone decides where a learner's day starts."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="learner_profile"
    )
    time_zone = models.CharField(max_length=64, default="UTC")
    # The address given at sign-up, until its owner opens the link we mailed to it; only then
    # does it become the account's e-mail (the one password resets go to).
    unconfirmed_email = models.EmailField(blank=True)

    class Meta:
        db_table = "civics_learnerprofile"

    def __str__(self) -> str:
        return f"{self.user} ({self.time_zone})"


class LessonRead(models.Model):
    """A signed-in learner opened the lesson (its "read" status on the dashboard)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_reads"
    )
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="reads")
    read_at = models.DateTimeField()

    class Meta:
        db_table = "civics_lessonread"
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson"], name="one_read_per_lesson"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.lesson_id}"
