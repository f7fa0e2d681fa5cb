"""Daily streak: consecutive days, ending today or yesterday, with some learning activity."""

from collections.abc import Iterable
from datetime import date, timedelta


def current_streak(active_days: Iterable[date], *, today: date) -> int:
    """Count consecutive active days back from today (or from yesterday when today is idle,
    so the streak is not lost before the day is over)."""
    days = set(active_days)
    day = today if today in days else today - timedelta(days=1)
    streak = 0
    while day in days:
        streak += 1
        day -= timedelta(days=1)
    return streak
