"""A lockout's length in words, as the locked-out page says it."""

from datetime import timedelta

import pytest

from civics.accounts.templatetags.accounts_tags import duration_in_words


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (timedelta(minutes=15), "15 minutes"),
        (timedelta(minutes=1), "1 minute"),
        (timedelta(seconds=61), "2 minutes"),
        (timedelta(hours=1), "1 hour"),
        (timedelta(hours=2, minutes=30), "2 hours and 30 minutes"),
        (timedelta(0), "a while"),
        (None, "a while"),
        ("0:15:00", "a while"),
    ],
)
def test_a_duration_reads_as_people_say_it(value, words):
    assert duration_in_words(value) == words
