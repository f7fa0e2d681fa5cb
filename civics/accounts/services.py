"""Write use cases of accounts: adopting what a browser did anonymously into the account that
just signed up or logged in (quiz attempts, review answers, checklist ticks), within the
account's attempt limits."""

from datetime import datetime

from django.db import transaction
from django.db.models import Count

from civics.content.models import ActionItem
from civics.lib.numbers import parse_small_number
from civics.progress.models import ActionTick
from quizzes.models import Attempt, Quiz
from quizzes.services import record_review_answers


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
            return attempt.is_in_progress and attempt.is_primary

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
                pk__in=[pk for pk in map(parse_small_number, session_ticks) if pk is not None]
            )
        }
        for key, data in session_ticks.items():
            action = valid.get(parse_small_number(key))
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
    primary = [a for a in adopted if a.is_primary]
    limits = dict(
        Quiz.objects.filter(
            pk__in={a.quiz_id for a in primary}, attempt_limit__isnull=False
        ).values_list("pk", "attempt_limit")
    )
    used = dict(
        Attempt.objects.primary()
        .filter(user=user, quiz_id__in=limits)
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
