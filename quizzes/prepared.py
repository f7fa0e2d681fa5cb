"""Quizzes and questions as learners' pages use them, prepared once per content version.

``civics.contentcache`` keeps them in Django's cache; every educator change to quiz content draws
a new version, so these are never stale. Grading, the answer forms and the review read the model
methods, so the cache holds the instances with their keys prefetched (a few hundred bytes each):
every call unpickles a copy that belongs to the calling request alone, never one shared with
another request.
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
    """{id: question with everything grading, feedback and review need}, its plain-text prompt
    and opening words worked out before it is cached (they travel in the pickle)."""
    return contentcache.cached_many("question-with-keys", ids, _load_questions, version=version)


def _load_questions(ids) -> dict[int, Question]:
    questions = {q.pk: q for q in Question.objects.with_keys().filter(pk__in=ids)}
    for question in questions.values():
        question.prompt_text, question.prompt_opening  # noqa: B018 — cached_property, computed now
    return questions


def question_with_keys(pk: int, *, version: int) -> Question:
    return questions_with_keys([pk], version=version)[pk]
