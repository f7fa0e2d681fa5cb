"""Write use cases for content. Each runs inside ``transaction.atomic()``."""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils.text import slugify
from django.utils.translation import gettext as _

from quizzes.gift_io import import_questions
from quizzes.models import Attempt, Quiz
from quizzes.services import record_review_answers

from .links import derive_link
from .markdown import MAX_BODY_CHARS, escape_markdown
from .models import ActionItem, ActionTick, KeyPoint, Lesson, LessonSection, Source, Topic
from .packs import LessonPack

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
            if topic is None:
                topic = Topic(slug=spec.slug, name=spec.name, emoji=spec.emoji)
                topic.full_clean()
                topic.save()
                changed = True
            elif assign(topic, {"name": spec.name, "emoji": spec.emoji}):
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


# --- Checklists -------------------------------------------------------------------------
SESSION_TICKS = "action_ticks"
"""Anonymous learners' ticks live in the session as {action id: {"note": str, "at": iso time}}."""


def set_tick(*, user, action: ActionItem, done: bool, note: str, now) -> ActionTick | None:
    """Tick (with an optional note) or untick one action for a signed-in learner."""
    with transaction.atomic():
        if not done:
            ActionTick.objects.filter(user=user, action=action).delete()
            return None
        tick, created = ActionTick.objects.get_or_create(
            user=user, action=action, defaults={"note": note, "ticked_at": now}
        )
        if not created and tick.note != note:
            tick.note = note
            tick.save(update_fields=["note"])
        return tick


def set_session_tick(session, *, action: ActionItem, done: bool, note: str, now) -> None:
    ticks = dict(session.get(SESSION_TICKS, {}))
    key = str(action.pk)
    if done:
        previous = ticks.get(key, {})
        ticks[key] = {"note": note, "at": previous.get("at", now.isoformat())}
    else:
        ticks.pop(key, None)
    session[SESSION_TICKS] = ticks


def _small_number(text: str) -> bool:
    """ASCII digits that fit a database id ("²".isdigit() is True, and int() refuses it)."""
    return text.isascii() and text.isdigit() and len(text) < 19


def adopt_anonymous_progress(*, user, token: str, session_ticks: dict, now) -> dict:
    """Give ``user`` the attempts and ticks made anonymously in this browser session.

    Nothing is lost and nothing doubled: attempts move over whole (their answers with them);
    a tick the account already has keeps its time, and its note unless it had none. When the
    account and the session both have an attempt in progress on the same quiz, the older one is
    marked abandoned, so "resume" has one answer.
    """
    with transaction.atomic():
        adopted = (
            list(
                Attempt.objects.select_for_update().filter(user__isnull=True, anonymous_token=token)
            )
            if token
            else []
        )
        ids = [attempt.pk for attempt in adopted]

        # One open attempt per quiz and learner (a database constraint): where the account and
        # the session both have one, the older is abandoned before the session's moves over.
        def is_open(attempt) -> bool:
            return attempt.is_in_progress and attempt.retry_of_id is None and not attempt.is_review

        open_here = {
            a.quiz_id: a
            for a in Attempt.objects.select_for_update().filter(user=user)
            if is_open(a)
        }
        abandon = set()
        for attempt in adopted:
            other = open_here.get(attempt.quiz_id)
            if other is not None and is_open(attempt):
                abandon.add(min(attempt, other, key=lambda a: (a.started_at, a.pk)).pk)
        closed = _past_the_attempt_limit(user=user, adopted=adopted) - abandon
        Attempt.objects.filter(pk__in=abandon | closed).update(state=Attempt.State.ABANDONED)
        Attempt.objects.filter(pk__in=ids).update(user=user, anonymous_token="")
        record_review_answers(user=user, attempt_ids=ids)

        ticks = 0
        valid = {
            a.pk: a
            for a in ActionItem.objects.filter(
                pk__in=[int(k) for k in session_ticks if _small_number(k)]
            )
        }
        for key, data in session_ticks.items():
            action = valid.get(int(key)) if _small_number(key) else None
            if action is None:
                continue
            note = str(data.get("note", ""))[:280]
            try:
                at = datetime.fromisoformat(data.get("at", ""))
            except (TypeError, ValueError):
                at = now
            tick, created = ActionTick.objects.get_or_create(
                user=user, action=action, defaults={"note": note, "ticked_at": at}
            )
            if not created and note and not tick.note:
                tick.note = note
                tick.save(update_fields=["note"])
            ticks += created
        return {"attempts": len(ids), "ticks": ticks, "closed": len(closed)}


def _past_the_attempt_limit(*, user, adopted: list) -> set[int]:
    """The adopted attempts still in progress that would take ``user`` past a quiz's attempt
    limit. The account's own attempts count first, then the adopted ones in the order they were
    started; those past the limit are kept as history, but not left open to continue."""
    primary = [a for a in adopted if a.retry_of_id is None and not a.is_review]
    limits = dict(
        Quiz.objects.filter(
            pk__in={a.quiz_id for a in primary}, attempt_limit__isnull=False
        ).values_list("pk", "attempt_limit")
    )
    used = dict(
        Attempt.objects.filter(
            user=user, quiz_id__in=limits, retry_of__isnull=True, is_review=False
        )
        .values_list("quiz_id")
        .annotate(n=Count("pk"))
    )
    past = set()
    for attempt in sorted(primary, key=lambda a: (a.started_at, a.pk)):
        if attempt.quiz_id not in limits:
            continue
        used[attempt.quiz_id] = used.get(attempt.quiz_id, 0) + 1
        if used[attempt.quiz_id] > limits[attempt.quiz_id] and attempt.is_in_progress:
            past.add(attempt.pk)
    return past


# --- Article import ----------------------------------------------------------------------
def article_fingerprint(text: str) -> str:
    """Same article, same fingerprint: whitespace and line endings do not matter."""
    import hashlib

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
                or Topic.objects.create(slug=slug, name=chip.name[:80], emoji=chip.emoji[:16])
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
