"""Write use cases for content: ``save_lesson_pack`` saves a parsed lesson pack in one
transaction; ``assign`` and ``sync_rows`` are the row-syncing helpers it shares with the quiz
engine's pack loader (callers hold the transaction)."""

from django.db import transaction

from civics.content.links import derive_link
from civics.content.models import (
    ActionItem,
    KeyPoint,
    Lesson,
    LessonSection,
    Source,
    Topic,
    icon_for_emoji,
)
from civics.content.packs import LessonPack

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


def assign(obj, values: dict) -> bool:
    """Set ``values`` on ``obj``; say whether anything differed."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def sync_rows(
    model, parent_field: str, parent, wanted: list[dict], *, ordered=True, key: str | None = None
) -> bool:
    """Make ``parent``'s rows of ``model`` equal ``wanted``; say whether anything changed.

    Rows are updated in place rather than replaced so whatever points at them (a learner's
    ticked action or chosen answer, a question's section) keeps pointing at the same row. They
    are matched by ``key`` when given (a field unique within the parent, such as a section's
    anchor, so reordering never collides with the constraint), otherwise by position.
    """
    existing = list(
        model.objects.filter(**{parent_field: parent}).order_by(
            *(["order", "pk"] if ordered else ["pk"])
        )
    )
    changed = False
    if key is not None:
        by_key = {getattr(row, key): row for row in existing}
        keep = {values[key] for values in wanted}
        for row in existing:
            if getattr(row, key) not in keep:
                row.delete()
                changed = True
        existing = []
        for order, values in enumerate(wanted, start=1):
            values = {**values, "order": order} if ordered else values
            row = by_key.get(values[key])
            if row is None:
                row = model(**{parent_field: parent}, **values)
            elif not assign(row, values):
                continue
            row.full_clean(exclude=[parent_field])
            row.save()
            changed = True
        return changed
    for order, values in enumerate(wanted, start=1):
        if ordered:
            values = {**values, "order": order}
        if order <= len(existing):
            row = existing[order - 1]
            if assign(row, values):
                row.full_clean(exclude=[parent_field])
                row.save()
                changed = True
        else:
            row = model(**{parent_field: parent}, **values)
            row.full_clean(exclude=[parent_field])
            row.save()
            changed = True
    for row in existing[len(wanted) :]:
        row.delete()
        changed = True
    return changed


def save_lesson_pack(*, pack: LessonPack) -> tuple[Lesson, str]:
    """Create or update the lesson described by ``pack``; return it and what happened."""
    with transaction.atomic():
        changed = False
        source = None
        if pack.source:
            spec = pack.source
            source = (
                Source.objects.filter(lessons__slug=pack.slug).first()
                or Source.objects.filter(title=spec.title, published_on=spec.date).first()
            )
            values = {
                "title": spec.title,
                "author": spec.author,
                "outlet": spec.outlet,
                "published_on": spec.date,
                "date_precision": spec.precision,
                "url": spec.url,
                "note": spec.note,
            }
            if source is None:
                source = Source(**values)
                changed = True
            else:
                changed |= assign(source, values)
            if source._state.adding or changed:
                source.full_clean()
                source.save()

        lesson = Lesson.objects.filter(slug=pack.slug).first()
        created = lesson is None
        values = {
            "title": pack.title,
            "summary": pack.summary,
            "status": pack.status,
            "published_on": pack.published,
            "source": source,
        }
        if created:
            lesson = Lesson(slug=pack.slug, **values)
        if created or assign(lesson, values):
            lesson.full_clean(exclude=["reading_minutes"])
            lesson.save()
            changed = True

        topics = []
        for spec in pack.topics:
            topic = Topic.objects.filter(slug=spec.slug).first()
            fields = {
                "name": spec.name,
                "emoji": spec.emoji,
                "icon": spec.icon or icon_for_emoji(spec.emoji),
            }
            if topic is None:
                topic = Topic(slug=spec.slug, **fields)
                topic.full_clean()
                topic.save()
                changed = True
            elif assign(topic, fields):
                topic.full_clean()
                topic.save()
                changed = True
            topics.append(topic)
        if {t.pk for t in lesson.topics.all()} != {t.pk for t in topics}:
            lesson.topics.set(topics)
            changed = True

        changed |= sync_rows(
            KeyPoint, "lesson", lesson, [{"text": text} for text in pack.key_points]
        )
        changed |= sync_rows(
            LessonSection,
            "lesson",
            lesson,
            [{"heading": s.heading, "anchor": s.anchor, "body": s.body} for s in pack.sections],
            key="anchor",
        )
        changed |= sync_rows(
            ActionItem,
            "lesson",
            lesson,
            # A blank link is derived on save; compare against the derived value.
            [
                {"kind": a.kind, "text": a.text, "link": a.link or derive_link(a.text)}
                for a in pack.actions
            ],
        )
        lesson.update_reading_time()
        return lesson, CREATED if created else (UPDATED if changed else UNCHANGED)


"""Anonymous learners' ticks live in the session as {action id: {"note": str, "at": iso time}}."""
