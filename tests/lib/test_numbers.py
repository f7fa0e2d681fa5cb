"""One reading of small whole numbers for ids and positions sent by browsers."""

import pytest

from civics.lib.numbers import parse_small_number


@pytest.mark.parametrize(
    ("text", "expected"),
    [("7", 7), ("0", 0), ("123456789012345678", 123456789012345678), ("00042", 42)],
)
def test_ascii_digits_read_as_their_number(text, expected):
    assert parse_small_number(text) == expected


@pytest.mark.parametrize(
    "text", ["", " 7", "7 ", "7_0", "-1", "+1", "1.0", "²", "٣", "1e3", "1234567890123456789", None]
)
def test_anything_else_is_no_number(text):
    assert parse_small_number(text) is None


def test_the_digit_limit_is_the_callers():
    assert parse_small_number("12345", digits=5) == 12345
    assert parse_small_number("123456", digits=5) is None
