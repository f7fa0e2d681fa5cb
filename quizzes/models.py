"""The quiz engine's rows: quizzes, questions with their keys (choices, accepted answers, numeric
answers, pairs), attempts with their slots and answers, and the review queue."""

import html
import random
import secrets
from functools import cached_property

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.text import Truncator

from civics.content.markdown import MAX_QUESTION_TEXT_CHARS, render_inline, render_markdown
from civics.content.models import Lesson, LessonSection


class Quiz(models.Model):
    class Mode(models.TextChoices):
        PRACTICE = "practice", "Practice (feedback after each answer)"
        EXAM = "exam", "Exam (feedback at the end)"

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="quizzes")
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.PRACTICE)
    pass_mark = models.PositiveSmallIntegerField(
        default=70, validators=[MaxValueValidator(100)], help_text="Percent needed to pass."
    )
    shuffle_questions = models.BooleanField(default=False)
    shuffle_choices = models.BooleanField(default=True)
    question_count = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Draw this many questions at random from the pool; blank for all.",
    )
    time_limit_minutes = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1)]
    )
    attempt_limit = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1)]
    )
    is_published = models.BooleanField("published", default=False)

    class Meta:
        verbose_name_plural = "quizzes"
        ordering = ["lesson", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return self.lesson.get_absolute_url() + "#quiz"


class QuestionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def with_keys(self):
        """Everything grading and review need, in a fixed number of queries."""
        return self.select_related("section__lesson", "quiz__lesson").prefetch_related(
            "choices", "accepted_answers", "numeric_answers", "pairs"
        )


class Question(models.Model):
    class Type(models.TextChoices):
        SINGLE = "single", "Single choice"
        MULTIPLE = "multiple", "Multiple response"
        TRUE_FALSE = "true_false", "True / false"
        SHORT = "short", "Short answer"
        NUMERIC = "numeric", "Numeric"
        MATCHING = "matching", "Matching"

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="questions")
    type = models.CharField(max_length=12, choices=Type.choices, default=Type.SINGLE)
    title = models.CharField(max_length=200, blank=True, help_text="Short name for educators.")
    prompt = models.TextField(
        help_text="Markdown. Raw HTML is not rendered.",
        validators=[MaxLengthValidator(MAX_QUESTION_TEXT_CHARS)],
    )
    prompt_html = models.TextField(editable=False, default="")
    explanation = models.TextField(
        blank=True,
        help_text="Shown after answering. Markdown.",
        validators=[MaxLengthValidator(MAX_QUESTION_TEXT_CHARS)],
    )
    explanation_html = models.TextField(editable=False, default="")
    section = models.ForeignKey(
        LessonSection,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questions",
        help_text="The passage of the lesson this question draws on.",
    )
    truth = models.BooleanField(null=True, blank=True, help_text="True/false questions only.")
    feedback_right = models.TextField(blank=True)
    feedback_wrong = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)
    is_published = models.BooleanField("published", default=False)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.title or self.prompt[:80]

    def save(self, *args, **kwargs):
        self.__dict__.pop("prompt_text", None)  # worked out again from the new prompt
        self.__dict__.pop("prompt_opening", None)
        self.prompt_html = render_markdown(self.prompt)
        self.explanation_html = render_markdown(self.explanation)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "prompt_html", "explanation_html"}
        super().save(*args, **kwargs)

    @cached_property
    def prompt_text(self) -> str:
        """The prompt as plain text (for a legend or heading), entities decoded once. Worked out
        once per instance: ``prepared.questions_with_keys`` computes it before caching, so the
        learners' pages read it as a plain value (strip_tags parses the HTML each time)."""
        return html.unescape(strip_tags(self.prompt_html)).strip()

    @cached_property
    def prompt_opening(self) -> str:
        """The prompt's first dozen words, for a list that names questions ("Question 7 …")."""
        return Truncator(self.prompt_text).words(12)


def _public_id() -> str:
    return secrets.token_hex(6)


class Choice(models.Model):
    """An option of a single-choice or multiple-response question.

    ``fraction`` is the share of the question's point the choice earns: 1 for the right answer
    of a single-choice question, GIFT weights (e.g. 0.5, -0.5) for multiple response.
    """

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    # What the answer form posts: random, so neither the id order nor the creation order of
    # choices (GIFT lists the right one first) hints at the answer.
    public_id = models.CharField(max_length=12, unique=True, default=_public_id, editable=False)
    order = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(max_length=500)
    text_html = models.CharField(max_length=1000, editable=False, default="")
    fraction = models.FloatField(
        default=0, validators=[MinValueValidator(-1), MaxValueValidator(1)]
    )
    feedback = models.TextField(blank=True)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text

    def save(self, *args, **kwargs):
        self.text_html = render_inline(self.text)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "text_html"}
        super().save(*args, **kwargs)

    @property
    def is_correct(self) -> bool:
        return self.fraction > 0


