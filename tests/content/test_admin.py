"""The admin as an educator's workspace: the Educators role and what it may open, every admin page
loading, list pages with a fixed number of queries, filters, search, bulk actions, inlines and
"view on site"."""

import datetime as dt
import re

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from civics.content.models import ActionItem, Lesson, LessonSection, Source, Topic
from quizzes.models import Question, Quiz
from tests.factories import (
    ActionItemFactory,
    KeyPointFactory,
    LessonFactory,
    LessonSectionFactory,
    SourceFactory,
    StaffUserFactory,
    TopicFactory,
    UserFactory,
)
from tests.quizzes.factories import (
    AnswerFactory,
    QuizFactory,
    SlotFactory,
    matching_question,
    numeric_question,
    single_question,
)

pytestmark = pytest.mark.django_db

User = get_user_model()

AUTHORED = {
    "civics": ["topic", "source", "lesson", "keypoint", "lessonsection", "actionitem"],
    "quizzes": ["quiz", "question", "choice", "acceptedanswer", "numericanswer", "matchpair"],
}
EXPECTED_PERMISSIONS = {
    (app, f"{action}_{model}")
    for app, models in AUTHORED.items()
    for model in models
    for action in ("add", "change", "delete", "view")
} | {("axes", "view_accessattempt"), ("axes", "delete_accessattempt")}

# What an educator may open in the admin; every other registered model answers 403.
EDUCATOR_MODELS = {
    "civics.topic",
    "civics.source",
    "civics.lesson",
    "quizzes.quiz",
    "quizzes.question",
    "axes.accessattempt",
}


@pytest.fixture
def educator(db):
    user = StaffUserFactory(username="teacher")
    user.groups.add(Group.objects.get(name="Educators"))
    return user


@pytest.fixture
def educator_client(educator) -> Client:
    client = Client()
    client.force_login(educator)
    return client


@pytest.fixture
def superuser_client(db) -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser("boss", "boss@example.org", "unused-pw-1"))
    return client


def management(prefix: str, rows: list[dict] | None = None) -> dict:
    """An inline formset's management form plus its rows, as the admin page posts them."""
    rows = rows or []
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{name}": value for name, value in row.items()})
    return data


