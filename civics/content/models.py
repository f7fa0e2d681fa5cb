"""Content learners read: topics, sources, lessons, their key points, sections and actions, and
the content version the cache keys on."""

import math
import re

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Count, Prefetch, Q
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from civics.content.links import LINK_PATTERNS, derive_link, is_allowed_link, link_problem
from civics.content.markdown import MAX_BODY_CHARS, render_markdown

WORDS_PER_MINUTE = 200


def _printable(text: str) -> bool:
    """No control characters or spaces inside: browsers strip them and read "java\nscript:"."""
    return all(ch.isprintable() and not ch.isspace() for ch in text)


class TopicIcon(models.TextChoices):
    """The icons a topic can show: names from the heroicons set (the ``heroicons`` package
    ships the SVGs), so each one renders; an icon outside this list would fail the page."""

    TAG = "tag", _("Tag (any topic)")
    GOVERNMENT = "building-library", _("Government building")
    WORLD = "globe-americas", _("Globe")
    PASSPORT = "identification", _("Identity card")
    HEALTH = "beaker", _("Beaker")
    TRADE = "truck", _("Truck")
    MONEY = "banknotes", _("Banknotes")
    LAW = "scale", _("Scales")
    EDUCATION = "academic-cap", _("Graduation cap")
    HOUSING = "home-modern", _("House")
    CARE = "heart", _("Heart")
    ENVIRONMENT = "sun", _("Sun")
    VOICE = "megaphone", _("Megaphone")
    VOTING = "check-badge", _("Check badge")
    COMMUNITY = "user-group", _("People")
    SECURITY = "shield-check", _("Shield")
    MEDIA = "newspaper", _("Newspaper")
    LOCAL = "map", _("Map")
    WORK = "briefcase", _("Briefcase")


# A topic chip's emoji (variation selectors dropped) and the icon it suggests; the article
# importer uses it for the topics it creates. Migration 0011 keeps its own copy.
EMOJI_ICONS = {
    "🌍": TopicIcon.WORLD,
    "🌎": TopicIcon.WORLD,
    "🌏": TopicIcon.WORLD,
    "🏛": TopicIcon.GOVERNMENT,
    "🛂": TopicIcon.PASSPORT,
    "💊": TopicIcon.HEALTH,
    "🚢": TopicIcon.TRADE,
    "💰": TopicIcon.MONEY,
    "💵": TopicIcon.MONEY,
    "⚖": TopicIcon.LAW,
    "🎓": TopicIcon.EDUCATION,
    "🏫": TopicIcon.EDUCATION,
    "🏠": TopicIcon.HOUSING,
    "🏥": TopicIcon.CARE,
    "🌱": TopicIcon.ENVIRONMENT,
    "🌳": TopicIcon.ENVIRONMENT,
    "📣": TopicIcon.VOICE,
    "🗳": TopicIcon.VOTING,
    "👥": TopicIcon.COMMUNITY,
    "🛡": TopicIcon.SECURITY,
    "📰": TopicIcon.MEDIA,
    "🗺": TopicIcon.LOCAL,
    "💼": TopicIcon.WORK,
}


def icon_for_emoji(emoji: str) -> str:
    """The icon a topic with this emoji should start with (the general one if none fits)."""
    return EMOJI_ICONS.get(emoji.replace("\ufe0f", "").strip(), TopicIcon.TAG)


class TopicQuerySet(models.QuerySet):
    def for_home(self) -> "TopicQuerySet":
        """Topics with published lessons, by name, each with ``lesson_count``."""
        return (
            self.annotate(
                lesson_count=Count("lessons", filter=Q(lessons__status=Lesson.Status.PUBLISHED))
            )
            .filter(lesson_count__gt=0)
            .order_by("name")
        )


class Topic(models.Model):
    Icon = TopicIcon

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    emoji = models.CharField(
        max_length=16, blank=True, help_text="Decoration only; the icon is what learners see."
    )
    icon = models.CharField(
        max_length=40,
        choices=TopicIcon.choices,
        default=TopicIcon.TAG,
        help_text="Shown beside the topic's name (an SVG from the heroicons set).",
    )
    description = models.TextField(blank=True)

    objects = TopicQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.emoji} {self.name}".strip()

    def get_absolute_url(self) -> str:
        return reverse("civics:topic", args=[self.slug])


