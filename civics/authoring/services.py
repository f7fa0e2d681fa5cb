"""Write use cases of authoring: an imported article saved as a draft lesson with a draft quiz,
recognised by its fingerprint when imported again."""

import hashlib

from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from civics.content.markdown import MAX_BODY_CHARS, escape_markdown
from civics.content.models import ActionItem, Lesson, LessonSection, Source, Topic, icon_for_emoji
from quizzes.gift_io import import_questions
from quizzes.models import Quiz


# --- Article import ----------------------------------------------------------------------
def article_fingerprint(text: str) -> str:
    """Same article, same fingerprint: whitespace and line endings do not matter."""
    normal = " ".join(text.replace("\ufeff", "").split())
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()


def _unique_slug(model, base: str) -> str:
    base = (slugify(base)[:90] or "imported-article").strip("-")
    slug, n = base, 2
    while model.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def section_body(section) -> str:
    """An imported section's paragraphs as the Markdown body of a lesson section: the parser
    gives plain text, so whatever Markdown would read as markup is escaped."""
    return "\n\n".join(escape_markdown(p.text) for p in section.paragraphs)


def article_problems(article) -> list[str]:
    """Why ``article`` cannot be saved as a lesson (empty when it can)."""
    problems = []
    for section in article.sections:
        if (length := len(section_body(section))) > MAX_BODY_CHARS:
            problems.append(
                _(
                    "The section “%(heading)s” would be %(length)s characters long; a lesson "
                    "section holds at most %(limit)s. Give the article more headings and import "
                    "it again."
                )
                % {
                    "heading": section.heading[:80],
                    "length": f"{length:,}",
                    "limit": f"{MAX_BODY_CHARS:,}",
                }
            )
    return problems


def save_article_draft(*, text: str, article, drafts, chosen: set[int] | None = None):
    """Create a draft lesson (sections, topics, actions, source) and a draft quiz holding the
    chosen draft questions (all when ``chosen`` is None). Returns (lesson, created): a second
    import of the same text creates nothing and returns the first lesson."""
    fingerprint = article_fingerprint(text)
    with transaction.atomic():
        # Two imports of one article racing each other: the unique fingerprint stops the second.
        existing = Lesson.objects.filter(source__fingerprint=fingerprint).first()
        if existing is not None:
            return existing, False
        outlets = ", ".join(article.outlets)
        if article.more_outlets:
            outlets += f" and {article.more_outlets} more"
        notes = []
        if article.editor_note:
            notes.append(f"Editor's note: {article.editor_note}")
        if article.credits:
            notes.append("Credits: " + "; ".join(article.credits))
        if article.author_bio:
            notes.append(f"About the author: {article.author_bio}")
        source = Source(
            title=article.title[:300],
            author=article.author[:200],
            outlet=outlets[:200] or ("" if article.author else "Imported article"),
            published_on=article.date,
            note="\n".join(notes),
            fingerprint=fingerprint,
        )
        source.full_clean(exclude=["fingerprint"])
        try:
            with transaction.atomic():
                source.save()
        except IntegrityError:
            return Lesson.objects.get(source__fingerprint=fingerprint), False
        first_paragraph = next(
            (p.text for s in article.sections for p in s.paragraphs), article.title
        )
        summary = article.standfirst or first_paragraph
        lesson = Lesson.objects.create(
            title=article.title[:200],
            slug=_unique_slug(Lesson, article.title),
            summary=summary[:600],
            source=source,
            status=Lesson.Status.DRAFT,
        )
        for order, section in enumerate(article.sections, start=1):
            LessonSection.objects.create(
                lesson=lesson,
                order=order,
                heading=section.heading[:200],
                anchor=section.anchor[:100],
                body=section_body(section),
            )
        topics = []
        for chip in article.topics:
            slug = slugify(chip.name)[:80]
            if not slug:
                continue
            topic = (
                Topic.objects.filter(slug=slug).first()
                or Topic.objects.filter(name__iexact=chip.name[:80]).first()
                or Topic.objects.create(
                    slug=slug,
                    name=chip.name[:80],
                    emoji=chip.emoji[:16],
                    icon=icon_for_emoji(chip.emoji),
                )
            )
            topics.append(topic)
        lesson.topics.set(topics)
        for order, action in enumerate(article.actions, start=1):
            ActionItem.objects.create(
                lesson=lesson, order=order, text=action.text, kind=action.kind, link=action.link
            )
        lesson.update_reading_time()
        quiz = Quiz.objects.create(
            lesson=lesson,
            title=f"{lesson.title} quiz"[:200],
            slug=_unique_slug(Quiz, lesson.slug),
            is_published=False,
        )
        picked = [d for i, d in enumerate(drafts) if chosen is None or i in chosen]
        import_questions(quiz=quiz, questions=[d.question for d in picked], publish=False)
        return lesson, True