class AcceptedAnswer(models.Model):
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="accepted_answers"
    )
    text = models.CharField(max_length=300)
    fraction = models.FloatField(default=1, validators=[MinValueValidator(0), MaxValueValidator(1)])
    feedback = models.TextField(blank=True)

    class Meta:
        ordering = ["-fraction", "pk"]

    def __str__(self) -> str:
        return self.text


class NumericAnswer(models.Model):
    """A value with a tolerance, or a range from ``low`` to ``high`` (inclusive)."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="numeric_answers")
    value = models.FloatField(null=True, blank=True)
    tolerance = models.FloatField(default=0, validators=[MinValueValidator(0)])
    low = models.FloatField(null=True, blank=True)
    high = models.FloatField(null=True, blank=True)
    fraction = models.FloatField(default=1, validators=[MinValueValidator(0), MaxValueValidator(1)])
    feedback = models.TextField(blank=True)

    class Meta:
        ordering = ["-fraction", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__isnull=False, low__isnull=True, high__isnull=True)
                | Q(
                    value__isnull=True,
                    low__isnull=False,
                    high__isnull=False,
                    low__lte=models.F("high"),
                ),
                name="numeric_value_or_range",
            ),
        ]

    def __str__(self) -> str:
        if self.value is None:
            return f"{self.low:g}–{self.high:g}"
        return f"{self.value:g}" + (f" ± {self.tolerance:g}" if self.tolerance else "")


class MatchPair(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="pairs")
    order = models.PositiveSmallIntegerField(default=0)
    left = models.CharField(max_length=300)
    right = models.CharField(max_length=300)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return f"{self.left} → {self.right}"


class AttemptState(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    FINISHED = "finished", "Finished"
    ABANDONED = "abandoned", "Abandoned"


# The primary-attempt rule, stated once: an attempt at the quiz itself, neither a "practise what
# I missed" retry nor a review session. Attempt limits, mastery, statistics, adoption and the
# one-open-attempt constraints count only these.
PRIMARY_FIELDS = {"retry_of__isnull": True, "is_review": False}
PRIMARY = Q(**PRIMARY_FIELDS)


class AttemptQuerySet(models.QuerySet):
    def primary(self):
        """Only primary attempts (see ``PRIMARY``)."""
        return self.filter(PRIMARY)

    def with_score(self):
        """Annotate ``points_total`` (sum of answer points) and ``slot_total`` (questions)."""
        points = (
            Answer.objects.filter(attempt=OuterRef("pk"))
            .values("attempt")
            .annotate(total=Sum("points"))
            .values("total")
        )
        slots = (
            Slot.objects.filter(attempt=OuterRef("pk"))
            .values("attempt")
            .annotate(total=Count("pk"))
            .values("total")
        )
        return self.annotate(
            points_total=Coalesce(Subquery(points), Value(0.0)), slot_total=Subquery(slots)
        )

    def owned_by(self, *, user, token: str):
        """Attempts of the signed-in user, or of the anonymous session holding ``token``."""
        if user.is_authenticated:
            return self.filter(user=user)
        if not token:
            return self.none()
        return self.filter(user__isnull=True, anonymous_token=token)


class Attempt(models.Model):
    State = AttemptState

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attempts",
    )
    anonymous_token = models.CharField(max_length=64, blank=True, db_index=True)
    mode = models.CharField(max_length=10, choices=Quiz.Mode.choices)
    is_review = models.BooleanField(
        default=False, help_text="A review session over questions due in the learner's queue."
    )
    retry_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="retries",
        help_text="Set on a 'practise what I missed' attempt.",
    )
    state = models.CharField(max_length=12, choices=State.choices, default=State.IN_PROGRESS)
    seed = models.PositiveIntegerField(help_text="Fixes the choice order of this attempt.")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    deadline = models.DateTimeField(null=True, blank=True)

    objects = AttemptQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(anonymous_token=""),
                name="attempt_has_owner",
            ),
            models.CheckConstraint(
                condition=~Q(state=AttemptState.FINISHED) | Q(finished_at__isnull=False),
                name="finished_attempt_has_time",
            ),
            # One quiz attempt in progress per learner and quiz: concurrent "start" clicks
            # resume one attempt instead of creating several.
            models.UniqueConstraint(
                fields=["user", "quiz"],
                condition=Q(state=AttemptState.IN_PROGRESS, user__isnull=False, **PRIMARY_FIELDS),
                name="one_open_attempt_per_account",
            ),
            models.UniqueConstraint(
                fields=["anonymous_token", "quiz"],
                condition=Q(state=AttemptState.IN_PROGRESS, user__isnull=True, **PRIMARY_FIELDS),
                name="one_open_attempt_per_session",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "quiz", "state"]),
            models.Index(fields=["quiz", "state", "finished_at"]),
        ]
        permissions = [
            # Not in the Educators group: without it, results exports show pseudonyms.
            ("view_learner_results", "Can see learners' identities in results and statistics"),
        ]

    def __str__(self) -> str:
        return f"{self.quiz} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("quizzes:attempt", args=[self.pk])

    @property
    def is_primary(self) -> bool:
        """The primary-attempt rule (``PRIMARY``) for one loaded attempt."""
        return self.retry_of_id is None and not self.is_review

    @property
    def is_in_progress(self) -> bool:
        return self.state == self.State.IN_PROGRESS

    @property
    def is_practice(self) -> bool:
        return self.mode == Quiz.Mode.PRACTICE

    def is_overdue(self, now) -> bool:
        return self.deadline is not None and now >= self.deadline

    def finish(self, now) -> bool:
        """Finish once: True for the call that finished it, False if it already was."""
        done = Attempt.objects.filter(pk=self.pk, state=self.State.IN_PROGRESS).update(
            state=self.State.FINISHED, finished_at=now
        )
        if done:
            self.state, self.finished_at = self.State.FINISHED, now
        return bool(done)

    def choice_order(self, question: Question, choices: list, salt: str = "") -> list:
        """The choices of ``question`` in this attempt's fixed order (one stream per salt)."""
        if not self.quiz.shuffle_choices or question.type == Question.Type.TRUE_FALSE:
            return list(choices)
        shuffled = list(choices)
        random.Random(f"{self.seed}:{question.pk}:{salt}").shuffle(shuffled)
        return shuffled


