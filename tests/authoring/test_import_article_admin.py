"""The admin's "Import article" page: paste or upload (.txt/.md, UTF-8, at most 1 MB) → a preview
of the draft lesson (sections, topics, actions with their links, draft questions citing their
sentence, each selectable) → create a draft lesson and a draft quiz of the chosen questions, then
land on the lesson's change page. Every refusal says why; nothing is saved on error or cancel.

The two source articles are read from ../shared/seeds (beside the project, not in it); the tests
that need them are skipped, with that reason, where the folder is absent."""

import datetime as dt
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import escape

from civics.authoring.admin import MAX_ARTICLE_BYTES, SESSION_ARTICLE
from civics.authoring.drafting import draft_questions
from civics.authoring.importer import parse_article
from civics.content.models import ActionItem, Lesson, LessonSection, Source, Topic
from quizzes.gift_io import problems_of
from quizzes.models import Question, Quiz
from tests.factories import StaffUserFactory, UserFactory

pytestmark = pytest.mark.django_db

ARTICLES = Path(__file__).resolve().parents[1] / "articles"
SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
ESSAY_SEED = SEEDS / "000_0e48ffb45d64ea09.txt"
NEWS_SEED = SEEDS / "003_aa37a98457ca8af7.txt"
needs_seeds = pytest.mark.skipif(
    not (ESSAY_SEED.is_file() and NEWS_SEED.is_file()),
    reason=f"the source articles are not in {SEEDS} (they live beside the project, not in it)",
)
URL = "/admin/civics/lesson/import-article/"
WRITTEN = [Lesson, Source, LessonSection, Topic, ActionItem, Quiz, Question]
NOTHING = {model.__name__: 0 for model in WRITTEN}


def saved() -> dict[str, int]:
    """How many rows there are of each model the import writes to."""
    return {model.__name__: model.objects.count() for model in WRITTEN}


def read(name: str) -> str:
    return (ARTICLES / name).read_text(encoding="utf-8")


def paste(client: Client, text: str):
    # A browser always sends the textarea, and the (empty) file input as no file.
    return client.post(URL, {"text": text})


def upload(client: Client, content: bytes, name: str = "article.txt", text: str = ""):
    return client.post(URL, {"text": text, "file": SimpleUploadedFile(name, content)})


def create(client: Client, chosen):
    return client.post(
        URL, {"create": "Create the draft lesson", "draft": [str(i) for i in chosen]}
    )


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- The form -------------------------------------------------------------------------------


def test_the_import_page_offers_paste_and_upload(educator_client):
    response = educator_client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert 'name="text"' in html
    assert 'type="file"' in html and 'name="file"' in html
    assert 'value="Preview"' in html
    assert reverse("admin:civics_lesson_import_article") == URL


def test_the_lesson_list_links_to_the_import_page(educator_client):
    response = educator_client.get(reverse("admin:civics_lesson_changelist"))

    assert response.status_code == 200
    assert f'href="{URL}"' in response.content.decode()


# --- Preview ----------------------------------------------------------------------------------


@needs_seeds
def test_pasting_the_news_seed_previews_everything_and_saves_nothing(educator_client):
    text = NEWS_SEED.read_text(encoding="utf-8")
    drafts = draft_questions(parse_article(text))

    response = paste(educator_client, text)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Preview: Rubio announces expanded US-Mexico security collaboration" in html
    assert date_format(dt.date(2025, 9, 3)) in html
    assert "🌍 Foreign Policy, 🏛️ Government" in html
    assert "What you can do (8)" in html
    for link in ("tel:+12022243121", "https://dea.gov", "https://gao.gov"):
        assert f"<code>{link}</code>" in html
    assert escape("Border diplomacy contradicts campaign promises") in html
    assert len(drafts) >= 8
    assert f"Draft questions ({len(drafts)})" in html
    for index, draft in enumerate(drafts):
        assert f'name="draft" value="{index}" id="draft-{index}" checked' in html
        assert escape(draft.sentence) in html
    assert saved() == NOTHING
    assert educator_client.session[SESSION_ARTICLE] == text.strip()