def messages_of(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


# --- 1. The Educators role -------------------------------------------------------------------


def test_migrations_create_the_educators_group_with_exactly_the_authoring_permissions():
    group = Group.objects.get(name="Educators")

    granted = set(group.permissions.values_list("content_type__app_label", "codename"))

    assert granted == EXPECTED_PERMISSIONS
    assert len(EXPECTED_PERMISSIONS) == 50


@pytest.mark.parametrize(
    "app_label", ["auth", "quizzes.attempt", "quizzes.answer", "quizzes.slot", "contenttypes"]
)
def test_the_educators_group_holds_nothing_on_accounts_or_learners_work(app_label):
    group = Group.objects.get(name="Educators")
    app, _, model = app_label.partition(".")
    permissions = group.permissions.filter(content_type__app_label=app)
    if model:
        permissions = permissions.filter(content_type__model=model)

    assert not permissions.exists()


def test_an_educator_adds_a_published_question_with_inline_choices(educator_client):
    quiz = QuizFactory()
    data = {
        "quiz": quiz.pk,
        "type": "single",
        "title": "Capital",
        "prompt": "Which city is the capital of **Canada**?",
        "section": "",
        "order": "1",
        "is_published": "on",
        "truth": "unknown",
        "feedback_right": "",
        "feedback_wrong": "",
        "explanation": "Ottawa has been the capital since 1857.",
        **management(
            "choices",
            [
                {"order": "1", "text": "Ottawa", "fraction": "1", "feedback": ""},
                {"order": "2", "text": "Toronto", "fraction": "0", "feedback": "Largest city."},
            ],
        ),
        **management("accepted_answers"),
        **management("numeric_answers"),
        **management("pairs"),
        "_save": "Save",
    }

    response = educator_client.post("/admin/quizzes/question/add/", data)

    assert response.status_code == 302, response.content.decode()[:2000]
    question = Question.objects.get(title="Capital")
    assert question.quiz == quiz
    assert question.is_published
    assert question.prompt_html == "<p>Which city is the capital of <strong>Canada</strong>?</p>"
    assert list(question.choices.values_list("text", "fraction", "feedback")) == [
        ("Ottawa", 1.0, ""),
        ("Toronto", 0.0, "Largest city."),
    ]
    assert not [m for m in messages_of(response) if "Not publishable" in m]
    # Learners now see it counted on the lesson page.
    assert "1 question," in Client().get(quiz.lesson.get_absolute_url()).content.decode()


def test_an_educator_publishes_a_draft_question_from_the_list(educator_client):
    question = single_question(QuizFactory(), is_published=False)

    response = educator_client.post(
        "/admin/quizzes/question/",
        {"action": "publish", "_selected_action": [question.pk], "index": "0"},
    )

    assert response.status_code == 302
    question.refresh_from_db()
    assert question.is_published
    assert "Published 1 question(s)." in messages_of(response)


@pytest.mark.parametrize(
    "url",
    [
        "/admin/auth/user/",
        "/admin/auth/user/add/",
        "/admin/auth/group/",
        "/admin/axes/accesslog/",
        "/admin/axes/accessfailurelog/",
    ],
)
def test_an_educator_cannot_open_accounts_groups_or_login_logs(educator_client, url):
    assert educator_client.get(url).status_code == 403


def test_an_educator_cannot_open_or_change_another_account(educator_client, educator):
    learner = UserFactory()

    assert educator_client.get(f"/admin/auth/user/{learner.pk}/change/").status_code == 403
    response = educator_client.post(
        f"/admin/auth/user/{educator.pk}/change/",
        {"username": educator.username, "is_superuser": "on", "is_staff": "on"},
    )
    assert response.status_code == 403
    educator.refresh_from_db()
    assert not educator.is_superuser


@pytest.mark.parametrize(
    "url",
    [
        "/admin/quizzes/attempt/",
        "/admin/quizzes/answer/",
        "/admin/quizzes/slot/",
        "/admin/quizzes/reviewitem/",
        "/admin/civics/actiontick/",
    ],
)
def test_learners_attempts_and_answers_are_not_in_the_admin(educator_client, superuser_client, url):
    assert educator_client.get(url).status_code == 404
    assert superuser_client.get(url).status_code == 404


def test_the_admin_index_lists_only_what_an_educator_may_open(educator_client):
    html = educator_client.get("/admin/").content.decode()

    for path in ["civics/topic", "civics/lesson", "quizzes/quiz", "quizzes/question"]:
        assert f'href="/admin/{path}/"' in html
    for path in ["auth/user", "auth/group", "axes/accesslog"]:
        assert f'href="/admin/{path}/"' not in html


# --- 2. Every admin page loads ---------------------------------------------------------------


@pytest.fixture
def one_of_everything(educator):
    """A row of every registered model, content complete with its inline rows."""
    topic = TopicFactory()
    lesson = LessonFactory(topics=[topic])
    KeyPointFactory(lesson=lesson)
    ActionItemFactory(lesson=lesson)
    quiz = QuizFactory(lesson=lesson)
    single_question(quiz)
    numeric_question(quiz)
    matching_question(quiz)
    now = timezone.now()
    common = {"user_agent": "pytest", "ip_address": "10.0.0.9", "username": "locked"}
    common |= {"http_accept": "*/*", "path_info": "/account/login/", "attempt_time": now}
    AccessAttempt.objects.create(**common, get_data="", post_data="", failures_since_start=5)
    AccessLog.objects.create(**common)
    AccessFailureLog.objects.create(**common, locked_out=True)
    return educator


def registered_models() -> list:
    return sorted(admin.site._registry, key=lambda model: model._meta.label)


def admin_urls(model) -> tuple[str, str]:
    opts = model._meta
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None, f"no {opts.label} row to open: add one to one_of_everything"
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    return changelist, change


def test_every_registered_model_list_and_change_page_loads_for_a_superuser(
    one_of_everything, superuser_client
):
    models = registered_models()
    assert {m._meta.label_lower for m in models} >= EDUCATOR_MODELS | {"auth.user", "auth.group"}

    for model in models:
        for url in admin_urls(model):
            assert superuser_client.get(url).status_code == 200, url
        add = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
        # django-axes records login attempts itself; its admin has no add page.
        expected = 403 if model._meta.app_label == "axes" else 200
        assert superuser_client.get(add).status_code == expected, add


def test_an_educator_opens_every_content_page_and_nothing_else(one_of_everything, educator_client):
    for model in registered_models():
        expected = 200 if model._meta.label_lower in EDUCATOR_MODELS else 403
        for url in admin_urls(model):
            assert educator_client.get(url).status_code == expected, url


@pytest.mark.parametrize("model", ["topic", "source", "lesson"], ids=str)
def test_an_educator_opens_the_add_page_of_each_content_model(educator_client, model):
    assert educator_client.get(f"/admin/civics/{model}/add/").status_code == 200


def test_an_educator_opens_the_quiz_and_question_add_pages(educator_client):
    assert educator_client.get("/admin/quizzes/quiz/add/").status_code == 200
    assert educator_client.get("/admin/quizzes/question/add/").status_code == 200


def test_the_lesson_page_holds_its_key_points_sections_and_actions_inline(educator_client):
    lesson = LessonFactory()
    KeyPointFactory(lesson=lesson, text="Point kept inline")
    LessonSectionFactory(lesson=lesson, heading="Section kept inline")
    ActionItemFactory(lesson=lesson, text="Call your representative today")

    html = educator_client.get(f"/admin/civics/lesson/{lesson.pk}/change/").content.decode()

    for prefix in ["key_points", "sections", "actions"]:
        assert f'name="{prefix}-TOTAL_FORMS"' in html
    assert "Point kept inline" in html
    assert "Section kept inline" in html
    assert "Call your representative today" in html


def test_the_quiz_page_lists_its_questions_in_order_with_links_to_edit_them(educator_client):
    quiz = QuizFactory()
    second = single_question(quiz, title="Second question", order=2)
    first = single_question(quiz, title="First question", order=1)

    html = educator_client.get(f"/admin/quizzes/quiz/{quiz.pk}/change/").content.decode()

    assert html.index("First question") < html.index("Second question")
    for question in (first, second):
        assert f'href="/admin/quizzes/question/{question.pk}/change/"' in html
    for tool in ["statistics/", "results.csv", "import-gift/", "export-gift/"]:
        assert f'href="/admin/quizzes/quiz/{quiz.pk}/{tool}"' in html


def lesson_form(lesson: Lesson, **changes) -> dict:
    data = {
        "title": lesson.title,
        "slug": lesson.slug,
        "summary": lesson.summary,
        "source": lesson.source_id or "",
        "status": lesson.status,
        "published_on": lesson.published_on.isoformat() if lesson.published_on else "",
        **management("key_points"),
        **management("sections"),
        **management("actions"),
        "_save": "Save",
    }
    data.update(changes)
    return data


def test_an_educator_adds_a_section_and_an_action_through_the_lesson_inlines(educator_client):
    lesson = LessonFactory(summary="Short.")
    body = "Words " * 450  # 450 words + the summary: a 3-minute read

    response = educator_client.post(
        f"/admin/civics/lesson/{lesson.pk}/change/",
        lesson_form(
            lesson,
            **management(
                "sections",
                [{"order": "1", "heading": "Why it matters", "anchor": "", "body": body}],
            ),
            **management(
                "actions",
                [{"order": "1", "kind": "call", "text": "Call 202-224-3121.", "link": ""}],
            ),
        ),
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    section = LessonSection.objects.get(lesson=lesson)
    assert section.anchor == "why-it-matters"
    assert section.body_html.startswith("<p>Words")
    assert ActionItem.objects.get(lesson=lesson).link == "tel:+12022243121"
    lesson.refresh_from_db()
    assert lesson.reading_minutes == 3


@pytest.mark.parametrize(
    ("link", "why"),
    [
        ("javascript:alert(1)", "A link starts with https://, tel: or mailto:"),
        ("http://example.org", "A link starts with https://, tel: or mailto:"),
        ("https://good.org@evil.example", "A web link is https:// followed by a site name"),
        ("tel:javascript:alert(1)", "A phone link is tel: followed by + and the whole number"),
        ("mailto:javascript:alert(1)", "A mail link is mailto: followed by one e-mail address"),
        ("mailto:a@b.org,c@d.org", "A mail link is mailto: followed by one e-mail address"),
    ],
)
def test_an_action_link_that_is_not_allowed_is_refused_in_the_admin_with_the_reason(
    educator_client, link, why
):
    lesson = LessonFactory()

    response = educator_client.post(
        f"/admin/civics/lesson/{lesson.pk}/change/",
        lesson_form(
            lesson,
            **management(
                "actions", [{"order": "1", "kind": "read", "text": "Read it", "link": link}]
            ),
        ),
    )

    assert response.status_code == 200
    assert why in response.content.decode()
    assert not ActionItem.objects.filter(lesson=lesson).exists()


def test_an_action_link_in_capitals_is_saved_with_its_scheme_in_lower_case(educator_client):
    lesson = LessonFactory()

    response = educator_client.post(
        f"/admin/civics/lesson/{lesson.pk}/change/",
        lesson_form(
            lesson,
            **management(
                "actions",
                [{"order": "1", "kind": "call", "text": "Call", "link": " TEL:+12022243121 "}],
            ),
        ),
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    assert ActionItem.objects.get(lesson=lesson).link == "tel:+12022243121"


# --- List pages: a fixed number of queries -----------------------------------------------------


def build_lessons(n: int) -> None:
    for _ in range(n):
        lesson = LessonFactory(topics=TopicFactory.create_batch(2))
        ActionItemFactory.create_batch(2, lesson=lesson)


def build_quizzes(n: int) -> None:
    for _ in range(n):
        quiz = QuizFactory(lesson=LessonFactory(topics=[TopicFactory()]))
        single_question(quiz)


def build_questions(n: int) -> None:
    for _ in range(n):
        question = single_question(QuizFactory())
        slot = SlotFactory(question=question, attempt__quiz=question.quiz)
        slot.attempt.state, slot.attempt.finished_at = "finished", slot.attempt.started_at
        slot.attempt.save()
        AnswerFactory(attempt=slot.attempt, question=question)


def build_topics(n: int) -> None:
    for _ in range(n):
        LessonFactory(topics=[TopicFactory()])


def build_sources(n: int) -> None:
    SourceFactory.create_batch(n)


LISTS = {
    "/admin/civics/lesson/": (build_lessons, Lesson),
    "/admin/quizzes/quiz/": (build_quizzes, Quiz),
    "/admin/quizzes/question/": (build_questions, Question),
    "/admin/civics/topic/": (build_topics, Topic),
    "/admin/civics/source/": (build_sources, Source),
}


def listed(client, url: str) -> tuple[int, list]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), list(response.context["cl"].result_list)


@pytest.mark.parametrize("url", LISTS)
def test_a_list_page_runs_the_same_queries_for_1_and_for_20_rows(educator_client, url):
    build, model = LISTS[url]
    build(1)
    with_one, rows = listed(educator_client, url)
    assert len(rows) == 1

    build(19)
    with_twenty, rows = listed(educator_client, url)

    assert len(rows) == model.objects.count() == 20
    assert with_twenty == with_one


# --- Filters and search ----------------------------------------------------------------------


def shown(client, url: str) -> set:
    response = client.get(url)
    assert response.status_code == 200, url
    return set(response.context["cl"].result_list)


def test_lesson_list_filters_by_status_and_topic_and_searches_the_summary(educator_client):
    courts = TopicFactory(name="Courts")
    published = LessonFactory(topics=[courts], summary="About the supreme court.")
    draft = LessonFactory(draft=True, summary="About city budgets.")

    assert shown(educator_client, "/admin/civics/lesson/?status__exact=draft") == {draft}
    assert shown(educator_client, "/admin/civics/lesson/?status__exact=published") == {published}
    assert shown(educator_client, f"/admin/civics/lesson/?topics__id__exact={courts.pk}") == {
        published
    }
    assert shown(educator_client, "/admin/civics/lesson/?q=budgets") == {draft}


def test_quiz_list_filters_by_status_mode_and_topic_and_searches_the_lesson(educator_client):
    elections = TopicFactory(name="Elections")
    practice = QuizFactory(lesson=LessonFactory(title="Ballot access", topics=[elections]))
    exam = QuizFactory(exam=True, is_published=False)

    assert shown(educator_client, "/admin/quizzes/quiz/?mode__exact=exam") == {exam}
    assert shown(educator_client, "/admin/quizzes/quiz/?is_published__exact=1") == {practice}
    url = f"/admin/quizzes/quiz/?lesson__topics__id__exact={elections.pk}"
    assert shown(educator_client, url) == {practice}
    assert shown(educator_client, "/admin/quizzes/quiz/?q=ballot") == {practice}


def test_question_list_filters_by_status_type_topic_lesson_and_quiz_and_searches(
    educator_client,
):
    housing = TopicFactory(name="Housing")
    quiz = QuizFactory(lesson=LessonFactory(topics=[housing]))
    other_quiz = QuizFactory()
    single = single_question(quiz, prompt="Who sets the zoning rules?")
    numeric = numeric_question(quiz, is_published=False)
    elsewhere = matching_question(other_quiz)
    base = "/admin/quizzes/question/"

    assert shown(educator_client, base + "?type__exact=numeric") == {numeric}
    assert shown(educator_client, base + "?is_published__exact=0") == {numeric}
    assert shown(educator_client, base + f"?quiz__lesson__topics__id__exact={housing.pk}") == {
        single,
        numeric,
    }
    assert shown(educator_client, base + f"?quiz__lesson__id__exact={other_quiz.lesson_id}") == {
        elsewhere
    }
    assert shown(educator_client, base + f"?quiz__id__exact={quiz.pk}") == {single, numeric}
    assert shown(educator_client, base + "?q=zoning") == {single}


def test_topic_and_source_lists_search(educator_client):
    TopicFactory(name="Taxes")
    water = TopicFactory(name="Water rights")
    SourceFactory(outlet="Daily Planet")
    ledger = SourceFactory(outlet="Ledger Weekly")

    assert shown(educator_client, "/admin/civics/topic/?q=water") == {water}
    assert shown(educator_client, "/admin/civics/source/?q=ledger") == {ledger}


# --- Bulk publish and unpublish ----------------------------------------------------------------


def act(client, url: str, action: str, objects) -> list[str]:
    response = client.post(
        url, {"action": action, "_selected_action": [o.pk for o in objects], "index": "0"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return messages_of(response)


def test_lessons_are_published_with_a_date_and_unpublished_in_bulk(educator_client):
    drafts = LessonFactory.create_batch(2, draft=True)
    untouched = LessonFactory(draft=True)

    said = act(educator_client, "/admin/civics/lesson/", "publish", drafts)

    assert "Published 2 lesson(s)." in said
    for lesson in drafts:
        lesson.refresh_from_db()
        assert lesson.is_published
        assert lesson.published_on == timezone.localdate()
    untouched.refresh_from_db()
    assert not untouched.is_published

    said = act(educator_client, "/admin/civics/lesson/", "unpublish", drafts)

    assert "Moved 2 lesson(s) back to draft." in said
    assert set(Lesson.objects.filter(status="draft")) == {*drafts, untouched}


def test_quizzes_are_published_and_unpublished_in_bulk(educator_client):
    quizzes = QuizFactory.create_batch(2, is_published=False)
    untouched = QuizFactory(is_published=False)

    said = act(educator_client, "/admin/quizzes/quiz/", "publish", quizzes)

    assert "Published 2 quiz(zes)." in said
    assert set(Quiz.objects.filter(is_published=True)) == set(quizzes)

    said = act(educator_client, "/admin/quizzes/quiz/", "unpublish", quizzes[:1])

    assert "Unpublished 1 quiz(zes)." in said
    assert set(Quiz.objects.filter(is_published=True)) == {quizzes[1]}
    assert untouched not in Quiz.objects.filter(is_published=True)


def test_questions_are_unpublished_in_bulk(educator_client):
    quiz = QuizFactory()
    questions = [single_question(quiz), numeric_question(quiz)]
    kept = matching_question(quiz)

    said = act(educator_client, "/admin/quizzes/question/", "unpublish", questions)

    assert "Unpublished 2 question(s)." in said
    assert set(Question.objects.filter(is_published=True)) == {kept}


# --- "View on site" ----------------------------------------------------------------------------


def view_on_site_link(client, url: str) -> str:
    html = client.get(url).content.decode()
    links = re.findall(r'<a href="([^"]+)" class="viewsitelink">', html)
    assert len(links) == 1, f"no single view-on-site link on {url}"
    return links[0]


def test_view_on_site_opens_the_lesson_even_as_a_draft_preview(educator_client):
    lesson = LessonFactory(draft=True, title="Drafted lesson")

    link = view_on_site_link(educator_client, f"/admin/civics/lesson/{lesson.pk}/change/")
    page = educator_client.get(link, follow=True)

    assert page.redirect_chain[-1][0].endswith(lesson.get_absolute_url())
    assert page.status_code == 200
    assert "Draft preview" in page.content.decode()
    assert "Drafted lesson" in page.content.decode()


def test_view_on_site_opens_the_quiz_on_its_lesson_page(educator_client):
    quiz = QuizFactory()
    single_question(quiz)

    link = view_on_site_link(educator_client, f"/admin/quizzes/quiz/{quiz.pk}/change/")

    assert link == quiz.lesson.get_absolute_url() + "#quiz"
    assert 'id="quiz"' in educator_client.get(link).content.decode()


def test_view_on_site_opens_the_passage_a_question_draws_on(educator_client):
    question = single_question(QuizFactory())
    without_section = single_question(question.quiz, section=None)

    link = view_on_site_link(educator_client, f"/admin/quizzes/question/{question.pk}/change/")
    assert link == f"{question.quiz.lesson.get_absolute_url()}#{question.section.anchor}"
    assert f'id="{question.section.anchor}"' in educator_client.get(link).content.decode()

    url = f"/admin/quizzes/question/{without_section.pk}/change/"
    assert view_on_site_link(educator_client, url) == question.quiz.lesson.get_absolute_url()


def test_the_source_list_date_hierarchy_copes_with_undated_sources(educator_client):
    SourceFactory(published_on=None)
    SourceFactory(published_on=dt.date(2024, 5, 1))

    assert educator_client.get("/admin/civics/source/").status_code == 200
    assert educator_client.get("/admin/civics/source/?published_on__year=2024").status_code == 200
