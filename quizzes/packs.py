"""Load a content pack's ``quiz.gift`` (and ``exam.gift``, a second quiz) into the lesson's
quizzes (called by ``load_seeds``).

Same rules as lessons: idempotent (rows are updated in place, matched by position, so learners'
answers keep pointing at the same questions and choices) and all-or-nothing (the caller's
transaction; any problem raises ``PackError`` naming the file and line).
"""

from pathlib import Path

from civics.content.packs import LessonPack, PackError
from civics.content.services import CREATED, UNCHANGED, UPDATED, assign, sync_rows
from quizzes import gift
from quizzes.models import AcceptedAnswer, Choice, MatchPair, NumericAnswer, Question, Quiz
from quizzes.validation import validate_question


def read_gift_file(path: Path) -> gift.GiftResult:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise PackError(path, 1, f"the file is not UTF-8 ({exc.reason}).") from None
    try:
        return gift.parse(text)
    except gift.GiftSyntaxError as exc:
        raise PackError(path, getattr(exc, "line", 1) or 1, str(exc)) from None


def load_quiz_pack(*, folder: Path, pack: LessonPack, lesson) -> list[tuple[str, str, str]]:
    """The lesson's quiz from ``quiz.gift`` (slug: the pack's), settings under ``quiz:``."""
    return _load_gift_quiz(
        path=folder / "quiz.gift",
        spec=pack.quiz,
        slug=pack.slug,
        what="quiz",
        defaults={"title": f"{lesson.title} quiz", "mode": Quiz.Mode.PRACTICE},
        lesson=lesson,
    )


def load_exam_pack(*, folder: Path, pack: LessonPack, lesson) -> list[tuple[str, str, str]]:
    """A second quiz from ``exam.gift`` (slug: ``<pack>-exam``), settings under ``exam:``; exam
    mode unless they say otherwise."""
    return _load_gift_quiz(
        path=folder / "exam.gift",
        spec=pack.exam,
        slug=f"{pack.slug}-exam",
        what="exam",
        defaults={"title": f"{lesson.title} exam", "mode": Quiz.Mode.EXAM},
        lesson=lesson,
    )


def _load_gift_quiz(*, path: Path, spec, slug: str, what: str, defaults: dict, lesson):
    if not path.is_file():
        return []
    result = read_gift_file(path)
    if result.skipped:
        item = result.skipped[0]
        raise PackError(path, item.line, f"unsupported item {item.title!r}: {item.reason}")
    if not result.questions:
        raise PackError(path, 1, "the quiz has no questions.")
    sections = {s.anchor: s for s in lesson.sections.all()}
    for question in result.questions:
        if question.category and question.category not in sections:
            raise PackError(
                path,
                question.line,
                f"$CATEGORY {question.category!r} is not a section of the lesson "
                f"(sections: {', '.join(sections)}).",
            )
        if problems := validate_question(question):
            name = question.title or question.prompt[:40]
            raise PackError(path, question.line, f"question {name!r}: {problems[0]}")

    settings = {
        "lesson": lesson,
        "title": spec.title if spec else defaults["title"],
        "mode": spec.mode if spec else defaults["mode"],
        "pass_mark": spec.pass_mark if spec else 70,
        "shuffle_questions": spec.shuffle_questions if spec else False,
        "shuffle_choices": spec.shuffle_choices if spec else True,
        "question_count": spec.question_count if spec else None,
        "time_limit_minutes": spec.time_limit_minutes if spec else None,
        "attempt_limit": spec.attempt_limit if spec else None,
        "is_published": lesson.is_published,
    }
    quiz = Quiz.objects.filter(slug=slug).first()
    if quiz is not None and quiz.lesson_id != lesson.pk:
        raise PackError(path, 1, f"quiz slug {slug!r} belongs to another lesson's quiz.")
    created = quiz is None
    changed = False
    if created:
        quiz = Quiz(slug=slug, **settings)
    if created or assign(quiz, settings):
        quiz.full_clean()
        quiz.save()
        changed = True

    wanted = [
        {
            "type": q.type,
            "title": q.title,
            "prompt": q.prompt,
            "explanation": q.explanation,
            "section": sections.get(q.category),
            "truth": q.truth,
            "feedback_right": q.feedback_right,
            "feedback_wrong": q.feedback_wrong,
            "is_published": True,
        }
        for q in result.questions
    ]
    changed |= sync_rows(Question, "quiz", quiz, wanted)
    rows = list(quiz.questions.order_by("order", "pk"))
    for row, parsed in zip(rows, result.questions, strict=True):
        changed |= sync_rows(
            Choice,
            "question",
            row,
            [
                {"text": c.text, "fraction": c.fraction, "feedback": c.feedback}
                for c in parsed.choices
            ],
        )
        changed |= sync_rows(
            AcceptedAnswer,
            "question",
            row,
            [
                {"text": a.text, "fraction": a.fraction, "feedback": a.feedback}
                for a in parsed.accepted
            ],
            ordered=False,
        )
        changed |= sync_rows(
            NumericAnswer,
            "question",
            row,
            [
                {
                    "value": n.value,
                    "tolerance": n.tolerance,
                    "low": n.low,
                    "high": n.high,
                    "fraction": n.fraction,
                    "feedback": n.feedback,
                }
                for n in parsed.numeric
            ],
            ordered=False,
        )
        changed |= sync_rows(
            MatchPair,
            "question",
            row,
            [{"left": left, "right": right} for left, right in parsed.pairs],
        )
    status = CREATED if created else (UPDATED if changed else UNCHANGED)
    return [(lesson.slug, f"{what} ({len(rows)} questions)", status)]
