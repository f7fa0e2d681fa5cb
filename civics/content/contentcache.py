"""Content that learners read, cached under one version number that every content change redraws.

Lessons, quizzes and questions change only when educators edit them, yet every page view used
to rebuild them from a dozen ORM queries and re-render the same Markdown-derived HTML. Pages now
read one number, the content version, and take the prepared content from Django's cache under a
key that carries that number (``content:<version>:<name>``; template fragments put the number in
their ``{% cache %}`` key). Any save or delete of a content row (admin, GIFT import, load_seeds,
the article importer) draws a new number in the same transaction, so the next view misses the
old keys and rebuilds; stale entries are never read again and simply expire.

The number lives in the database, not in the cache, so that every gunicorn worker and every
instance sees a change at once even with the per-process local-memory cache. Values go through
the cache framework and nothing else: each read unpickles a copy of its own, so no object is
shared by two requests and one request's change to what it was given reaches no other learner.
Keep the values plain (frozen dataclasses, tuples, strings). Bulk writes that skip model signals
(``QuerySet.update``) call ``bump()`` themselves.
"""

import secrets

from django.apps import apps
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

# The content app's own models; apps above it add theirs with ``watch`` (quizzes does, in its
# AppConfig.ready), so this module never needs to know them.
CONTENT_MODELS = (
    "civics.Topic",
    "civics.Source",
    "civics.Lesson",
    "civics.KeyPoint",
    "civics.LessonSection",
    "civics.ActionItem",
)
TIMEOUT = 60 * 60  # a safety net only: a bump already makes old entries unreachable


def current_version() -> int:
    """The content version: one primary-key read, without the ORM's query building."""
    table = apps.get_model("civics", "ContentVersion")._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT number FROM {table} WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else 0


def version_for(request) -> int:
    """The content version, read once per request however many pieces the view takes."""
    try:
        return request._content_version
    except AttributeError:
        request._content_version = current_version()
        return request._content_version


def new_number() -> int:
    """Random rather than counted: a bump rolled back with its transaction is never reused, nor
    is a number from another database that once shared this cache."""
    return secrets.randbits(62) + 1


def bump(**_signal_kwargs) -> None:
    """Make every cached piece of content stale (inside the caller's transaction)."""
    model = apps.get_model("civics", "ContentVersion")
    if model.objects.filter(pk=1).update(number=new_number()):
        return
    try:  # a flushed test database has no row; migrations create it
        with transaction.atomic():
            model.objects.create(pk=1, number=new_number())
    except IntegrityError:  # another writer created the row first
        model.objects.filter(pk=1).update(number=new_number())


def cached(name: str, build, *, version: int):
    """The value stored under ``name`` for this content version, built on a miss. A build that
    finds nothing (None, say for a mistyped slug) is not kept, so probing made-up addresses
    cannot crowd real content out of the cache."""
    key = f"content:{version}:{name}"
    value = cache.get(key)
    if value is None:
        value = build()
        if value is not None:
            cache.set(key, value, TIMEOUT)
    return value


def cached_many(prefix: str, ids, build_many, *, version: int) -> dict:
    """{id: value} for each id, as ``cached`` would give it under ``prefix:id``; the misses are
    built together by ``build_many(missing ids) -> {id: value}`` (one set of queries, not one per
    id). An id that ``build_many`` leaves out is left out of the result."""
    keys = {item: f"content:{version}:{prefix}:{item}" for item in ids}
    shared = cache.get_many(keys.values())
    found = {item: shared[key] for item, key in keys.items() if key in shared}
    missing = [item for item in keys if item not in found]
    if missing:
        built = build_many(missing)
        cache.set_many({keys[item]: value for item, value in built.items()}, TIMEOUT)
        found.update(built)
    return found


def watch(*labels: str) -> None:
    """Draw a new content version whenever a row of these models ("app.Model") is saved or
    deleted, or one of their many-to-many sets changes."""
    for label in labels:
        model = apps.get_model(label)
        uid = f"contentcache-{label}"
        post_save.connect(bump, sender=model, dispatch_uid=f"{uid}-save", weak=False)
        post_delete.connect(bump, sender=model, dispatch_uid=f"{uid}-delete", weak=False)
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                bump, sender=field.remote_field.through, dispatch_uid=f"{uid}-{field.name}",
                weak=False,
            )  # fmt: skip