class Slot(models.Model):
    """A question's place in an attempt, fixed at start, and its sequence token.

    ``sequence`` counts the submissions accepted for this question (Moodle's sequence check):
    a form carries the value it was rendered with, so a stale or replayed POST is refused.
    """

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="slots")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="slots")
    position = models.PositiveSmallIntegerField()
    sequence = models.PositiveIntegerField(default=0)
    # The learner's "flag for review" mark in an exam: a note to self, never part of the score.
    flagged = models.BooleanField(default=False)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "position"], name="unique_slot_position"),
            models.UniqueConstraint(fields=["attempt", "question"], name="unique_slot_question"),
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id}:{self.position}"


class Answer(models.Model):
    """What a learner gave for one question of one attempt, and what it earned."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    text = models.CharField(max_length=500, blank=True, help_text="Short answer or number.")
    truth = models.BooleanField(null=True, blank=True)
    choices = models.ManyToManyField(Choice, blank=True, related_name="answers")
    points = models.FloatField(validators=[MinValueValidator(0), MaxValueValidator(1)])
    is_correct = models.BooleanField()
    answered_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="one_answer_per_question"),
            models.CheckConstraint(
                condition=Q(points__gte=0) & Q(points__lte=1), name="answer_points_0_to_1"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id}/{self.question_id}: {self.points:g}"


class MatchResponse(models.Model):
    """The right-hand item a learner matched with one pair's left-hand item."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="matches")
    pair = models.ForeignKey(MatchPair, on_delete=models.CASCADE, related_name="responses")
    given = models.CharField(max_length=300)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["answer", "pair"], name="one_match_per_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.pair.left} → {self.given}"


class ReviewItemQuerySet(models.QuerySet):
    def due(self, now):
        return self.filter(due_at__lte=now, question__is_published=True)


class ReviewItem(models.Model):
    """A question in a learner's review queue (Leitner box and when it is due)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_items"
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="review_items")
    box = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    due_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    objects = ReviewItemQuerySet.as_manager()

    class Meta:
        ordering = ["due_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "question"], name="one_review_item_per_question"
            ),
            models.CheckConstraint(
                condition=Q(box__gte=1) & Q(box__lte=5), name="review_box_1_to_5"
            ),
        ]
        indexes = [models.Index(fields=["user", "due_at"])]

    def __str__(self) -> str:
        return f"{self.user_id}/{self.question_id} box {self.box}"
