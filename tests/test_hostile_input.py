"""Hostile input: malformed bodies posted to every POST endpoint, requests without a CSRF token,
forged Host headers.

The fuzz posts more than a thousand bodies (hypothesis) — wrong types, other learners' and other
questions' ids, huge and odd unicode strings, repeated keys, fields a form does not have such as
``score`` or ``is_correct``, broken encodings — and checks after each one: never a 5xx; a 4xx
changes no row; a 2xx or 3xx changes only the tables that endpoint is for, and only rows of the
learner who sent it; a redirect never leaves the site; no one becomes staff.

Every example runs inside a savepoint that is rolled back afterwards (the test client runs the
view on this thread's connection), so each body meets the same starting state.

A deterministic matrix then sends every raw hostile body to every POST endpoint with a valid CSRF
cookie and header, signed in and not, with and without htmx: a body Django will not read (a form
in UTF-16, broken multipart, too many fields or files, too large) is exactly 400 with the site's
page and changes nothing; a body it does read gets what its fields get as a well-formed form.
"""

import html
import json
import logging
import re
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import BadRequest, PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.http import Http404
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client, RequestFactory
from django.urls import URLResolver, get_resolver
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from civics.accounts.views import confirmation_token
from civics.authoring.admin import SESSION_ARTICLE
from civics.authoring.drafting import draft_questions
from civics.authoring.importer import parse_article
from civics.content.models import ActionItem, Lesson, LessonSection, Source, Topic
from civics.progress.models import ActionTick, LearnerProfile, LessonRead
from quizzes import services
from quizzes.admin import SESSION_GIFT
from quizzes.models import (
    Answer,
    Attempt,
    Choice,
    MatchPair,
    MatchResponse,
    Question,
    Quiz,
    ReviewItem,
    Slot,
)
from tests.factories import ActionItemFactory, LessonFactory, StaffUserFactory, UserFactory

from .quizzes.factories import HTMX, T0, question_url, quiz_with_every_type, right_answer

pytestmark = pytest.mark.django_db

User = get_user_model()
PASSWORD = "correct horse battery staple"  # UserFactory's
VICTIM_PASSWORD = "the victim's own secret 42"
NEW_PASSWORD = "Votes count in 2026!"
NEW_EMAIL = "actor.new@example.org"


class Long(str):
    """A long string that a failure report shows in a few characters."""

    def __new__(cls, unit: str, times: int):
        return super().__new__(cls, unit * times)

    def __repr__(self) -> str:
        return f"Long({self[:1]!r}, {len(self)})"