@needs_seeds
def test_uploading_the_essay_seed_previews_its_sections(educator_client):
    response = upload(educator_client, ESSAY_SEED.read_bytes(), name="essay.txt")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Preview: The U.S. and Mexico: Reset Required" in html
    for heading in ("Migration", "Drugs", "Commerce"):
        assert f"<li><strong>{heading}</strong>" in html
    assert "No actions found." in html
    assert saved() == NOTHING


def test_uploading_a_markdown_file_previews_its_headings_and_links(educator_client):
    response = upload(educator_client, (ARTICLES / "markdown_zoning.md").read_bytes(), "z.md")

    assert response.status_code == 200
    html = response.content.decode()
    for heading in ("What changed", "Why it matters", "Next steps"):
        assert f"<li><strong>{heading}</strong>" in html
    assert "<code>mailto:planning@cedarfalls.example.gov</code>" in html
    assert "<code>https://www.cedarfalls.example.gov/adu</code>" in html
    assert saved() == NOTHING


@pytest.mark.parametrize("name", ["ARTICLE.TXT", "article.md", "article.markdown"])
def test_text_and_markdown_file_names_are_accepted_in_any_case(educator_client, name):
    response = upload(educator_client, (ARTICLES / "news_voter_id.txt").read_bytes(), name)

    assert response.status_code == 200
    assert "Preview: State senate narrows voter ID bill before final vote" in (
        response.content.decode()
    )


def test_an_upload_with_a_bom_and_windows_line_endings_reads_the_same(educator_client):
    text = read("news_school_board.txt")
    content = b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode()

    response = upload(educator_client, content)

    assert response.status_code == 200
    assert response.context["article"].title == "School board delays vote on later start times"
    assert [s.heading for s in response.context["article"].sections] == [
        s.heading for s in parse_article(text).sections
    ]


def test_markup_in_the_article_is_shown_as_text_and_never_saved_as_html(educator_client):
    text = (
        "Council <script>alert('title')</script> votes on the budget\n\n"
        "The council met on Tuesday. <img src=x onerror=alert(1)> The vote was 7 to 2.\n\n"
        "Residents in Riverton asked for 3 more hearings before the final vote in March.\n"
    )

    preview = paste(educator_client, text)

    html = preview.content.decode()
    assert "<script>alert(" not in html and "<img src=x" not in html
    assert escape("<script>alert('title')</script>") in html
    create(educator_client, range(len(preview.context["drafts"])))
    lesson = Lesson.objects.get()
    stored = " ".join(s.body_html for s in lesson.sections.all())
    stored += " ".join(q.prompt_html for q in Question.objects.all())
    assert "<img" not in stored and "<script" not in stored and "onerror=" not in stored


# --- Refusals: 400 with a message, nothing saved, no preview kept ------------------------


def refused(response, message: str, client: Client) -> None:
    assert response.status_code == 400
    assert escape(message) in response.content.decode()
    assert "Preview:" not in response.content.decode()
    assert saved() == NOTHING
    assert SESSION_ARTICLE not in client.session


def test_both_text_and_file_are_refused(educator_client):
    response = upload(educator_client, b"A title\n\nA body.\n", text="Another title\n\nBody.")

    refused(response, "Paste the text or upload a file, not both.", educator_client)


@pytest.mark.parametrize("text", ["", "   \n\t\n  "])
def test_neither_text_nor_file_is_refused(educator_client, text):
    response = paste(educator_client, text)

    refused(response, "Paste an article or choose a file.", educator_client)


@pytest.mark.parametrize("name", ["article.pdf", "article.docx", "article.html", "article"])
def test_a_file_that_is_not_txt_or_md_is_refused(educator_client, name):
    response = upload(educator_client, b"A title\n\nA body.\n", name)

    refused(response, "Upload a .txt or .md file.", educator_client)


def test_a_file_that_is_not_utf8_is_refused(educator_client):
    response = upload(educator_client, b"Council votes\n\nThe caf\xe9 closes.\n", "latin.txt")

    refused(
        response,
        "latin.txt is not UTF-8 text (byte 23); save it as UTF-8.",
        educator_client,
    )


def test_a_file_over_one_megabyte_is_refused(educator_client):
    response = upload(educator_client, b"A" * (MAX_ARTICLE_BYTES + 1), "big.txt")

    refused(response, "big.txt is larger than 1 MB.", educator_client)


