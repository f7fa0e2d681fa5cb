"""Between stored questions and GIFT: export, import, and validation of stored questions.

``to_gift`` describes a stored question as a ``gift.GiftQuestion`` (its category is the anchor
of the lesson section it draws on), which is also how the admin validates what an educator
saved. ``import_questions`` is the write use case behind the admin upload and ``import_gift``.
"""

from django.db import transaction

from civics.content.markdown import MAX_QUESTION_TEXT_CHARS
from quizzes import gift
from quizzes.models import AcceptedAnswer, Choice, MatchPair, NumericAnswer, Question, Quiz
from quizzes.question_types import question_type
from quizzes.validation import Problem, validate_question

MAX_UPLOAD_BYTES = 1024 * 1024


class GiftImportError(Exception):
    """A GIFT file that cannot be imported; nothing was saved."""


class GiftExportError(Exception):
    """A stored question that GIFT cannot express."""


# Longest text each stored field takes (the database refuses more).
LIMITS = {
    "prompt": MAX_QUESTION_TEXT_CHARS,
    "explanation": MAX_QUESTION_TEXT_CHARS,
    "choice": 500,
    "accepted answer": 300,
    "matching item": 300,
}


def to_gift(question: Question) -> gift.GiftQuestion:
    """The stored question (with its keys prefetched) as a GIFT question."""
    return gift.GiftQuestion(
        type=question.type,
        prompt=question.prompt,
        title=question.title,
        category=question.section.anchor if question.section_id else "",
        explanation=question.explanation,
        choices=tuple(
            gift.GiftChoice(c.text, c.fraction, c.feedback) for c in question.choices.all()
        ),
        truth=question_type(question.type).stored_truth(question),
        feedback_wrong=question.feedback_wrong,
        feedback_right=question.feedback_right,
        accepted=tuple(
            gift.GiftChoice(a.text, a.fraction, a.feedback)
            for a in question.accepted_answers.order_by("pk")
        ),
        numeric=tuple(
            gift.GiftNumeric(n.value, n.tolerance, n.low, n.high, n.fraction, n.feedback)
            for n in question.numeric_answers.order_by("pk")
        ),
        pairs=tuple((p.left, p.right) for p in question.pairs.all()),
    )


def problems_of(question: Question) -> list[Problem]:
    return validate_question(to_gift(question))


def export_gift(questions) -> str:
    """GIFT text for the given questions (a queryset), in their order."""
    rows = questions.select_related("section").prefetch_related(
        "choices", "accepted_answers", "numeric_answers", "pairs"
    )
    questions = list(rows.order_by("order", "pk"))
    described = [to_gift(q) for q in questions]
    for question, item in zip(questions, described, strict=True):
        try:  # one at a time first, to name the question GIFT cannot express
            gift.write([item])
        except ValueError as exc:
            raise GiftExportError(
                f"Question “{question}” cannot be written as GIFT: {exc} Edit it, then export."
            ) from None
    return gift.write(described)


def decode_upload(data: bytes, *, name: str = "upload.gift") -> str:
    """The text of an uploaded GIFT file, or ``GiftImportError`` saying what is wrong."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise GiftImportError(f"{name} is larger than 1 MB; split it into smaller files.")
    if not data.strip():
        raise GiftImportError(f"{name} is empty.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise GiftImportError(
            f"{name} is not UTF-8 text (byte {exc.start + 1}); save it as UTF-8 and try again."
        ) from None
    if "\x00" in text:
        raise GiftImportError(f"{name} contains NUL characters; it is not a text file.")
    return text


def check_gift(text: str, *, quiz: Quiz, skip_unsupported: bool) -> gift.GiftResult:
    """Parse and validate; raise ``GiftImportError`` naming the line of the first problem."""
    try:
        result = gift.parse(text)
    except gift.GiftSyntaxError as exc:
        raise GiftImportError(f"Syntax error at {exc}") from None
    if result.skipped and not skip_unsupported:
        item = result.skipped[0]
        raise GiftImportError(
            f"line {item.line}: {item.title or 'an item'} is not supported ({item.reason}). "
            "Remove it, or import with unsupported items skipped."
        )
    for question in result.questions:
        name = question.title or question.prompt[:40]
        if problems := validate_question(question):
            raise GiftImportError(f"line {question.line}: question {name!r}: {problems[0]}")
        texts = [("prompt", question.prompt), ("explanation", question.explanation)]
        texts += [("choice", c.text) for c in question.choices]
        texts += [("accepted answer", a.text) for a in question.accepted]
        texts += [("matching item", side) for pair in question.pairs for side in pair]
        for what, value in texts:
            if len(value) > LIMITS[what]:
                raise GiftImportError(
                    f"line {question.line}: question {name!r}: a {what} is {len(value)} "
                    f"characters long; shorten it to {LIMITS[what]} or fewer."
                )
    if not result.questions:
        raise GiftImportError("The file holds no supported questions.")
    return result


def import_questions(*, quiz: Quiz, questions, publish: bool = False) -> list[Question]:
    """Create the parsed questions at the end of ``quiz``, all or nothing."""
    sections = {s.anchor: s for s in quiz.lesson.sections.all()}
    created = []
    with transaction.atomic():
        start = (quiz.questions.order_by("-order").values_list("order", flat=True).first() or 0) + 1
        for offset, parsed in enumerate(questions):
            question = Question.objects.create(
                quiz=quiz,
                type=parsed.type,
                title=parsed.title[:200],
                prompt=parsed.prompt,
                explanation=parsed.explanation,
                section=sections.get(parsed.category),
                truth=parsed.truth,
                feedback_right=parsed.feedback_right,
                feedback_wrong=parsed.feedback_wrong,
                order=start + offset,
                is_published=publish,
            )
            Choice.objects.bulk_create(
                Choice(
                    question=question,
                    order=i,
                    text=c.text,
                    fraction=c.fraction,
                    feedback=c.feedback,
                )
                for i, c in enumerate(parsed.choices, start=1)
            )
            AcceptedAnswer.objects.bulk_create(
                AcceptedAnswer(
                    question=question, text=a.text, fraction=a.fraction, feedback=a.feedback
                )
                for a in parsed.accepted
            )
            NumericAnswer.objects.bulk_create(
                NumericAnswer(
                    question=question,
                    value=n.value,
                    tolerance=n.tolerance,
                    low=n.low,
                    high=n.high,
                    fraction=n.fraction,
                    feedback=n.feedback,
                )
                for n in parsed.numeric
            )
            MatchPair.objects.bulk_create(
                MatchPair(question=question, order=i, left=left, right=right)
                for i, (left, right) in enumerate(parsed.pairs, start=1)
            )
            created.append(question)
    return created