@pytest.fixture(autouse=True)
def _fast_password_hashing_and_sessions_in_the_database(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Sessions in rows, so rolling an example back restores them too (REDIS_URL would put
    # them in the cache, where a logout in one example would last into the next).
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"


# --- The world the fuzz runs in ----------------------------------------------------------


@dataclass
class World:
    actor: User
    victim: User
    staff: User
    practice: Attempt  # the actor's, in progress, question 1 answered wrong
    exam: Attempt  # the actor's, in progress, question 1 answered right
    finished: Attempt  # the actor's, finished with questions missed
    others: list[Attempt]  # the victim's and an anonymous stranger's
    fresh_quiz: Quiz  # published, never started by the actor
    hidden_quizzes: list[Quiz]  # unpublished, or in a draft lesson
    lessons: list[Lesson]  # the two quiz lessons, each with two actions
    draft_action: ActionItem
    anonymous_token: str  # the anonymous learner's, with an attempt in progress
    sessions: dict[str, str]  # who -> session key


def _answer(attempt: Attempt, position: int, *, right: bool, now=T0) -> None:
    slot = attempt.slots.get(position=position)
    question = Question.objects.with_keys().get(pk=slot.question_id)
    choice = next(c for c in question.choices.all() if (c.fraction >= 1) == right)
    services.submit_answer(
        attempt=attempt,
        slot=slot,
        question=question,
        given=services.Given(choice_ids=(choice.pk,)),
        sequence=slot.sequence,
        now=now,
    )


def _session(user=None, **values) -> str:
    if user is None:
        store = SessionStore()
        store.update(values)
        store.create()
        return store.session_key
    client = Client()
    client.force_login(user)
    store = client.session
    store.update(values)
    store.save()
    return store.session_key


@pytest.fixture
def world(db) -> World:
    practice_quiz = quiz_with_every_type(mode="practice")
    exam_quiz = quiz_with_every_type(mode="exam")
    fresh_quiz = quiz_with_every_type()
    hidden = [
        quiz_with_every_type(is_published=False),
        quiz_with_every_type(lesson=LessonFactory(draft=True)),
    ]
    lessons = [practice_quiz.lesson, exam_quiz.lesson]
    for lesson in lessons:
        ActionItemFactory.create_batch(2, lesson=lesson)
    draft_action = ActionItemFactory(lesson=hidden[1].lesson)

    actor, victim = UserFactory(), UserFactory()
    victim.set_password(VICTIM_PASSWORD)
    victim.save()
    staff = StaffUserFactory(is_superuser=True)
    for user in (actor, victim):
        LearnerProfile.objects.create(user=user, time_zone="UTC")
        ActionTick.objects.create(
            user=user, action=lessons[0].actions.first(), note="Called", ticked_at=T0
        )
    # Addresses awaiting confirmation: the actor's own new one; the victim's, which the staff
    # account already has (confirming it is refused).
    LearnerProfile.objects.filter(user=actor).update(unconfirmed_email=NEW_EMAIL)
    LearnerProfile.objects.filter(user=victim).update(unconfirmed_email=staff.email)

    def begin(quiz, user, token=""):
        return services.start_attempt(quiz=quiz, user=user, token=token, now=T0)

    finished = begin(practice_quiz, actor)
    _answer(finished, 1, right=False)  # due for review now: it enters box 1 for a day
    services.finish_attempt(attempt=finished, now=T0)
    practice = begin(practice_quiz, actor)
    _answer(practice, 1, right=False)
    exam = begin(exam_quiz, actor)
    _answer(exam, 1, right=True)

    victims = begin(practice_quiz, victim)
    _answer(victims, 1, right=False)
    victims_finished = begin(exam_quiz, victim)
    services.finish_attempt(attempt=victims_finished, now=T0)
    stranger = begin(practice_quiz, AnonymousUser(), services.new_token())

    anonymous_token = services.new_token()
    _answer(begin(practice_quiz, AnonymousUser(), anonymous_token), 1, right=False)

    return World(
        actor=actor,
        victim=victim,
        staff=staff,
        practice=practice,
        exam=exam,
        finished=finished,
        others=[victims, victims_finished, stranger],
        fresh_quiz=fresh_quiz,
        hidden_quizzes=hidden,
        lessons=lessons,
        draft_action=draft_action,
        anonymous_token=anonymous_token,
        sessions={
            "actor": _session(actor),
            "staff": _session(
                staff,
                **{
                    SESSION_GIFT: {
                        "quiz": fresh_quiz.pk,
                        "text": _GIFT[0],
                        "skip": True,
                        "publish": False,
                    },
                    SESSION_ARTICLE: ARTICLE,
                },
            ),
            "anonymous": _session(learner_token=anonymous_token),
        },
    )


# --- What the database holds, and who owns each row --------------------------------------

OwnedRows = dict[int, tuple[str, tuple]]  # pk -> (owner, values)


def snapshot() -> dict[str, OwnedRows]:
    """Every row a learner's request could write, each with its owner.

    django-axes' records are left out: writing one is what a refused login is for.
    """
    attempts = {
        pk: (f"user:{user}" if user else f"anonymous:{token}", rest)
        for pk, user, token, *rest in Attempt.objects.values_list(
            "pk",
            "user_id",
            "anonymous_token",
            "quiz_id",
            "state",
            "finished_at",
            "mode",
            "retry_of_id",
            "is_review",
            "deadline",
        )
    }
    by_attempt = {pk: owner for pk, (owner, _) in attempts.items()}
    answers = {
        pk: (by_attempt[attempt], (attempt, *rest))
        for pk, attempt, *rest in Answer.objects.values_list(
            "pk", "attempt_id", "question_id", "text", "truth", "points", "is_correct"
        )
    }
    by_answer = {pk: owner for pk, (owner, _) in answers.items()}

    def by_user(queryset, *fields) -> OwnedRows:
        return {pk: (f"user:{user}", rest) for pk, user, *rest in queryset.values_list(*fields)}

    return {
        "user": {
            pk: (f"user:{pk}", rest)
            for pk, *rest in User.objects.values_list(
                "pk", "username", "email", "password", "is_staff", "is_superuser", "is_active"
            )
        },
        "profile": by_user(
            LearnerProfile.objects, "pk", "user_id", "time_zone", "unconfirmed_email"
        ),
        "attempt": attempts,
        "slot": {
            pk: (by_attempt[attempt], (attempt, *rest))
            for pk, attempt, *rest in Slot.objects.values_list(
                "pk", "attempt_id", "question_id", "position", "sequence"
            )
        },
        "answer": answers,
        "answer_choice": {
            pk: (by_answer[answer], (answer, choice))
            for pk, answer, choice in Answer.choices.through.objects.values_list(
                "pk", "answer_id", "choice_id"
            )
        },
        "match": {
            pk: (by_answer[answer], (answer, *rest))
            for pk, answer, *rest in MatchResponse.objects.values_list(
                "pk", "answer_id", "pair_id", "given"
            )
        },
        "review": by_user(ReviewItem.objects, "pk", "user_id", "question_id", "box", "due_at"),
        "tick": by_user(ActionTick.objects, "pk", "user_id", "action_id", "note", "ticked_at"),
        "read": by_user(LessonRead.objects, "pk", "user_id", "lesson_id", "read_at"),
        "content": _content(),
    }


def _content() -> OwnedRows:
    """Row counts, highest ids and published flags of the content no learner may touch, in one
    query (the fuzz takes a snapshot after every body)."""
    columns = []
    for model in [Topic, Source, Lesson, ActionItem, Quiz, Question, Choice, MatchPair]:
        columns += [f"(SELECT COUNT(*) FROM {model._meta.db_table})"]
        columns += [f"(SELECT MAX(id) FROM {model._meta.db_table})"]
    for model, published in [
        (Quiz, "is_published"),
        (Question, "is_published"),
        (Lesson, "status = 'published'"),
    ]:
        columns += [
            f"(SELECT SUM(CASE WHEN {published} THEN id ELSE 0 END) FROM {model._meta.db_table})"
        ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(columns))
        return {0: ("content", cursor.fetchone())}


def changes(before: dict, after: dict) -> dict[str, set[str]]:
    """{table: owners of the rows that were added, changed or removed}."""
    changed = {}
    for table in before:
        old, new = before[table], after[table]
        owners = {
            row[0]
            for pk in old.keys() | new.keys()
            if old.get(pk) != new.get(pk)
            for row in (old.get(pk), new.get(pk))
            if row is not None
        }
        if owners:
            changed[table] = owners
    return changed


# --- The POST endpoints ------------------------------------------------------------------

Target = tuple[str, dict]  # a URL and the body its form would post


@dataclass(frozen=True)
class Endpoint:
    who: str  # whose session sends the bodies: "actor", "anonymous" or "staff"
    targets: Callable[[World], list[Target]]  # the first half are the sender's own objects
    fields: Callable[[World], dict[str, list]]  # more values worth trying, per field
    may_change: frozenset[str]  # tables a 2xx or 3xx may change (the sender's rows only)
    examples: int


def _to(urls: list[str], body: dict) -> list[Target]:
    return [(url, body) for url in urls]


def _attempt_targets(world: World, suffix: str) -> list[Target]:
    attempts = [world.practice, world.exam, world.finished, *world.others]
    urls = [f"/attempts/{a.pk}/{suffix}" for a in attempts]
    return _to(urls + [f"/attempts/999999/{suffix}", f"/attempts/{10**20}/{suffix}"], {})


def _question_targets(world: World) -> list[Target]:
    def answering(attempt: Attempt, position: int) -> Target:
        slot = attempt.slots.select_related("question").get(position=position)
        return question_url(attempt, position), {
            "seq": slot.sequence,
            **right_answer(slot.question),
        }

    own = [answering(a, p) for a in (world.practice, world.exam) for p in range(1, 7)]
    odd = _to(
        [question_url(world.practice, p) for p in (0, 7, 65536, 10**20)],
        {"seq": 0, "truth": "true"},
    )
    theirs = [answering(a, 1) for a in [world.finished, *world.others]]
    return own + odd + theirs


def _question_fields(world: World) -> dict[str, list]:
    fields = {
        "seq": ["0", "1", "2", "-1", "999", "", "٠", " 1 ", "1.0", "1e3", "9" * 40],
        # Every question's choices: the question's own and other questions' (forged ids).
        "choice": list(Choice.objects.values_list("public_id", flat=True)) + ["", "0"],
        "truth": ["true", "false", "True", "1", "on", ""],
        "text": ["Ottawa", "Ottawa, Ontario", "2000", "1e3", "nan", "inf", "-0", "1,000"],
        "go": ["next", "prev", "1", "6", "7", "0", "-1", "summary", "²", "①", Long("9", 5000)],
    }
    # The pairs of both quizzes: a question's own, and another question's (forged).
    quizzes = [world.practice.quiz_id, world.exam.quiz_id]
    for pair in MatchPair.objects.filter(question__quiz__in=quizzes):
        fields[f"match-{pair.pk}"] = ["Ottawa", "Rome", "Nairobi", "", "Right 1"]
    return fields


def _tick_targets(world: World) -> list[Target]:
    own, other = world.lessons
    draft = world.draft_action
    urls = [f"/lessons/{own.slug}/actions/{a.pk}/tick/" for a in own.actions.all()]
    urls += [f"/lessons/{own.slug}/actions/{10**20}/tick/"]
    # Another lesson's action under this lesson, a draft lesson's action, no such lesson.
    urls += [f"/lessons/{own.slug}/actions/{a.pk}/tick/" for a in other.actions.all()]
    urls += [f"/lessons/{draft.lesson.slug}/actions/{draft.pk}/tick/"]
    urls += [f"/lessons/no-such-lesson/actions/{own.actions.first().pk}/tick/"]
    return _to(urls, {"done": "1", "note": "Called"})


def _reset_targets(world: World) -> list[Target]:
    uid = urlsafe_base64_encode(force_bytes(world.actor.pk))
    token = default_token_generator.make_token(world.actor)
    victim = urlsafe_base64_encode(force_bytes(world.victim.pk))
    urls = [
        f"/account/password/reset/{uid}/{token}/",
        f"/account/password/reset/{uid}/set-password/",
        f"/account/password/reset/{victim}/{token}/",
        "/account/password/reset/AAAA/bad-token/",
        "/account/password/reset/%F0%9F%98%80/%00/",
    ]
    return _to(urls, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})


def _confirm_targets(world: World) -> list[Target]:
    own = confirmation_token(world.actor, NEW_EMAIL)
    urls = [
        f"/account/email/confirm/{own}/",
        f"/account/email/confirm/{confirmation_token(world.victim, world.staff.email)}/",
        f"/account/email/confirm/{confirmation_token(world.actor, 'other@example.org')}/",
        f"/account/email/confirm/{own[:-1]}{'A' if own[-1] != 'A' else 'B'}/",
        "/account/email/confirm/not-a-token/",
    ]
    return _to(urls, {})


def _usernames(world: World) -> list[str]:
    return [world.actor.username, world.victim.username, world.staff.username, "newcomer"]


_PASSWORDS = [PASSWORD, VICTIM_PASSWORD, NEW_PASSWORD, "password", "short"]
_TIME_ZONES = ["UTC", "America/Phoenix", "Europe/Paris", "localtime", "Factory", "Mars/Olympus"]
_NEXT = [
    "/dashboard/",
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example",
    "javascript:x",
]
ARTICLE = """Parliament passes the budget

By Ann Writer

The budget passed on Tuesday after a long debate. It funds schools and roads.

Members argued for weeks about how much to spend. The opposition voted against it.

What you can do

1. Write to your representative about the budget.
"""
_GIFT = [
    "::Capital:: Ottawa is the capital of Canada. {T}",
    "::Q:: Which? {=Right ~Wrong}",
    "{",
    "\x00\xff",
    Long("é", 100_000),
]

# Signing in or up moves the anonymous learner's attempts (their slots and answers with them),
# feeds their answers into the account's review queue, and moves the session's ticks.
ADOPTED = frozenset({"attempt", "slot", "answer", "answer_choice", "match", "review", "tick"})

NO_FIELDS: Callable[[World], dict] = lambda world: {}  # noqa: E731

# Examples per endpoint: most where the body decides the most. Sign-up and settings get fewer:
# each of their pages renders a select of ~600 time zones (about 0.1 s a page).
POST_ENDPOINTS: dict[str, Endpoint] = {
    "quizzes:question": Endpoint(
        "actor",
        _question_targets,
        _question_fields,
        frozenset({"answer", "answer_choice", "match", "slot", "review", "attempt"}),
        300,
    ),
    "civics:tick": Endpoint(
        "actor",
        _tick_targets,
        lambda world: {
            "done": ["0", "1", "", "2", "true", "on"],
            "note": ["Called", "", "Called\x00them"],
        },
        frozenset({"tick"}),
        100,
    ),
    "quizzes:start": Endpoint(
        "actor",
        lambda world: _to(
            [
                f"/quizzes/{quiz.slug}/start/"
                for quiz in [world.fresh_quiz, world.practice.quiz, *world.hidden_quizzes]
            ]
            + ["/quizzes/no-such-quiz/start/", f"/quizzes/{'a' * 300}/start/"],
            {},
        ),
        NO_FIELDS,
        frozenset({"attempt", "slot"}),
        60,
    ),
    "quizzes:finish": Endpoint(
        "actor",
        lambda world: _attempt_targets(world, "finish/"),
        NO_FIELDS,
        frozenset({"attempt"}),
        60,
    ),
    "quizzes:practise_missed": Endpoint(
        "actor",
        lambda world: _attempt_targets(world, "practise-missed/"),
        NO_FIELDS,
        frozenset({"attempt", "slot"}),
        60,
    ),
    "quizzes:review": Endpoint(
        "actor",
        lambda world: _to(["/review/start/"], {}),
        NO_FIELDS,
        frozenset({"attempt", "slot"}),
        50,
    ),
    "signup": Endpoint(
        "anonymous",
        lambda world: _to(
            ["/account/signup/"],
            {
                "username": "newcomer",
                "email": "newcomer@example.org",
                "password1": NEW_PASSWORD,
                "password2": NEW_PASSWORD,
                "time_zone": "Europe/Paris",
            },
        ),
        lambda world: {
            "username": _usernames(world),
            "email": [world.victim.email, "not-an-email"],
            "password1": ["short"],
            "password2": ["short"],
            "time_zone": _TIME_ZONES,
        },
        # The new account, and what the anonymous learner did, moving over to it.
        frozenset({"user", "profile"}) | ADOPTED,
        20,
    ),
    "login": Endpoint(
        "anonymous",
        lambda world: _to(
            ["/account/login/", "/account/login/?next=https://evil.example/"],
            {"username": world.actor.username, "password": PASSWORD},
        ),
        lambda world: {"username": _usernames(world), "password": _PASSWORDS, "next": _NEXT},
        # What the anonymous learner did, moving over to the account.
        ADOPTED,
        60,
    ),
    "logout": Endpoint(
        "actor",
        lambda world: _to(["/account/logout/", "/account/logout/?next=//evil.example/"], {}),
        lambda world: {"next": _NEXT},
        frozenset(),
        40,
    ),
    "password_change": Endpoint(
        "actor",
        lambda world: _to(
            ["/account/password/"],
            {
                "old_password": PASSWORD,
                "new_password1": NEW_PASSWORD,
                "new_password2": NEW_PASSWORD,
            },
        ),
        lambda world: {
            "old_password": _PASSWORDS,
            "new_password1": ["short"],
            "new_password2": ["short"],
        },
        frozenset({"user"}),
        50,
    ),
    "password_reset": Endpoint(
        "anonymous",
        lambda world: _to(["/account/password/reset/"], {"email": world.actor.email}),
        lambda world: {"email": [world.victim.email, "x@example.org"]},
        frozenset(),
        50,
    ),
    "password_reset_confirm": Endpoint(
        "anonymous",
        _reset_targets,
        lambda world: {"new_password1": ["short"], "new_password2": ["short"]},
        frozenset({"user"}),
        50,
    ),
    "account": Endpoint(
        "actor",
        lambda world: _to(["/account/"], {"time_zone": "Europe/Paris"}),
        lambda world: {"time_zone": _TIME_ZONES},
        frozenset({"profile"}),
        20,
    ),
    # A first or new address waits on the profile, unconfirmed, until its link is opened.
    "account_email": Endpoint(
        "actor",
        lambda world: _to(["/account/email/"], {"email": "new-address@example.org"}),
        lambda world: {"email": [world.victim.email, "x@example.org", "not an address"]},
        frozenset({"profile"}),
        30,
    ),
    # The link in the confirmation e-mail: GET shows a button, POST confirms the address.
    "email_confirm": Endpoint(
        "anonymous",
        _confirm_targets,
        NO_FIELDS,
        frozenset({"user", "profile"}),
        30,
    ),
    "account_delete": Endpoint(
        "actor",
        lambda world: _to(["/account/delete/"], {"password": PASSWORD}),
        lambda world: {"password": _PASSWORDS},
        # The right password deletes the account and everything it owns, nothing else.
        frozenset({"user", "profile", "attempt", "slot", "answer", "answer_choice", "match"})
        | {"review", "tick", "read"},
        50,
    ),
    # The staff session holds an uploaded GIFT file and a pasted article awaiting confirmation
    # (see ``world``), so a body can reach the step that creates content.
    "admin:quizzes_quiz_import_gift": Endpoint(
        "staff",
        lambda world: [
            (f"/admin/quizzes/quiz/{world.fresh_quiz.pk}/import-gift/", {"confirm": "1"}),
            (f"/admin/quizzes/quiz/{world.fresh_quiz.pk}/import-gift/", {"file": _GIFT[1]}),
            ("/admin/quizzes/quiz/999999/import-gift/", {"confirm": "1"}),
        ],
        lambda world: {"file": _GIFT, "skip_unsupported": ["on", ""], "publish": ["on", ""]},
        frozenset({"content"}),
        50,
    ),
    "admin:civics_lesson_import_article": Endpoint(
        "staff",
        lambda world: [
            ("/admin/civics/lesson/import-article/", {"create": "1", "draft": ["0", "1"]}),
            ("/admin/civics/lesson/import-article/", {"text": ARTICLE}),
            ("/admin/civics/lesson/import-article/", {"cancel": "1"}),
        ],
        lambda world: {
            "text": [ARTICLE, ""],
            "file": [ARTICLE, "", "\x00"],
            "draft": ["0", "1", "2", "99", "-1", "²", Long("9", 5000)],
        },
        frozenset({"content"}),
        50,
    ),
}

# Views that answer GET (and HEAD) only; a POST to one is 405 (checked below).
GET_ONLY = {
    "civics:home",
    "civics:topic",
    "civics:lesson",
    "healthz",
    "civics:dashboard",
    "quizzes:attempt",
    "quizzes:summary",
    "quizzes:result",
    "password_change_done",
    "password_reset_done",
    "password_reset_complete",
    "account_export",
}
# Staff-only admin views CivicPath adds that answer any method but only read (checked below).
READ_ONLY = {
    "admin:quizzes_quiz_statistics",
    "admin:quizzes_quiz_results_csv",
    "admin:quizzes_quiz_progress_csv",
    "admin:quizzes_quiz_export_gift",
}

# Django's own admin views (generic ModelAdmin and AdminSite pages): staff only, tested by
# Django. Admin views CivicPath adds itself must be in one of the tables above.
_DJANGO_ADMIN = re.compile(
    r"admin:(index|login|logout|password_change|password_change_done|autocomplete|jsi18n"
    r"|view_on_site|app_list|None|\w+_(changelist|add|history|delete|change|password_change))$"
)

# --- Hostile values ----------------------------------------------------------------------


HOSTILE = [
    "",
    " ",
    "0",
    "-1",
    "1.5",
    "1e309",
    "NaN",
    "-Infinity",
    "null",
    "None",
    "true",
    "[]",
    "{}",
    '{"$gt": ""}',
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "../../etc/passwd",
    "%00",
    "\x00",
    "Ott\x00awa",
    "\u202egnp.exe",
    "🏛️🗳️👩🏽‍⚖️",
    "e\u0301\u0301\u0301\u0301",
    "\ufeffOttawa",
    "Ｏｔｔａｗａ",
    "²",
    "①",
    "٣",
    "\r\n\r\nSet-Cookie: hacked=1",
    "\x1b[31m",
    Long("9", 5000),
    Long("A", 100_000),
    Long("é", 100_000),
    Long("\u202e", 100_000),
    Long("𝕆", 10_000),
]
EXTRA_FIELDS = [
    "score",
    "is_correct",
    "points",
    "user",
    "user_id",
    "state",
    "sequence",
    "finished_at",
    "attempt",
    "question",
    "is_staff",
    "is_superuser",
    "box",
    "due_at",
    "pk",
    "csrfmiddlewaretoken",
]
EXTRA_VALUES = ["100", "1", "1.0", "true", "999", "finished", "in_progress", "5", "2099-01-01"]

# Bodies no browser would send, each with what Django makes of it. Refused: Django will not
# read it (a form declared in another charset, multipart it cannot parse, too many fields or
# files, more than it reads into memory): ``request.POST`` raises, and the CSRF check, which
# reads the body first, turns that into a 400 before any view runs. The others Django reads,
# with replacement characters, as other fields or as an empty form, and hands to the view.
FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data; boundary=zz"
_MAX_FIELDS = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
_MAX_FILES = settings.DATA_UPLOAD_MAX_NUMBER_FILES
_MAX_MEMORY = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
# Fields of several of the site's forms, so that a body Django did read reaches a form.
_FIELDS = [("seq", "0"), ("done", "1"), ("note", "Café"), ("time_zone", "Europe/Paris")]


def _part(name: str, value: bytes = b"0", filename: str = "") -> bytes:
    disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
    return b"--zz\r\nContent-Disposition: %s\r\n\r\n%s\r\n" % (disposition.encode(), value)


_PARTS = b"".join(_part(name, value.encode()) for name, value in _FIELDS)
_END = b"--zz--\r\n"


class RawBody(bytes):
    """A body as sent, shown in a failure report by its label (some are megabytes long)."""

    def __new__(cls, label: str, data: bytes, content_type: str, *, refused: bool):
        made = super().__new__(cls, data)
        made.label, made.content_type, made.refused = label, content_type, refused
        return made

    def __repr__(self) -> str:
        return f"RawBody({self.label!r}, {len(self)} bytes)"


def _refused(label: str, data: bytes, content_type: str) -> RawBody:
    return RawBody(label, data, content_type, refused=True)


def _read(label: str, data: bytes, content_type: str) -> RawBody:
    return RawBody(label, data, content_type, refused=False)


HOSTILE_BODIES = [
    *(
        _refused(
            f"a form in {charset}",
            urlencode(_FIELDS, encoding=charset).encode(charset),
            f"{FORM}; charset={charset}",
        )
        for charset in ("utf-16", "utf-16-le", "utf-32", "iso-8859-1")
    ),
    _refused("multipart without a boundary", _PARTS + _END, "multipart/form-data"),
    _refused("multipart with an empty boundary", _PARTS + _END, "multipart/form-data; boundary="),
    _refused("multipart with a non-ASCII boundary", _PARTS + _END, MULTIPART + "\u00e9"),
    _refused("too many fields", b"seq=0&" * (_MAX_FIELDS + 1), FORM),
    _refused("too many multipart fields", _part("seq") * (_MAX_FIELDS + 1) + _END, MULTIPART),
    _refused(
        "too many files",
        b"".join(_part("file", b"x", f"{n}.txt") for n in range(_MAX_FILES + 1)) + _END,
        MULTIPART,
    ),
    _refused("too large a form", b"x" * (_MAX_MEMORY + 1), FORM),
    _refused(
        "too large a multipart field", _part("note", b"x" * (_MAX_MEMORY + 1)) + _END, MULTIPART
    ),
    _read("broken percent-escapes", b"seq=%zz&choice=%ff%fe&&=&=x&go=%&note=%C3%28", FORM),
    _read("bytes that are not UTF-8", b"\xff\xfe\x00\x00garbage\x80", FORM),
    _read("multipart cut short", _PARTS + b"--zz\r\nContent-Disposition: form-da", MULTIPART),
    _read("multipart whose boundary never closes", _PARTS, MULTIPART),
    _read("multipart with another boundary", _PARTS.replace(b"--zz", b"--yy"), MULTIPART),
    _read("multipart declared UTF-16", _PARTS + _END, MULTIPART + "; charset=utf-16"),
    _read("garbage as multipart", b"garbage", MULTIPART),
    _read("JSON", b'{"seq": 0, "score": 100}', "application/json"),
    _read("XML", b"<xml>&lt;</xml>", "text/xml"),
]
# The fuzz samples them too (its client checks no CSRF token, so there a view reads the body).
RAW_BODIES = [(body, body.content_type) for body in HOSTILE_BODIES] + [
    (b"seq=%zz&choice=%ff%fe&&=&=x&go=%", FORM),
    (b'--zz\r\nContent-Disposition: form-data; name="seq"\r\n\r\n0', MULTIPART),
]


ABSENT = object()


def values_for(sensible: list) -> st.SearchStrategy:
    """What to put in place of one field's value: nothing, one value, or the key repeated."""
    value = st.one_of(
        st.sampled_from(sensible or EXTRA_VALUES),
        st.sampled_from(HOSTILE),
        st.text(max_size=30),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
    )
    one = st.sampled_from(sensible) if sensible else value
    return st.one_of(
        st.just(ABSENT),
        one.map(lambda v: [v]),
        value.map(lambda v: [v]),
        st.lists(value, min_size=2, max_size=4),
    )


def requests(targets: list[Target], fields: dict[str, list]) -> st.SearchStrategy:
    """(url, body, encoding, raw body, headers): the body a form would post with some of its
    fields replaced, dropped or repeated, plus fields it does not have."""
    own = targets[: max(1, len(targets) // 2)]
    names = sorted(fields.keys() | {name for _, body in targets for name in body})
    replacements = {name: values_for(fields.get(name, [])) for name in names}
    extra = st.lists(st.sampled_from(EXTRA_VALUES + HOSTILE), min_size=1, max_size=3)

    @st.composite
    def bodies(draw, valid: dict) -> dict[str, list]:
        body = {
            name: value if isinstance(value, list) else [value] for name, value in valid.items()
        }
        replaced = st.lists(st.sampled_from(names), unique=True) if names else st.just([])
        for name in draw(replaced, label="replaced"):
            value = draw(replacements[name], label=name)
            if value is ABSENT:
                body.pop(name, None)
            else:
                body[name] = value
        body |= draw(st.dictionaries(st.sampled_from(EXTRA_FIELDS), extra, max_size=3))
        body |= draw(st.dictionaries(st.text(max_size=12), extra, max_size=2))
        return {
            name: [v if isinstance(v, str) else str(v) for v in values]
            for name, values in body.items()
        }

    target = st.one_of(st.sampled_from(own), st.sampled_from(targets))
    return st.tuples(
        target.flatmap(lambda t: st.tuples(st.just(t[0]), bodies(t[1]))),
        st.sampled_from(["multipart"] * 4 + ["form"] * 3 + ["json", "raw"]),
        st.sampled_from(RAW_BODIES),
        st.sampled_from([{}, HTMX]),
    ).map(lambda r: (r[0][0], r[0][1], *r[1:]))


def send(client: Client, url: str, body: dict, encoding: str, raw, headers: dict):
    if encoding == "raw":
        data, content_type = raw
        return client.generic("POST", url, data, content_type=content_type, headers=headers)
    if encoding == "json":
        return client.post(url, json.dumps(body), content_type="application/json", headers=headers)
    if encoding == "form":
        pairs = [(key, value) for key, values in body.items() for value in values]
        return client.post(url, urlencode(pairs), content_type=FORM, headers=headers)
    if "file" in body:  # an upload, the way a browser sends a file field
        content = body["file"][0].encode("utf-8", "surrogatepass")
        body = {**body, "file": SimpleUploadedFile("upload.txt", content)}
    return client.post(url, body, headers=headers)


def crash_report(response) -> str:
    if getattr(response, "exc_info", None):
        return "".join(traceback.format_exception(*response.exc_info))
    return response.content[:2000].decode(errors="replace")


def identities(endpoint: Endpoint, world: World, client: Client, before, after) -> set[str]:
    """Whose rows the sender may change: its own, and those of an account it created or signed
    into with that request (signing in moves the anonymous learner's work over to it)."""
    own = {
        "actor": {f"user:{world.actor.pk}"},
        "staff": {f"user:{world.staff.pk}", "content"},
        "anonymous": {f"anonymous:{world.anonymous_token}", f"user:{world.actor.pk}"},
    }[endpoint.who]
    new_users = {owner for owner, _ in after["user"].values()} - {
        owner for owner, _ in before["user"].values()
    }
    signed_in = client.session.get("_auth_user_id")
    return own | new_users | ({f"user:{signed_in}"} if signed_in else set())


def check(endpoint: Endpoint, world: World, client: Client, response, before, after) -> None:
    status = response.status_code
    changed = changes(before, after)
    if status >= 400:
        assert changed == {}, f"a {status} changed {changed}"
        return
    assert set(changed) <= endpoint.may_change, f"a {status} changed {changed}"
    allowed = identities(endpoint, world, client, before, after)
    for table, owners in changed.items():
        assert owners <= allowed, f"a {status} changed {table} rows of {owners - allowed}"
    for pk, (_, row) in after["user"].items():
        old = before["user"].get(pk)
        flags = tuple(old[1][3:5]) if old else (False, False)
        assert tuple(row[3:5]) == flags, f"user {pk}'s is_staff or is_superuser changed"
    location = response.get("Location") or response.get("HX-Redirect") or ""
    if location:
        parts = urlsplit(location)
        assert parts.netloc in ("", "testserver") and not location.startswith("//"), location
        assert parts.scheme in ("", "http", "https"), location


# --- The fuzz ----------------------------------------------------------------------------


def test_the_fuzz_posts_at_least_a_thousand_bodies():
    assert sum(endpoint.examples for endpoint in POST_ENDPOINTS.values()) >= 1000


@pytest.mark.parametrize("name", sorted(POST_ENDPOINTS))
def test_hostile_bodies_never_crash_and_a_refusal_changes_nothing(world, name):
    endpoint = POST_ENDPOINTS[name]
    targets, fields = endpoint.targets(world), endpoint.fields(world)
    session = world.sessions[endpoint.who]
    # One client for all examples: a new one would load the middleware (and WhiteNoise's file
    # index) again. Its cookies are reset before each example.
    client = Client(raise_request_exception=False)
    # Every example is rolled back, so every one starts from this state.
    before = snapshot()
    sent = []

    @hypothesis_settings(
        max_examples=endpoint.examples,
        deadline=None,
        database=None,
        # No shrinking: a crash's traceback is in the failure message, and shrinking a
        # crash would cost hundreds more requests. The cases found are pinned at the end.
        phases=[Phase.generate],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(request=requests(targets, fields))
    def post_one(request):
        url, body, encoding, raw, headers = request
        client.cookies = SimpleCookie({settings.SESSION_COOKIE_NAME: session})
        with transaction.atomic():
            response = send(client, url, body, encoding, raw, headers)
            sent.append(response.status_code)
            assert response.status_code < 500, crash_report(response)
            check(endpoint, world, client, response, before, snapshot())
            transaction.set_rollback(True)

    post_one()

    assert len(sent) >= endpoint.examples


def test_the_snapshot_sees_a_changed_row_and_its_owner(world):
    before = snapshot()
    Answer.objects.filter(attempt=world.practice).update(points=1, is_correct=True)
    ActionTick.objects.filter(user=world.victim).update(note="changed")

    assert changes(before, snapshot()) == {
        "answer": {f"user:{world.actor.pk}"},
        "tick": {f"user:{world.victim.pk}"},
    }


# --- Every POST endpoint is in the tables ------------------------------------------------


def test_every_url_is_fuzzed_or_answers_get_only():
    names = {name for name, _ in site_urls()}
    ours = {name for name in names if not _DJANGO_ADMIN.match(name)}
    tables = [POST_ENDPOINTS.keys(), GET_ONLY, READ_ONLY]

    assert ours - set().union(*tables) == set(), "add these to POST_ENDPOINTS (or GET_ONLY)"
    assert set().union(*tables) - ours == set(), "these URL names are gone"
    assert sum(map(len, tables)) == len(set().union(*tables)), "a name is in two tables"


def _sample_url(pattern) -> str:
    """A concrete path for a pattern: converters get plausible values (objects need not exist)."""
    route = str(pattern.pattern)
    if pattern.name == "app_list":
        return "quizzes/"
    if route == "(?P<url>.*)$":
        return "no-such-admin-page/"
    samples = {"int": "1", "slug": "a-slug", "path": "1", "str": "MQ"}
    return re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: samples[m.group(1) or "str"], route.lstrip("^"))


def site_urls() -> list[tuple[str, str]]:
    """(name, path) of every URL of the site, with the prefixes of the includes."""
    found = []

    def walk(patterns, prefix: str, namespace: str):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            else:
                found.append((f"{namespace}{pattern.name}", "/" + prefix + _sample_url(pattern)))

    walk(get_resolver().url_patterns, "", "")
    return found


def test_get_only_urls_refuse_a_post(world):
    client = Client()
    client.force_login(world.staff)
    paths = {name: path for name, path in site_urls()}
    paths["quizzes:attempt"] = f"/attempts/{world.practice.pk}/"
    before = snapshot()

    for name in sorted(GET_ONLY):
        response = client.post(paths[name], {"score": "100"})
        assert response.status_code == 405, (name, paths[name], response.status_code)

    assert changes(before, snapshot()) == {}


def test_read_only_admin_views_change_nothing_when_posted_to(world):
    client = Client()
    client.force_login(world.staff)
    paths = {name: path.replace("/1/", f"/{world.fresh_quiz.pk}/") for name, path in site_urls()}
    before = snapshot()

    for name in sorted(READ_ONLY):
        response = client.post(paths[name], {"is_published": "", "confirm": "1", "score": "1"})
        assert response.status_code == 200, (name, paths[name], response.status_code)

    assert changes(before, snapshot()) == {}


# --- CSRF --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["anonymous", "staff"])
def test_every_unsafe_request_without_a_csrf_token_is_403_and_changes_nothing(world, who):
    client = Client(enforce_csrf_checks=True)
    if who == "staff":
        client.force_login(world.staff)
    urls = site_urls()
    assert len(urls) > 50  # the admin's too
    before = snapshot()

    for name, path in urls:
        for method in ("POST", "PUT", "PATCH", "DELETE"):
            response = client.generic(method, path, "score=100", content_type=FORM)
            assert response.status_code == 403, (method, name, path, response.status_code)
            assert b"CSRF verification failed" in response.content, (method, name, path)

    assert changes(before, snapshot()) == {}


def test_the_same_request_with_its_csrf_token_is_not_refused(world):
    """The control for the test above: the 403 comes from the missing token, nothing else."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.actor)
    client.get("/")
    token = client.cookies[settings.CSRF_COOKIE_NAME].value

    response = client.post(f"/attempts/{world.practice.pk}/finish/", headers={"X-CSRFToken": token})

    assert response.status_code == 302
    world.practice.refresh_from_db()
    assert not world.practice.is_in_progress


# --- Hostile bodies with a valid CSRF token ----------------------------------------------
# The fuzz's client checks no CSRF token, so it never met the CSRF check's own read of the body
# (nor Django's default error pages reading it a second time: a 500). Here every body goes to
# every POST endpoint the way a visitor's browser would send it: CSRF cookie and header.

ROLES = ("own session", "no session")  # the endpoint's sender (see Endpoint.who); no session
SITE_PAGES = {
    400: "We couldn't read that request",
    403: "You can't open this page",
    404: "We couldn't find that page",
}
UTF16 = next(body for body in HOSTILE_BODIES if body.label == "a form in utf-16")


def is_site_page(response, status: int) -> bool:
    page = html.unescape(response.content.decode(errors="replace"))
    return SITE_PAGES[status] in page and 'class="site-header"' in page


def csrf_token(client: Client) -> str:
    """The CSRF cookie a visitor's browser holds once it has opened a page of the site."""
    client.cookies = SimpleCookie()
    assert client.get("/").status_code == 200
    return client.cookies[settings.CSRF_COOKIE_NAME].value


def as_read(body: RawBody) -> str:
    """The fields Django makes of a body it reads, as a well-formed UTF-8 form."""
    request = RequestFactory().generic("POST", "/", body, content_type=body.content_type)
    return urlencode(list(request.POST.lists()), doseq=True)


def last_line(response) -> str:
    report = crash_report(response).strip().splitlines()
    return report[-1] if report else ""


def test_the_matrix_of_hostile_bodies_does_not_shrink():
    refused = [body for body in HOSTILE_BODIES if body.refused]
    assert len(POST_ENDPOINTS) >= 17
    assert len(refused) >= 12 and len(HOSTILE_BODIES) - len(refused) >= 9
    assert len({body.label for body in HOSTILE_BODIES}) == len(HOSTILE_BODIES)
    assert len(POST_ENDPOINTS) * len(HOSTILE_BODIES) * len(ROLES) * 2 >= 17 * 21 * 2 * 2
    assert all((body, body.content_type) in RAW_BODIES for body in HOSTILE_BODIES)


@pytest.fixture
def quiet():
    """No log record for each refused body (Django logs a traceback with every 400)."""
    loggers = [logging.getLogger(name) for name in ("django.request", "django.security")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    yield
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)


def _known_owners(before: dict, world: World) -> set[str]:
    return {owner for rows in before.values() for owner, _ in rows.values()} | {
        f"anonymous:{world.anonymous_token}"
    }


def _named(changed: dict, known: set[str]) -> dict:
    """Changes with the owners a request created (a new account, a new anonymous learner's
    token) named by kind: two requests that each create one create different ones."""
    return {
        table: {owner if owner in known else owner.split(":")[0] + ":(new)" for owner in owners}
        for table, owners in changed.items()
    }


@pytest.mark.parametrize("name", sorted(POST_ENDPOINTS))
def test_every_hostile_body_with_a_valid_csrf_token_gets_its_exact_answer(world, name, quiet):
    """A body Django refuses is 400 with the site's page, before any view: no row changes. A
    body Django reads gets what the view answers to the fields Django made of it, sent as a
    well-formed form: the same status and the same changes."""
    endpoint = POST_ENDPOINTS[name]
    url = endpoint.targets(world)[0][0]  # the sender's own object: where a good body acts
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    token = csrf_token(client)
    before = snapshot()
    known = _known_owners(before, world)

    def post(role: str, headers: dict, data: bytes | str, content_type: str):
        cookies = {settings.CSRF_COOKIE_NAME: token}
        if role == "own session":
            cookies[settings.SESSION_COOKIE_NAME] = world.sessions[endpoint.who]
        client.cookies = SimpleCookie(cookies)
        with transaction.atomic():
            response = client.generic(
                "POST", url, data, content_type, headers={"X-CSRFToken": token, **headers}
            )
            changed = _named(changes(before, snapshot()), known)
            transaction.set_rollback(True)
        return response.status_code, changed, response

    controls = {}  # (role, htmx, fields) -> (status, changes): bodies read alike share one
    failures, sent = [], 0
    for body in HOSTILE_BODIES:
        for role in ROLES:
            for headers in ({}, HTMX):
                status, changed, response = post(role, headers, body, body.content_type)
                sent += 1
                if body.refused:
                    expected = (400, {})
                else:
                    fields = as_read(body)
                    key = (role, bool(headers), fields)
                    if key not in controls:
                        controls[key] = post(role, headers, fields, FORM)[:2]
                    expected = controls[key]
                problems = []
                if status != expected[0]:
                    problems.append(f"{status}, expected {expected[0]}")
                if status >= 500:
                    problems.append(last_line(response))
                if changed != expected[1] or (status >= 400 and changed):
                    problems.append(f"changed {changed}, expected {expected[1]}")
                if body.refused and status == 400 and not is_site_page(response, 400):
                    problems.append("not the site's 400 page")
                if problems:
                    htmx = " + HX-Request" if headers else ""
                    failures.append(f"{body.label} · {role}{htmx}: {'; '.join(problems)}")

    assert sent == len(HOSTILE_BODIES) * len(ROLES) * 2
    assert not failures, f"{name} ({url}), {len(failures)} of {sent}:\n" + "\n".join(failures)


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
@pytest.mark.parametrize("who", ["actor", None])
def test_a_utf16_body_posted_to_no_such_page_gets_the_sites_404(world, who, headers):
    """The 404 comes before the CSRF check reads the body; the handler must not read it."""
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    token = csrf_token(client)
    if who:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[who]
    before = snapshot()

    response = client.generic(
        "POST",
        "/no/such/page/",
        UTF16,
        UTF16.content_type,
        headers={"X-CSRFToken": token, **headers},
    )

    assert response.status_code == 404, crash_report(response)
    assert is_site_page(response, 404)
    assert changes(before, snapshot()) == {}


def test_a_utf16_body_from_a_forged_origin_is_refused_by_the_csrf_check_without_reading_it(world):
    """The origin is checked before the body is read: the CSRF failure page, not a 500."""
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    token = csrf_token(client)
    before = snapshot()

    response = client.generic(
        "POST",
        f"/attempts/{world.practice.pk}/finish/",
        UTF16,
        UTF16.content_type,
        headers={"X-CSRFToken": token, "Origin": "https://evil.example"},
    )

    assert response.status_code == 403, crash_report(response)
    assert b"CSRF verification failed" in response.content
    assert changes(before, snapshot()) == {}


@pytest.mark.parametrize(
    ("status", "exception"),
    [(400, BadRequest("unreadable")), (403, PermissionDenied()), (404, Http404()), (500, None)],
)
def test_the_error_handlers_never_read_the_body(status, exception):
    """The site's registered handlers, given a request whose body cannot be read (Django's
    default 400, 403 and 404 handlers read it again, through ``requires_csrf_token``)."""
    secret = _get_new_csrf_string()  # the visitor's CSRF cookie, and the header that matches
    factory = RequestFactory(headers={"X-CSRFToken": secret})
    factory.cookies[settings.CSRF_COOKIE_NAME] = secret
    request = factory.generic("POST", "/quizzes/", UTF16, content_type=UTF16.content_type)
    request.user = AnonymousUser()
    handler = get_resolver().resolve_error_handler(status)

    response = handler(request) if exception is None else handler(request, exception)

    assert response.status_code == status
    if status in SITE_PAGES:
        assert is_site_page(response, status)
    with pytest.raises(BadRequest):
        request.POST  # noqa: B018 -- still unreadable: the handler did not consume it


# --- Host header -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "host", ["evil.example", "testserver.evil.example", "evil.example:80", "[::2]", "a b"]
)
def test_a_forged_host_header_is_400_and_changes_nothing(world, host):
    client = Client(HTTP_HOST=host)
    signed_in = Client(HTTP_HOST=host)
    signed_in.force_login(world.actor)
    before = snapshot()

    assert client.get("/").status_code == 400
    assert client.post("/account/login/", {"username": world.actor.username}).status_code == 400
    assert signed_in.get("/dashboard/").status_code == 400
    assert signed_in.post(f"/attempts/{world.practice.pk}/finish/").status_code == 400

    assert changes(before, snapshot()) == {}


def test_a_forwarded_host_is_not_trusted_for_password_reset_links(world, mailoutbox):
    client = Client(HTTP_X_FORWARDED_HOST="evil.example")

    response = client.post("/account/password/reset/", {"email": world.actor.email})

    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert "evil.example" not in mailoutbox[0].body
    assert "http://testserver/account/password/reset/" in mailoutbox[0].body


# --- What the fuzz found, pinned ---------------------------------------------------------


@pytest.mark.parametrize("go", ["²", "①", "9" * 5000])
def test_a_go_value_that_is_not_a_plain_number_goes_to_the_summary(world, go):
    client = Client(raise_request_exception=False)
    client.force_login(world.actor)
    before = snapshot()

    response = client.post(question_url(world.exam, 2), {"seq": "0", "go": go})

    assert response.status_code == 302, crash_report(response)
    assert response["Location"] == f"/attempts/{world.exam.pk}/summary/"
    assert changes(before, snapshot()) == {}


def test_a_nul_character_in_a_tick_note_is_refused_and_stores_nothing(world):
    client = Client(raise_request_exception=False)
    client.force_login(world.actor)
    action = world.lessons[1].actions.first()
    before = snapshot()

    response = client.post(
        f"/lessons/{action.lesson.slug}/actions/{action.pk}/tick/",
        {"done": "1", "note": "Called\x00them"},
    )

    assert response.status_code == 400, crash_report(response)
    assert changes(before, snapshot()) == {}


@pytest.mark.parametrize("draft", ["²", "①", "9" * 5000])
def test_a_draft_number_that_is_not_a_plain_number_is_ignored_by_the_article_import(world, draft):
    client = Client(raise_request_exception=False)
    client.cookies = SimpleCookie({settings.SESSION_COOKIE_NAME: world.sessions["staff"]})

    response = client.post(
        "/admin/civics/lesson/import-article/", {"create": "1", "draft": ["0", draft]}
    )

    assert response.status_code == 302, crash_report(response)
    lesson = Lesson.objects.get(pk=response["Location"].rstrip("/").split("/")[-2])
    # Draft 0 only, when the article yields a draft at all; the odd number is ignored.
    expected = min(1, len(draft_questions(parse_article(ARTICLE))))
    assert lesson.quizzes.get().questions.count() == expected


@pytest.mark.parametrize(
    ("url", "field", "confirm"),
    [
        ("/admin/civics/lesson/import-article/", "text", "create"),
        ("/admin/civics/lesson/import-article/", "file", "create"),
        ("/admin/quizzes/quiz/{quiz}/import-gift/", "file", "confirm"),
    ],
)
def test_an_import_with_a_nul_character_is_refused_or_stored_without_it(world, url, field, confirm):
    """Preview, then confirm, as an educator would: never a 5xx (PostgreSQL refuses NUL)."""
    client = Client(raise_request_exception=False)
    client.force_login(world.staff)
    url = url.format(quiz=world.fresh_quiz.pk)
    if "article" in url:
        text = ARTICLE.replace("long debate", "long\x00debate")
    else:
        text = "::Q:: Null\x00byte {T}"
    value = SimpleUploadedFile("upload.txt", text.encode()) if field == "file" else text

    preview = client.post(url, {field: value})
    assert preview.status_code in (200, 400), crash_report(preview)
    if preview.status_code == 400:
        return  # refused at the preview: fine
    done = client.post(url, {confirm: "1", "draft": "0"})

    assert done.status_code == 302, crash_report(done)
    stored = [
        *Lesson.objects.values_list("title", "summary"),
        *Question.objects.values_list("title", "prompt"),
        *LessonSection.objects.values_list("heading", "body"),
    ]
    assert not any("\x00" in value for row in stored for value in row)