def test_pasted_text_over_one_megabyte_is_refused(educator_client):
    response = paste(educator_client, "Title\n\n" + "a" * MAX_ARTICLE_BYTES)

    refused(response, "The article is larger than 1 MB.", educator_client)


def test_an_empty_file_is_refused(educator_client):
    response = upload(educator_client, b"", "empty.txt")

    refused(response, "The submitted file is empty.", educator_client)


def test_a_file_of_blank_lines_is_refused(educator_client):
    response = upload(educator_client, b"\xef\xbb\xbf \n\n\t\n", "blank.txt")

    refused(response, "Paste an article or choose a file.", educator_client)


# --- Create ---------------------------------------------------------------------------------


@needs_seeds
def test_creating_the_news_seed_keeps_exactly_the_chosen_drafts(educator_client):
    preview = paste(educator_client, NEWS_SEED.read_text(encoding="utf-8"))
    drafts = [draft for _, draft in preview.context["drafts"]]
    chosen = [0, 2, 3, 7]

    response = create(educator_client, chosen)

    lesson = Lesson.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:civics_lesson_change", args=[lesson.pk])
    assert (lesson.status, lesson.published_on) == (Lesson.Status.DRAFT, None)
    assert lesson.source.published_on == dt.date(2025, 9, 3)
    assert sorted(t.name for t in lesson.topics.all()) == ["Foreign Policy", "Government"]
    links = [a.link for a in lesson.actions.all()]
    assert len(links) == 8
    assert {"tel:+12022243121", "https://dea.gov", "https://gao.gov"} <= set(links)
    quiz = Quiz.objects.get(lesson=lesson)
    assert quiz.is_published is False
    questions = list(quiz.questions.select_related("section").order_by("order"))
    assert [q.prompt for q in questions] == [drafts[i].question.prompt for i in chosen]
    anchors = {s.anchor for s in lesson.sections.all()}
    for index, question in zip(chosen, questions, strict=True):
        category = drafts[index].question.category
        assert question.is_published is False
        assert problems_of(question) == [], question.prompt
        if category in anchors:
            assert question.section.anchor == category
        else:
            assert question.section is None
    assert messages_of(response) == [
        f"Created the draft lesson “{lesson.title}” with 4 draft question(s). Everything stays "
        "a draft until you publish it."
    ]
    assert SESSION_ARTICLE not in educator_client.session


@needs_seeds
def test_creating_the_essay_seed_with_every_draft_ties_questions_to_its_sections(
    educator_client,
):
    preview = upload(educator_client, ESSAY_SEED.read_bytes(), "essay.md")
    drafts = [draft for _, draft in preview.context["drafts"]]

    create(educator_client, range(len(drafts)))

    lesson = Lesson.objects.get()
    assert {"Migration", "Drugs", "Commerce"} <= {s.heading for s in lesson.sections.all()}
    questions = list(Question.objects.select_related("section").order_by("order"))
    assert len(questions) == len(drafts) >= 8
    for draft, question in zip(drafts, questions, strict=True):
        assert problems_of(question) == [], question.prompt
        assert question.section is not None
        assert question.section.anchor == draft.question.category
    assert not Question.objects.filter(is_published=True).exists()


def test_the_educator_lands_on_the_new_lessons_change_page(educator_client):
    paste(educator_client, read("news_city_budget.txt"))

    response = create(educator_client, [0])
    page = educator_client.get(response["Location"])

    lesson = Lesson.objects.get()
    assert page.status_code == 200
    html = page.content.decode()
    assert escape(lesson.title) in html
    assert '<option value="draft" selected>' in html
    for section in lesson.sections.all():
        assert escape(section.heading) in html
    assert "tel:+13125550142" in html


def test_the_new_lesson_stays_hidden_from_learners_until_published(educator_client):
    paste(educator_client, read("news_city_budget.txt"))
    create(educator_client, [0, 1])
    lesson = Lesson.objects.get()

    assert Client().get(lesson.get_absolute_url()).status_code == 404
    learner = Client()
    learner.force_login(UserFactory())
    assert learner.get(lesson.get_absolute_url()).status_code == 404


def test_creating_with_no_draft_ticked_gives_an_empty_draft_quiz(educator_client):
    paste(educator_client, read("essay_bus_lanes.txt"))

    response = create(educator_client, [])

    assert response.status_code == 302
    assert Lesson.objects.count() == 1
    assert Quiz.objects.get().questions.count() == 0
    assert "with 0 draft question(s)" in messages_of(response)[0]


