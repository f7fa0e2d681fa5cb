"""Quizzes and questions as learners' pages use them, prepared once per content version.

``civics.contentcache`` keeps them; every educator change to quiz content draws a new version,
so these are never stale. Callers must treat the objects as read-only: they are shared by every
request this process serves until content changes.
"""

from civics.content import contentcache
from quizzes.models import Question, Quiz


def quiz_with_lesson(pk: int, *, version: int) -> Quiz:
    return contentcache.cached(
        f"quiz-with-lesson:{pk}",
        lambda: Quiz.objects.select_related("lesson").get(pk=pk),
        version=version,
    )


def questions_with_keys(ids, *, version: int) -> dict[int, Question]:
    """{id: question with everything grading, feedback and review need}."""
    return contentcache.cached_many(
        "question-with-keys",
        ids,
        lambda missing: {q.pk: q for q in Question.objects.with_keys().filter(pk__in=missing)},
        version=version,
    )


def question_with_keys(pk: int, *, version: int) -> Question:
    return questions_with_keys([pk], version=version)[pk]
