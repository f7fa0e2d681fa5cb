"""Write use cases of progress: ticking or unticking a checklist action, for an account or, for
an anonymous visitor, in the session (adopted at sign-up by civics.accounts)."""

from django.db import transaction

from civics.content.models import ActionItem
from civics.progress.models import ActionTick

# --- Checklists -------------------------------------------------------------------------
SESSION_TICKS = "action_ticks"


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
