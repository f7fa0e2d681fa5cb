"""The review schedule (quizzes/leitner.py): Leitner boxes, plain values, no database."""

import datetime as dt

import pytest

from quizzes.leitner import INTERVAL_DAYS, TOP_BOX, Placement, after_answer, place

NOW = dt.datetime(2025, 9, 10, 12, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


def test_the_boxes_wait_1_3_7_16_and_35_days():
    assert INTERVAL_DAYS == (1, 3, 7, 16, 35)
    assert TOP_BOX == 5


def test_a_new_question_answered_wrong_enters_box_1_due_in_a_day():
    assert after_answer(None, correct=False, now=NOW) == Placement(1, NOW + DAY)


def test_a_new_question_answered_right_is_not_queued():
    assert after_answer(None, correct=True, now=NOW) is None


@pytest.mark.parametrize("box", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("due_in", [-DAY, dt.timedelta(0), DAY], ids=["overdue", "due", "early"])
def test_a_wrong_answer_sends_the_question_back_to_box_1_due_in_a_day(box, due_in):
    assert after_answer(Placement(box, NOW + due_in), correct=False, now=NOW) == Placement(
        1, NOW + DAY
    )


@pytest.mark.parametrize(
    ("box", "next_box", "days"),
    [(1, 2, 3), (2, 3, 7), (3, 4, 16), (4, 5, 35)],
)
def test_a_right_answer_when_due_moves_up_a_box_with_its_interval(box, next_box, days):
    placed = after_answer(Placement(box, NOW), correct=True, now=NOW)

    assert placed == Placement(next_box, NOW + dt.timedelta(days=days))


def test_a_right_answer_long_overdue_moves_up_one_box_only_from_now():
    placed = after_answer(Placement(2, NOW - 30 * DAY), correct=True, now=NOW)

    assert placed == Placement(3, NOW + 7 * DAY)


def test_box_5_stays_in_box_5_and_waits_35_days_again():
    placed = after_answer(Placement(5, NOW - DAY), correct=True, now=NOW)

    assert placed == Placement(5, NOW + 35 * DAY)


@pytest.mark.parametrize("box", [1, 3, 5])
def test_a_right_answer_before_the_question_is_due_changes_nothing(box):
    current = Placement(box, NOW + dt.timedelta(seconds=1))

    assert after_answer(current, correct=True, now=NOW) == current


def test_a_full_round_through_the_boxes():
    now = NOW
    placed = after_answer(None, correct=False, now=now)
    boxes = [placed.box]
    for _ in range(6):
        now = placed.due_at
        placed = after_answer(placed, correct=True, now=now)
        boxes.append(placed.box)
    assert boxes == [1, 2, 3, 4, 5, 5, 5]
    assert placed.due_at == NOW + dt.timedelta(days=1 + 3 + 7 + 16 + 35 + 35 + 35)


@pytest.mark.parametrize(("box", "kept"), [(-1, 1), (0, 1), (1, 1), (5, 5), (6, 5), (99, 5)])
def test_place_keeps_the_box_between_1_and_5(box, kept):
    assert place(box, NOW) == Placement(kept, NOW + dt.timedelta(days=INTERVAL_DAYS[kept - 1]))