class Source(models.Model):
    """The article a lesson is built from, kept for its credit line."""

    class Precision(models.TextChoices):
        DAY = "day", "Day"
        MONTH = "month", "Month"
        YEAR = "year", "Year"

    title = models.CharField(max_length=300)
    author = models.CharField(max_length=200, blank=True, help_text="Writer, if named.")
    outlet = models.CharField(max_length=200, blank=True, help_text="Site or publication.")
    published_on = models.DateField(null=True, blank=True)
    date_precision = models.CharField(
        max_length=5, choices=Precision.choices, default=Precision.DAY
    )
    url = models.URLField(max_length=500, blank=True)
    note = models.TextField(blank=True, help_text="Context for the credit, e.g. which reports.")
    fingerprint = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text="Hash of an imported article's text, so the same article is imported once.",
    )

    class Meta:
        ordering = ["-published_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(author="") | ~Q(outlet=""), name="source_has_author_or_outlet"
            ),
            models.UniqueConstraint(
                fields=["fingerprint"],
                condition=~Q(fingerprint=""),
                name="unique_source_fingerprint",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if not self.author and not self.outlet:
            raise ValidationError("Give the author, the outlet, or both.")

    @property
    def date_display(self) -> str:
        if not self.published_on:
            return ""
        if self.date_precision == self.Precision.YEAR:
            return f"{self.published_on:%Y}"
        if self.date_precision == self.Precision.MONTH:
            return f"{self.published_on:%B %Y}"
        return f"{self.published_on:%B} {self.published_on.day}, {self.published_on:%Y}"

    @property
    def date_short(self) -> str:
        """The date for a lesson card, as precise as it is known: "Sep 3, 2025", "Jun 2024",
        "2024" (month names in the active language)."""
        if not self.published_on:
            return ""
        formats = {self.Precision.YEAR: "Y", self.Precision.MONTH: "M Y"}
        return dateformat.format(self.published_on, formats.get(self.date_precision, "M j, Y"))

    @property
    def card_name(self) -> str:
        """Who the card names: the author if known, else the outlet."""
        return self.author or self.outlet

    @property
    def safe_url(self) -> str:
        url = self.url.strip()
        return url if url.lower().startswith(("https://", "http://")) and _printable(url) else ""

    @property
    def byline(self) -> str:
        return ", ".join(part for part in (self.author, self.outlet) if part)


class LessonQuerySet(models.QuerySet):
    def published(self) -> "LessonQuerySet":
        return self.filter(status=Lesson.Status.PUBLISHED)

    def visible_to(self, user) -> "LessonQuerySet":
        """Published lessons; staff also see drafts (the admin's "view on site" preview)."""
        return self if user.is_staff else self.published()

    def for_cards(self) -> "LessonQuerySet":
        """What a lesson card shows: source, topic chips and the number of actions."""
        return (
            self.select_related("source")
            .prefetch_related(Prefetch("topics", queryset=Topic.objects.order_by("name")))
            .annotate(action_count=Count("actions", distinct=True))
            .order_by("-published_on", "title")
        )

    def for_lesson_page(self) -> "LessonQuerySet":
        return self.select_related("source").prefetch_related(
            Prefetch("topics", queryset=Topic.objects.order_by("name")),
            "key_points",
            "sections",
            "actions",
        )


class Lesson(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    summary = models.TextField()
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="lessons", null=True, blank=True
    )
    topics = models.ManyToManyField(Topic, related_name="lessons", blank=True)
    reading_minutes = models.PositiveSmallIntegerField(
        default=1, editable=False, help_text="Worked out from the text when sections are saved."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LessonQuerySet.as_manager()

    class Meta:
        ordering = ["-published_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_on__isnull=False),
                name="published_lesson_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("civics:lesson", args=[self.slug])

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def publish(self, today=None) -> None:
        self.status = self.Status.PUBLISHED
        self.published_on = self.published_on or today or timezone.localdate()
        self.save(update_fields=["status", "published_on", "updated_at"])

    def count_words(self) -> int:
        texts = [self.summary]
        texts += [point.text for point in self.key_points.all()]
        texts += [f"{section.heading} {section.body}" for section in self.sections.all()]
        return sum(len(re.findall(r"\w+", text)) for text in texts)

    def update_reading_time(self) -> None:
        """Store whole minutes of reading at 200 words a minute, at least one."""
        minutes = max(1, math.ceil(self.count_words() / WORDS_PER_MINUTE))
        if minutes != self.reading_minutes:
            self.reading_minutes = minutes
            self.save(update_fields=["reading_minutes"])


class KeyPoint(models.Model):
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="key_points")
    order = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(max_length=400)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text


class LessonSection(models.Model):
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveSmallIntegerField(default=0)
    heading = models.CharField(max_length=200)
    anchor = models.SlugField(
        max_length=100, blank=True, help_text="Fragment id on the lesson page; from the heading."
    )
    body = models.TextField(
        help_text="Markdown. Raw HTML is not rendered.",
        validators=[MaxLengthValidator(MAX_BODY_CHARS)],
    )
    body_html = models.TextField(editable=False, default="")

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["lesson", "anchor"], name="unique_section_anchor"),
        ]

    def __str__(self) -> str:
        return self.heading

    def save(self, *args, **kwargs):
        # Rendered once here so pages only print stored, sanitized HTML.
        self.anchor = self.anchor or slugify(self.heading)[:100] or f"section-{self.order}"
        self.body_html = render_markdown(self.body)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "anchor", "body_html"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return f"{self.lesson.get_absolute_url()}#{self.anchor}"