def test_indices_that_name_no_draft_are_ignored(educator_client):
    preview = paste(educator_client, read("essay_river_compact.txt"))
    drafts = [draft for _, draft in preview.context["drafts"]]

    educator_client.post(URL, {"create": "1", "draft": ["1", "999", "-1", "x", "", "1"]})

    assert [q.prompt for q in Question.objects.all()] == [drafts[1].question.prompt]


def test_creating_an_article_imported_before_goes_to_that_lesson_and_creates_nothing(
    educator_client,
):
    text = read("news_voter_id.txt")
    paste(educator_client, text)
    create(educator_client, [0])
    lesson = Lesson.objects.get()
    before = saved()

    paste(educator_client, text.replace("\n", "\r\n"))
    response = create(educator_client, [0, 1, 2])

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:civics_lesson_change", args=[lesson.pk])
    assert saved() == before
    assert messages_of(response) == ["This article was imported before; here is that lesson."]


def test_creating_without_a_preview_redirects_back_with_a_message(educator_client):
    response = create(educator_client, [0])

    assert response.status_code == 302
    assert response["Location"] == URL
    assert messages_of(response) == ["The preview expired; paste or upload the article again."]
    assert saved() == NOTHING


def test_a_second_create_from_the_same_preview_creates_nothing_more(educator_client):
    paste(educator_client, read("markdown_census.md"))
    create(educator_client, [0])
    before = saved()

    response = create(educator_client, [0])

    assert response["Location"] == URL
    assert saved() == before


def test_cancel_saves_nothing_and_forgets_the_preview(educator_client):
    paste(educator_client, read("news_school_board.txt"))
    assert SESSION_ARTICLE in educator_client.session

    response = educator_client.post(URL, {"cancel": "Cancel", "draft": ["0", "1"]})

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:civics_lesson_changelist")
    assert messages_of(response) == ["Import cancelled; nothing was saved."]
    assert saved() == NOTHING
    assert SESSION_ARTICLE not in educator_client.session
    assert create(educator_client, [0])["Location"] == URL
    assert saved() == NOTHING


def test_a_failure_while_saving_leaves_nothing_behind(educator_client, monkeypatch):
    paste(educator_client, read("news_city_budget.txt"))

    def broken(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr("civics.authoring.services.import_questions", broken)
    educator_client.raise_request_exception = True

    with pytest.raises(RuntimeError, match="went away"):
        create(educator_client, [0, 1])

    assert saved() == NOTHING


def test_an_existing_topic_with_the_chip_name_but_another_slug_is_reused(educator_client):
    # An educator changed the topic's slug in the admin; the chip "Government" is that topic.
    government = Topic.objects.create(name="Government", slug="us-government", emoji="🏛️")
    paste(educator_client, read("news_voter_id.txt"))

    response = create(educator_client, [0])

    assert response.status_code == 302
    assert government in Lesson.objects.get().topics.all()


# --- Who may use it ------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_admin_login():
    client = Client()

    for response in (client.get(URL), client.post(URL, {"text": read("news_voter_id.txt")})):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    assert saved() == NOTHING


def test_a_learner_who_is_not_staff_cannot_use_it():
    client = Client()
    client.force_login(UserFactory())

    for response in (client.get(URL), client.post(URL, {"text": read("news_voter_id.txt")})):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    assert saved() == NOTHING


def test_staff_without_the_educator_role_are_refused():
    client = Client()
    client.force_login(StaffUserFactory())

    assert client.get(URL).status_code == 403
    assert client.post(URL, {"text": read("news_voter_id.txt")}).status_code == 403
    assert saved() == NOTHING


def test_staff_who_may_add_lessons_but_not_questions_are_refused():
    user = StaffUserFactory()
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="civics", codename="add_lesson")
    )
    client = Client()
    client.force_login(user)

    assert client.get(URL).status_code == 403


def test_an_educator_may_preview_and_create(educator_client):
    assert educator_client.get(URL).status_code == 200
    assert paste(educator_client, read("news_voter_id.txt")).status_code == 200
    assert create(educator_client, [0]).status_code == 302
    assert Lesson.objects.filter(status=Lesson.Status.DRAFT).count() == 1
