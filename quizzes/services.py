"""Write use cases of the quiz flow. Starting, answering, finishing, practising and reviewing
each hold their own ``transaction.atomic()``; ``update_review`` and ``record_review_answers``
run inside the caller's (the answer POST, account adoption), as their ``select_for_update``
needs.

The server alone decides: which questions an attempt holds and in what order (fixed at start),
whether a submission is current (the slot's sequence token), whether the deadline has passed,
and what an answer earns (``quizzes.grading`` on the stored keys). The score of an attempt is
always computed from its stored answers (``scoring.summarize``); no running counter is kept.
"""

import random
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery

from quizzes import grading, leitner
from quizzes.models import Answer, Attempt, MatchResponse, Question, Quiz, ReviewItem, Slot
from quizzes.question_types import question_type


class QuizError(Exception):
    """A request the quiz rules refuse; ``status`` is the HTTP status to answer with."""

    status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class AttemptLimitReached(QuizError):
    status = 403


class StaleSubmission(QuizError):
    status = 409


class AttemptClosed(QuizError):
    status = 409


class DeadlinePassed(QuizError):
    status = 409


class NothingToPractise(QuizError):
    status = 400


@dataclass(frozen=True)
class Given:
    """A learner's answer to one question, already checked against that question's options."""

    choice_ids: tuple[int, ...] = ()
    text: str = ""
    truth: bool | None = None
    matches: tuple[tuple[int, str], ...] = ()  # (pair id, right-hand text chosen)

    @property
    def is_blank(self) -> bool:
        return not (self.choice_ids or self.text.strip() or self.truth is not None or self.matches)


def grade(question: Question, given: Given) -> grading.Outcome:
    """Grade ``given`` against the stored keys of ``question`` (prefetched)."""
    return question_type(question.type).grade(question, given)


def _attempts_used(quiz: Quiz, *, user, token: str) -> int:
    return Attempt.objects.owned_by(user=user, token=token).primary().filter(quiz=quiz).count()


def start_attempt(
    *, quiz: Quiz, user, token: str, now, rng: random.Random | None = None
) -> Attempt:
    """Resume the owner's attempt in progress, or start a new one with its order fixed."""
    rng = rng or random.SystemRandom()
    # Time-limited attempts whose deadline passed are finished first, in their own transaction,
    # so a refusal below (the attempt limit) cannot roll that finish back.
    with transaction.atomic():
        for overdue in Attempt.objects.owned_by(user=user, token=token).filter(
            quiz=quiz, state=Attempt.State.IN_PROGRESS, deadline__lte=now
        ):
            overdue.finish(now)
    with transaction.atomic():
        owned = Attempt.objects.owned_by(user=user, token=token).select_for_update()
        current = owned.primary().filter(quiz=quiz, state=Attempt.State.IN_PROGRESS)
        current = current.order_by("-started_at").first()
        if current is not None:
            return current
        if (
            quiz.attempt_limit
            and _attempts_used(quiz, user=user, token=token) >= quiz.attempt_limit
        ):
            allowed = quiz.attempt_limit
            raise AttemptLimitReached(
                f"You have used the {allowed} attempt{'s' if allowed != 1 else ''} allowed "
                "for this quiz."
            )
        questions = list(quiz.questions.published().values_list("pk", flat=True))
        if not questions:
            raise QuizError("This quiz has no published questions yet.")
        if quiz.shuffle_questions or quiz.question_count:
            rng.shuffle(questions)
        if quiz.question_count:
            questions = questions[: quiz.question_count]
            if not quiz.shuffle_questions:
                order = {
                    pk: i
                    for i, pk in enumerate(quiz.questions.published().values_list("pk", flat=True))
                }
                questions.sort(key=order.__getitem__)
        try:
            with transaction.atomic():
                return _create_attempt(
                    quiz=quiz,
                    user=user,
                    token=token,
                    mode=quiz.mode,
                    question_ids=questions,
                    now=now,
                    rng=rng,
                    deadline_minutes=quiz.time_limit_minutes,
                )
        except IntegrityError:
            # A concurrent start won (one open attempt per learner and quiz): resume that one.
            return owned.primary().filter(quiz=quiz, state=Attempt.State.IN_PROGRESS).get()


