"""GIFT in the admin: upload → preview (questions to create, items skipped, with their lines) →
confirm; every refusal says why and saves nothing. Export a quiz, or selected questions."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from quizzes import gift, gift_io
from quizzes.admin import SESSION_GIFT
from quizzes.models import Question
from tests.factories import LessonSectionFactory, StaffUserFactory, UserFactory

from .factories import (
    AcceptedAnswerFactory,
    QuestionFactory,
    QuizFactory,
    matching_question,
    numeric_question,
    single_question,
)

pytestmark = pytest.mark.django_db

GIFT = """$CATEGORY: why-it-matters

::Capital:: Which city is the capital of Canada? {=Ottawa ~Toronto #Largest city}

::Essay:: Explain federalism. {}

::Senate:: The Senate has 100 members. {T}

Just a description.

::Year:: In which year did Canada become a federation? {#1867}
"""
# Line 3 Capital, 5 Essay (skipped), 7 Senate, 9 a description (skipped), 11 Year.


@pytest.fixture
def quiz(db):
    quiz = QuizFactory()
    LessonSectionFactory(lesson=quiz.lesson, heading="Why it matters", anchor="why-it-matters")
    return quiz


def import_url(quiz) -> str:
    return f"/admin/quizzes/quiz/{quiz.pk}/import-gift/"


def upload(client, quiz, content: bytes | str, *, name="questions.gift", **options):
    data = content.encode() if isinstance(content, str) else content
    form = {"file": SimpleUploadedFile(name, data, content_type="application/octet-stream")}
    form.update({key: "on" for key, value in options.items() if value})
    return client.post(import_url(quiz), form)


def confirm(client, quiz):
    return client.post(import_url(quiz), {"confirm": "Create these questions"})


def messages_of(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


def test_the_import_page_offers_the_upload_form(educator_client, quiz):
    response = educator_client.get(import_url(quiz))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert 'name="skip_unsupported"' in html
    assert 'name="publish"' in html


def test_upload_previews_each_question_and_each_skipped_item_with_its_line(educator_client, quiz):
    response = upload(educator_client, quiz, GIFT, skip_unsupported=True)

    assert response.status_code == 200
    preview = [(q.line, q.title, q.type, section) for q, section in response.context["preview"]]
    assert preview == [
        (3, "Capital", "single", "Why it matters"),
        (7, "Senate", "true_false", "Why it matters"),
        (11, "Year", "numeric", "Why it matters"),
    ]
    assert [(s.line, s.title) for s in response.context["skipped"]] == [(5, "Essay"), (9, "")]
    html = response.content.decode()
    assert "Preview: 3 questions to create" in html
    assert "<td>3</td><td>Capital</td>" in html
    assert "Line 5 “Essay”: essay (empty answer list) is not supported" in html
    assert "Line 9: description (no answer block) is not supported" in html
    assert 'name="confirm"' in html
    assert not quiz.questions.exists(), "nothing is saved before the confirmation"


def test_confirming_the_preview_creates_the_questions_as_drafts_at_the_end_of_the_quiz(
    educator_client, quiz
):
    existing = single_question(quiz, order=5)
    upload(educator_client, quiz, GIFT, skip_unsupported=True)

    response = confirm(educator_client, quiz)

    assert response.status_code == 302
    assert response["Location"] == f"/admin/quizzes/quiz/{quiz.pk}/change/"
    assert "Imported 3 question(s) as draft; skipped 2." in messages_of(response)
    rows = list(quiz.questions.order_by("order"))
    assert [(q.title, q.order, q.is_published) for q in rows] == [
        (existing.title, 5, True),
        ("Capital", 6, False),
        ("Senate", 7, False),
        ("Year", 8, False),
    ]
    capital = rows[1]
    assert capital.section.anchor == "why-it-matters"
    assert list(capital.choices.values_list("text", "fraction", "feedback")) == [
        ("Ottawa", 1.0, ""),
        ("Toronto", 0.0, "Largest city"),
    ]
    assert rows[2].truth is True
    assert rows[3].numeric_answers.get().value == 1867
    assert SESSION_GIFT not in educator_client.session


def test_confirming_twice_creates_the_questions_once(educator_client, quiz):
    upload(educator_client, quiz, GIFT, skip_unsupported=True)
    confirm(educator_client, quiz)

    again = confirm(educator_client, quiz)

    assert again.status_code == 302
    assert again["Location"] == import_url(quiz)
    assert quiz.questions.count() == 3


def test_the_publish_box_publishes_the_imported_questions(educator_client, quiz):
    upload(educator_client, quiz, GIFT, skip_unsupported=True, publish=True)

    response = confirm(educator_client, quiz)

    assert "Imported 3 question(s) as published; skipped 2." in messages_of(response)
    assert quiz.questions.filter(is_published=True).count() == 3


def test_a_syntax_error_is_shown_with_its_line_and_nothing_is_saved(educator_client, quiz):
    text = "::Fine:: Is this fine? {T}\n\n::Broken:: Which one? {=a ~b\n"

    response = upload(educator_client, quiz, text)

    assert response.status_code == 400
    html = response.content.decode()
    assert "line 3" in html
    assert "never closed" in html
    assert SESSION_GIFT not in educator_client.session
    assert confirm(educator_client, quiz)["Location"] == import_url(quiz)
    assert not quiz.questions.exists()


def test_an_unsupported_item_without_the_box_is_refused_naming_its_line(educator_client, quiz):
    response = upload(educator_client, quiz, GIFT)

    assert response.status_code == 400
    html = response.content.decode()
    assert "line 5: Essay is not supported" in html
    assert "unsupported items skipped" in html
    assert not quiz.questions.exists()
    assert SESSION_GIFT not in educator_client.session


def test_an_invalid_question_is_refused_naming_its_line_and_the_rule(educator_client, quiz):
    text = "::Fine:: Is this fine? {T}\n\n::Two right:: Pick one {=a =b ~c}\n"

    response = upload(educator_client, quiz, text)

    assert response.status_code == 400
    html = response.content.decode()
    assert "line 3: question &#x27;Two right&#x27;: choices: Mark exactly one" in html
    assert not quiz.questions.exists()


def test_a_file_that_is_not_utf8_is_refused_with_a_message(educator_client, quiz):
    latin1 = "::Café:: Où est le café? {=Ici ~Là}\n".encode("latin-1")

    response = upload(educator_client, quiz, latin1, name="latin1.gift")

    assert response.status_code == 400
    assert "latin1.gift is not UTF-8 text" in response.content.decode()
    assert not quiz.questions.exists()


def test_a_utf8_file_with_a_byte_order_mark_is_read(educator_client, quiz):
    response = upload(educator_client, quiz, "\ufeff::Café:: Où est le café? {=Ici ~Là}\n")

    assert response.status_code == 200
    assert [q.title for q, _ in response.context["preview"]] == ["Café"]


def test_a_file_over_1_mb_is_refused_with_a_message(educator_client, quiz):
    question = "::Q:: Is this padding? {T}\n\n"
    big = question * (gift_io.MAX_UPLOAD_BYTES // len(question) + 1)
    assert len(big.encode()) > 1024 * 1024

    response = upload(educator_client, quiz, big, name="big.gift")

    assert response.status_code == 400
    assert "big.gift is larger than 1 MB" in response.content.decode()
    assert not quiz.questions.exists()


def test_an_empty_file_is_refused(educator_client, quiz):
    response = upload(educator_client, quiz, "\n\n   \n", name="empty.gift")

    assert response.status_code == 400
    assert "empty" in response.content.decode()


def test_posting_without_a_file_is_a_bad_request(educator_client, quiz):
    response = educator_client.post(import_url(quiz), {"skip_unsupported": "on"})

    assert response.status_code == 400
    assert not quiz.questions.exists()


def test_confirm_without_an_upload_redirects_with_a_message_and_saves_nothing(
    educator_client, quiz
):
    response = confirm(educator_client, quiz)

    assert response.status_code == 302
    assert response["Location"] == import_url(quiz)
    assert "The upload expired; choose the file again." in messages_of(response)
    assert not Question.objects.exists()


def test_an_upload_for_one_quiz_cannot_be_confirmed_into_another(educator_client, quiz):
    other = QuizFactory()
    upload(educator_client, quiz, GIFT, skip_unsupported=True)

    response = confirm(educator_client, other)

    assert response["Location"] == import_url(other)
    assert not Question.objects.exists()


def test_the_preview_shows_imported_markup_as_text(educator_client, quiz):
    text = "::<script>alert(1)</script>:: <img src=x onerror=alert(1)> {T}\n"

    response = upload(educator_client, quiz, text)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_learner_cannot_reach_the_import_page(client, quiz):
    client.force_login(UserFactory())

    response = upload(client, quiz, GIFT, skip_unsupported=True)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert not quiz.questions.exists()


def test_staff_without_authoring_permissions_are_refused(client, quiz):
    client.force_login(StaffUserFactory())

    assert client.get(import_url(quiz)).status_code == 403
    assert upload(client, quiz, GIFT, skip_unsupported=True).status_code == 403


# --- Export ---------------------------------------------------------------------------------


def parsed(response) -> list[gift.GiftQuestion]:
    return list(gift.parse(response.content.decode("utf-8")).questions)


def test_exporting_a_quiz_downloads_its_questions_as_a_gift_text_file(educator_client, quiz):
    matching_question(quiz, order=3)
    single_question(quiz, order=1)
    numeric_question(quiz, order=2)

    response = educator_client.get(f"/admin/quizzes/quiz/{quiz.pk}/export-gift/")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{quiz.slug}.gift"'
    in_order = quiz.questions.with_keys().order_by("order")
    assert [q.type for q in in_order] == ["single", "numeric", "matching"]
    assert parsed(response) == [gift_io.to_gift(q) for q in in_order]


def test_exporting_selected_questions_downloads_only_those(educator_client, quiz):
    first = single_question(quiz, title="First")
    single_question(quiz, title="Left out")
    third = matching_question(quiz, title="Third")

    response = educator_client.post(
        "/admin/quizzes/question/",
        {"action": "export_selected", "_selected_action": [first.pk, third.pk], "index": "0"},
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{quiz.slug}-selected.gift"'
    assert [q.title for q in parsed(response)] == ["First", "Third"]


def test_a_learner_cannot_export(client, quiz):
    single_question(quiz)
    client.force_login(UserFactory())

    response = client.get(f"/admin/quizzes/quiz/{quiz.pk}/export-gift/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("how", ["quiz export", "selected questions"])
def test_a_question_gift_cannot_express_does_not_break_the_export(educator_client, quiz, how):
    """validate_question accepts '->' in a short answer, but GIFT cannot write it (it would read
    back as matching): the export must say so, not fail with a server error."""
    single_question(quiz)
    arrow = QuestionFactory(quiz=quiz, type="short", title="Arrow")
    AcceptedAnswerFactory(question=arrow, text="Congress -> Senate")
    educator_client.raise_request_exception = False

    if how == "quiz export":
        response = educator_client.get(f"/admin/quizzes/quiz/{quiz.pk}/export-gift/")
    else:
        response = educator_client.post(
            "/admin/quizzes/question/",
            {"action": "export_selected", "_selected_action": [arrow.pk], "index": "0"},
        )

    assert response.status_code != 500, "the export crashed on a question GIFT cannot express"


def test_an_answer_longer_than_its_column_is_refused_at_the_preview_naming_its_line(
    educator_client, quiz
):
    """A choice holds at most 500 characters (Choice.text): a longer one must be refused with
    the preview, not accepted there and then fail (or be cut) when the import is confirmed."""
    long_choice = "word " * 120  # 600 characters
    text = f"::Fine:: Is this fine? {{T}}\n\n::Long:: Pick one {{={long_choice.strip()} ~Short}}\n"
    educator_client.raise_request_exception = False

    preview = upload(educator_client, quiz, text)
    confirmed = confirm(educator_client, quiz)

    assert confirmed.status_code != 500, "the confirmed import failed with a server error"
    assert preview.status_code == 400
    assert "line 3" in preview.content.decode()
    assert not quiz.questions.exists()