class ActionItem(models.Model):
    """One entry of a lesson's "What you can do" checklist."""

    class Kind(models.TextChoices):
        CALL = "call", "Call"
        WRITE = "write", "Write"
        ATTEND = "attend", "Attend"
        READ = "read", "Read"
        TRACK = "track", "Track"
        JOIN = "join", "Join"
        SUPPORT = "support", "Support"
        OTHER = "other", "Other"

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="actions")
    order = models.PositiveSmallIntegerField(default=0)
    text = models.TextField()
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.OTHER)
    link = models.CharField(
        max_length=500,
        blank=True,
        help_text=_(
            "https://…, tel:+… (E.164) or mailto: one address. Left blank, it is taken from a "
            "phone number, e-mail address or site name in the text."
        ),
    )

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            # The same rule as `civics.links.link_problem`, for rows written around clean().
            # Python's "$" also matches before a final newline; PostgreSQL's does not.
            models.CheckConstraint(
                condition=(
                    Q(link="")
                    | Q(link__regex=LINK_PATTERNS["https://"])
                    | Q(link__regex=LINK_PATTERNS["tel:"])
                    | Q(link__regex=LINK_PATTERNS["mailto:"])
                )
                & ~Q(link__contains="\n"),
                name="action_link_allowed",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    def save(self, *args, **kwargs):
        if not self.link:
            self.link = derive_link(self.text)
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "link"}
        super().save(*args, **kwargs)

    def clean(self) -> None:
        self.link = self.link.strip()
        scheme, colon, rest = self.link.partition(":")
        if colon and scheme.lower() in ("https", "tel", "mailto"):
            self.link = f"{scheme.lower()}:{rest}"  # HTTPS://… is the same link
        if problem := link_problem(self.link):
            raise ValidationError({"link": problem})

    @property
    def safe_link(self) -> str:
        """The link if `link_problem` allows it, else "" (a row saved around the constraint)."""
        return self.link if is_allowed_link(self.link) else ""

    @property
    def link_label(self) -> str:
        scheme, _, rest = self.link.partition(":")
        if scheme == "tel":
            digits = rest.removeprefix("+1")
            return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}" if len(digits) == 10 else rest
        if scheme == "mailto":
            return rest
        return rest.removeprefix("//").removeprefix("www.").rstrip("/")


class ContentVersion(models.Model):
    """One row whose number goes up whenever educators change content (see contentcache)."""

    number = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"content version {self.number}"