def _create_attempt(
    *,
    quiz,
    user,
    token,
    mode,
    question_ids,
    now,
    rng,
    deadline_minutes,
    retry_of=None,
    is_review=False,
):
    attempt = Attempt.objects.create(
        quiz=quiz,
        user=user if user.is_authenticated else None,
        anonymous_token="" if user.is_authenticated else token,
        mode=mode,
        retry_of=retry_of,
        is_review=is_review,
        seed=rng.randrange(1, 2**31),
        started_at=now,
        deadline=now + timedelta(minutes=deadline_minutes) if deadline_minutes else None,
    )
    Slot.objects.bulk_create(
        Slot(attempt=attempt, question_id=pk, position=index)
        for index, pk in enumerate(question_ids, start=1)
    )
    return attempt


def practise_missed(*, attempt: Attempt, user, token: str, now, rng=None) -> Attempt:
    """Start a practice attempt over the questions ``attempt`` did not get fully right."""
    rng = rng or random.SystemRandom()
    with transaction.atomic():
        retry = attempt.retries.filter(state=Attempt.State.IN_PROGRESS).first()
        if retry is not None:
            return retry
        right = set(attempt.answers.filter(is_correct=True).values_list("question_id", flat=True))
        missed = [
            slot.question_id
            for slot in attempt.slots.filter(question__is_published=True).order_by("position")
            if slot.question_id not in right
        ]
        if not missed:
            raise NothingToPractise("You got every question right: there is nothing to practise.")
        return _create_attempt(
            quiz=attempt.quiz,
            user=user,
            token=token,
            mode=Quiz.Mode.PRACTICE,
            question_ids=missed,
            now=now,
            rng=rng,
            deadline_minutes=None,
            retry_of=attempt,
        )


def new_token() -> str:
    return secrets.token_urlsafe(32)


def submit_answer(
    *, attempt: Attempt, slot: Slot, question: Question, given: Given, sequence: int, now
) -> Answer:
    """Store the learner's answer to one question of an attempt, graded, exactly once.

    Refuses a finished attempt, a submission after the deadline (which also finishes the
    attempt), a stale or replayed form (its ``sequence`` is not the slot's current one) and, in
    practice mode, a second answer to a question already answered.
    """
    if attempt.is_overdue(now):
        # The deadline is fixed at start, so this needs no lock; the finish commits on its own
        # before the refusal.
        finish_attempt(attempt=attempt, now=now)
        raise DeadlinePassed(
            "Time is up: this answer arrived after the deadline and was not counted."
        )
    with transaction.atomic():
        # Lock the slot row: two identical POSTs racing each other queue here, and the second
        # then sees the bumped sequence and is refused.
        # The same statement says whether the question already has an answer; a concurrent
        # submission that added one also bumped the sequence, so it is refused below either way.
        earlier = Answer.objects.filter(attempt=OuterRef("attempt"), question=question)
        locked = (
            Slot.objects.select_for_update()
            .select_related("attempt")
            .annotate(answer_id=Subquery(earlier.values("pk")[:1]))
            .get(pk=slot.pk)
        )
        current = locked.attempt
        if current.state != Attempt.State.IN_PROGRESS:
            raise AttemptClosed("This attempt is finished; its answers can no longer change.")
        if locked.sequence != sequence:
            raise StaleSubmission(
                "This page was out of date — the question had already been answered from another "
                "tab or by a repeated click. Nothing was changed; here is the current state."
            )
        if locked.answer_id is not None and current.is_practice:
            raise StaleSubmission("You have already answered this question in practice mode.")
        outcome = grade(question, given)
        values = {
            "text": given.text[:500],
            "truth": given.truth,
            "points": outcome.fraction,
            "is_correct": outcome.correct,
            "answered_at": now,
        }
        if locked.answer_id is None:
            try:
                with transaction.atomic():
                    answer = Answer.objects.create(attempt=current, question=question, **values)
            except IntegrityError:
                raise StaleSubmission(
                    "This question was just answered. Nothing was changed."
                ) from None
        else:
            Answer.objects.filter(pk=locked.answer_id).update(**values)
            answer = Answer(pk=locked.answer_id, attempt=current, question=question, **values)
            answer._state.adding = False
            # Replace what was given before (exam mode lets an answer change); only the tables
            # this question type uses are touched.
            relations = question_type(question.type).answer_relations
            if "choices" in relations:
                Answer.choices.through.objects.filter(answer=answer).delete()
            if "matches" in relations:
                answer.matches.all().delete()
        if given.choice_ids:
            Answer.choices.through.objects.bulk_create(
                Answer.choices.through(answer=answer, choice_id=choice_id)
                for choice_id in given.choice_ids
            )
        if given.matches:
            MatchResponse.objects.bulk_create(
                MatchResponse(answer=answer, pair_id=pair_id, given=text)
                for pair_id, text in given.matches
            )
        Slot.objects.filter(pk=locked.pk).update(sequence=locked.sequence + 1)
        slot.sequence = locked.sequence + 1
        if current.user_id:
            update_review(
                user_id=current.user_id, question_id=question.pk, correct=outcome.correct, now=now
            )
        return answer


def finish_attempt(*, attempt: Attempt, now) -> bool:
    """Finish the attempt once; a second call changes nothing and returns False."""
    with transaction.atomic():
        return attempt.finish(now)


# --- Review queue ------------------------------------------------------------------------


def update_review(*, user_id: int, question_id: int, correct: bool, now) -> ReviewItem | None:
    """Move the question's Leitner box after an answer (see ``quizzes.leitner``)."""
    item = (
        ReviewItem.objects.select_for_update()
        .filter(user_id=user_id, question_id=question_id)
        .first()
    )
    current = leitner.Placement(item.box, item.due_at) if item else None
    placed = leitner.after_answer(current, correct=correct, now=now)
    if placed is None or placed == current:
        return item
    if item is None:
        try:
            with transaction.atomic():
                return ReviewItem.objects.create(
                    user_id=user_id,
                    question_id=question_id,
                    box=placed.box,
                    due_at=placed.due_at,
                    updated_at=now,
                )
        except IntegrityError:
            # Another request placed it first; apply this answer on top of that row.
            item = ReviewItem.objects.select_for_update().get(
                user_id=user_id, question_id=question_id
            )
    item.box, item.due_at, item.updated_at = placed.box, placed.due_at, now
    item.save(update_fields=["box", "due_at", "updated_at"])
    return item


def record_review_answers(*, user, attempt_ids: list[int]) -> None:
    """Feed adopted anonymous answers into the account's review queue, oldest first."""
    answers = Answer.objects.filter(attempt_id__in=attempt_ids).order_by("answered_at", "pk")
    for question_id, correct, answered_at in answers.values_list(
        "question_id", "is_correct", "answered_at"
    ):
        update_review(user_id=user.pk, question_id=question_id, correct=correct, now=answered_at)


def start_review(*, user, now, rng: random.Random | None = None) -> Attempt:
    """A practice attempt over the due questions of the quiz whose review is most overdue."""
    rng = rng or random.SystemRandom()
    with transaction.atomic():
        due = ReviewItem.objects.filter(user=user).due(now).select_related("question")
        first = due.order_by("due_at").first()
        if first is None:
            raise NothingToPractise("No questions are due for review. Come back later!")
        quiz = first.question.quiz
        open_review = Attempt.objects.filter(
            user=user, quiz=quiz, is_review=True, state=Attempt.State.IN_PROGRESS
        ).first()
        if open_review is not None:
            return open_review
        question_ids = list(
            due.filter(question__quiz=quiz).order_by("due_at").values_list("question_id", flat=True)
        )
        attempt = _create_attempt(
            quiz=quiz,
            user=user,
            token="",
            mode=Quiz.Mode.PRACTICE,
            question_ids=question_ids,
            now=now,
            rng=rng,
            deadline_minutes=None,
            is_review=True,
        )
        return attempt
