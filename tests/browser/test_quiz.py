"""Browser tests of the learner's quiz flow: keyboard-only use, focus after htmx swaps, the
accessible structure of questions, axe-core in every state, and the quiz without JavaScript.

What to answer is read from the database (the slot at each position of the attempt), so the tests
do not depend on the seed's question order or the attempt's shuffled choice order.
"""

import re
from dataclasses import dataclass, field

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from quizzes.models import Question, Quiz, Slot

from .conftest import assert_no_axe_violations

pytestmark = pytest.mark.django_db(transaction=True)

RUBIO = "rubio-security-collaboration"
RUBIO_LESSON = "/lessons/rubio-security-collaboration/"
RUBIO_TOTAL = 14
QUESTION_URL = re.compile(r"/attempts/(\d+)/questions/(\d+)/$")


@pytest.fixture
def seeded(live_server):
    call_command("load_seeds", verbosity=0)
    return live_server


# --- What to answer --------------------------------------------------------------------------


@dataclass
class Plan:
    """An answer to give: choice labels to pick, text to type, or left -> right matches."""

    kind: str
    picks: list[str] = field(default_factory=list)
    text: str = ""
    matches: dict[str, str] = field(default_factory=dict)


def question_at(page, position: int | None = None) -> Question:
    pk, current = QUESTION_URL.search(page.url).groups()
    slot = Slot.objects.select_related("question").get(
        attempt_id=int(pk), position=position or int(current)
    )
    return slot.question


def right_answer(question: Question) -> Plan:
    kind = question.type
    if kind in ("single", "multiple"):
        return Plan(kind, picks=[c.text for c in question.choices.all() if c.fraction > 0])
    if kind == "true_false":
        return Plan(kind, picks=["True" if question.truth else "False"])
    if kind == "short":
        return Plan(kind, text=question.accepted_answers.order_by("-fraction", "pk")[0].text)
    if kind == "numeric":
        key = question.numeric_answers.order_by("-fraction", "pk")[0]
        return Plan(kind, text=f"{key.value if key.value is not None else key.low:g}")
    return Plan(kind, matches={p.left: p.right for p in question.pairs.all()})


def wrong_answer(question: Question) -> Plan:
    kind = question.type
    if kind in ("single", "multiple"):
        return Plan(kind, picks=[c.text for c in question.choices.all() if c.fraction <= 0][:1])
    if kind == "true_false":
        return Plan(kind, picks=["False" if question.truth else "True"])
    if kind == "short":
        return Plan(kind, text="not the answer")
    if kind == "numeric":
        key = question.numeric_answers.order_by("-fraction", "pk")[0]
        return Plan(kind, text=f"{(key.value if key.value is not None else key.high) + 1000:g}")
    pairs = list(question.pairs.all())
    rights = [p.right for p in pairs]
    return Plan(kind, matches={p.left: rights[(i + 1) % len(rights)] for i, p in enumerate(pairs)})


def partial_answer(question: Question) -> Plan:
    """One right pick of a multiple-response question: half the point."""
    assert question.type == "multiple"
    return Plan("multiple", picks=right_answer(question).picks[:1])


# --- Keyboard only ---------------------------------------------------------------------------

ACTIVE = """() => {
  const el = document.activeElement;
  if (!el) return "nothing";
  const id = el.id ? "#" + el.id : "";
  const name = el.getAttribute("name") ? `[name=${el.getAttribute("name")}]` : "";
  const text = (el.innerText || el.value || "").trim().slice(0, 60);
  return `<${el.tagName.toLowerCase()}${id}${name}> ${text}`;
}"""


def active(page) -> str:
    return page.evaluate(ACTIVE)


def focus_is(page, selector: str) -> bool:
    return page.evaluate(
        "s => !!document.activeElement && document.activeElement.matches(s)", selector
    )


FOCUS_SHOWN = """() => {
  const el = document.activeElement, style = getComputedStyle(el);
  const ring = style.outlineStyle !== "none" || style.boxShadow !== "none";
  return el.matches(":focus-visible") && ring;
}"""


def tab_to(page, selector: str, *, backwards: bool = False, limit: int = 80) -> None:
    """Press Tab (or Shift+Tab) until the focused element matches ``selector``."""
    key = "Shift+Tab" if backwards else "Tab"
    seen = []
    for _ in range(limit):
        page.keyboard.press(key)
        if focus_is(page, selector):
            assert page.evaluate(FOCUS_SHOWN), f"no visible focus indicator on {active(page)}"
            return
        seen.append(active(page))
    raise AssertionError(
        f"{limit} presses of {key} never focused {selector!r}; focus went through: "
        + " | ".join(dict.fromkeys(seen))
    )


def keyboard_answer(page, plan: Plan) -> None:
    """Give the answer with the keyboard only, starting from the question's legend or heading."""
    if plan.kind in ("single", "true_false"):
        radios = "fieldset.choices input[type=radio]"
        tab_to(page, radios)
        labels = page.eval_on_selector_all(
            radios, "rs => rs.map(r => r.labels[0].innerText.trim())"
        )
        target = labels.index(plan.picks[0])
        current = page.evaluate(
            "s => [...document.querySelectorAll(s)].indexOf(document.activeElement)", radios
        )
        step = "ArrowDown" if target > current else "ArrowUp"
        for _ in range(abs(target - current)):
            page.keyboard.press(step)
        if target == current:
            page.keyboard.press("Space")
        checked = page.eval_on_selector(f"{radios}:checked", "r => r.labels[0].innerText.trim()")
        assert checked == plan.picks[0], f"arrow keys checked {checked!r}, not {plan.picks[0]!r}"
    elif plan.kind == "multiple":
        boxes = page.eval_on_selector_all(
            "fieldset.choices input[type=checkbox]",
            "bs => bs.map(b => [b.id, b.labels[0].innerText.trim(), b.checked])",
        )
        for box_id, label, checked in boxes:
            tab_to(page, f"#{box_id}", limit=3)
            if checked != (label in plan.picks):
                page.keyboard.press("Space")
        ticked = page.eval_on_selector_all(
            "fieldset.choices input[type=checkbox]:checked",
            "bs => bs.map(b => b.labels[0].innerText.trim())",
        )
        assert sorted(ticked) == sorted(plan.picks)
    elif plan.kind in ("short", "numeric"):
        tab_to(page, "input[name=text]")
        page.keyboard.press("ControlOrMeta+a")
        page.keyboard.type(plan.text)
        assert page.eval_on_selector("input[name=text]", "i => i.value") == plan.text
    else:
        selects = page.eval_on_selector_all(
            "fieldset.matching select",
            "ss => ss.map(s => [s.id, s.labels[0].innerText.trim(),"
            " [...s.options].map(o => o.text), s.selectedIndex])",
        )
        for select_id, left, options, selected in selects:
            tab_to(page, f"#{select_id}", limit=3)
            target = options.index(plan.matches[left])
            step = "ArrowDown" if target > selected else "ArrowUp"
            for _ in range(abs(target - selected)):
                page.keyboard.press(step)
            value = page.eval_on_selector(f"#{select_id}", "s => s.options[s.selectedIndex].text")
            assert value == plan.matches[left], f"{left}: arrow keys chose {value!r}"


def keyboard_start_quiz(page, base_url: str) -> None:
    page.goto(base_url + RUBIO_LESSON)
    tab_to(page, "#quiz button[type=submit]", limit=150)
    expect(page.locator("#quiz button[type=submit]")).to_have_text("Take the full quiz")
    page.keyboard.press("Enter")
    page.wait_for_url(QUESTION_URL)


def test_whole_practice_quiz_with_keyboard_only(seeded, page):
    keyboard_start_quiz(page, seeded.url)
    assert page.url.endswith("/questions/1/")
    wrong_at = 2  # one wrong answer shows the other feedback and a score below 100%

    for position in range(1, RUBIO_TOTAL + 1):
        url = page.url
        assert url.endswith(f"/questions/{position}/"), url
        bar = page.get_by_role("progressbar", name="Questions answered")
        expect(bar).to_have_attribute("value", str(position - 1))  # answers, not the position
        expect(page.locator(".quiz-progress__text")).to_contain_text(
            f"Question {position} of {RUBIO_TOTAL}"
        )
        expect(page.locator("#question-legend")).to_be_focused()

        question = question_at(page)
        plan = wrong_answer(question) if position == wrong_at else right_answer(question)
        keyboard_answer(page, plan)
        tab_to(page, "form.answer-form button[type=submit]", limit=10)
        expect(page.locator("form.answer-form button[type=submit]")).to_have_text("Check")
        page.keyboard.press("Enter")

        feedback = page.locator("section.feedback")
        expect(feedback).to_be_visible()
        expect(feedback).to_have_attribute("aria-live", "polite")
        # A function, not an expression string: the site's CSP forbids eval.
        page.wait_for_function("() => document.activeElement.closest('section.feedback') !== null")
        verdict = "Incorrect" if position == wrong_at else "Correct"
        expect(page.locator("#feedback-title")).to_have_text(verdict)
        assert page.url == url, "checking an answer should not change the URL"
        # The chosen option and the right one are marked in place, not only by colour.
        expect(page.locator(".option-mark--chosen, .review-detail").first).to_be_visible()

        # Continue (or See your results) takes the focus: Enter goes on.
        if position < RUBIO_TOTAL:
            expect(page.locator(".feedback__next a")).to_be_focused()
            expect(page.locator(".feedback__next a")).to_have_text("Continue")
            page.keyboard.press("Enter")
            page.wait_for_url(f"**/questions/{position + 1}/")
            expect(page.locator("#question-legend")).to_be_focused()
        else:
            expect(page.locator(".feedback__next button")).to_be_focused()
            expect(page.locator(".feedback__next button")).to_have_text("See your results")
            page.keyboard.press("Enter")
            page.wait_for_url("**/result/")

    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(f"Passed 13 of {RUBIO_TOTAL} correct")
    expect(heading).to_be_focused()
    expect(page.get_by_role("img", name="Score: 92%")).to_be_visible()
    expect(page.locator(".review--wrong")).to_have_count(1)


def test_exam_quiz_with_keyboard_only(seeded, page):
    Quiz.objects.filter(slug=RUBIO).update(mode="exam")
    keyboard_start_quiz(page, seeded.url)
    save_next = "button[name=go][value=next]"
    expect(page.locator(".quiz-mode")).to_contain_text("Exam:")

    # Questions 1 and 2 right, question 3 wrong at first.
    for position in (1, 2, 3):
        expect(page.locator("#question-legend")).to_be_focused()
        question = question_at(page)
        keyboard_answer(page, wrong_answer(question) if position == 3 else right_answer(question))
        tab_to(page, save_next, limit=10)
        page.keyboard.press("Enter")
        page.wait_for_url(f"**/questions/{position + 1}/")
    expect(page.locator(".quiz-progress__text")).to_contain_text(f"Question 4 of {RUBIO_TOTAL}")
    bar = page.get_by_role("progressbar", name="Questions answered")
    expect(bar).to_have_attribute("value", "3")

    # Back to question 3 without answering 4: the saved answer shows and can be changed.
    expect(page.locator("#question-legend")).to_be_focused()
    tab_to(page, "button[name=go][value=prev]", limit=15)
    page.keyboard.press("Enter")
    page.wait_for_url("**/questions/3/")
    expect(page.locator("#question-legend")).to_be_focused()
    question = question_at(page)
    assert_shows(page, wrong_answer(question))
    keyboard_answer(page, right_answer(question))
    tab_to(page, save_next, limit=10)
    page.keyboard.press("Enter")
    page.wait_for_url("**/questions/4/")

    nav = page.get_by_role("navigation", name="Questions")
    expect(nav.get_by_role("link", name="3 (answered)")).to_be_visible()
    current = nav.get_by_role("link", name="4 (current, not answered)", exact=True)
    expect(current).to_have_attribute("aria-current", "step")
    expect(nav.get_by_role("link", name="5 (not answered)", exact=True)).to_be_visible()
    tab_to(page, ".question-nav p a", limit=40)
    expect(page.locator(".question-nav p a")).to_have_text("Review and finish")
    page.keyboard.press("Enter")
    page.wait_for_url("**/summary/")

    unanswered = page.locator(".notice--warn")
    expect(unanswered).to_contain_text(f"{RUBIO_TOTAL - 3} questions not answered yet")
    expect(unanswered.get_by_role("link")).to_have_text(
        [f"question {n}" for n in range(4, RUBIO_TOTAL + 1)]
    )
    tab_to(page, "form.form-actions button[type=submit]", limit=60)
    expect(page.locator("form.form-actions button[type=submit]")).to_have_text(
        "Finish and see results"
    )
    page.keyboard.press("Enter")
    page.wait_for_url("**/result/")
    expect(page.get_by_role("heading", level=1)).to_be_focused()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Not passed yet 3 of {RUBIO_TOTAL} correct"
    )
    expect(page.locator(".review--correct")).to_have_count(3)
    expect(page.locator(".review--unanswered")).to_have_count(RUBIO_TOTAL - 3)


def assert_shows(page, plan: Plan) -> None:
    """The page shows ``plan`` as the stored answer."""
    if plan.kind in ("single", "true_false", "multiple"):
        picked = page.eval_on_selector_all(
            "fieldset.choices input:checked", "bs => bs.map(b => b.labels[0].innerText.trim())"
        )
        assert sorted(picked) == sorted(plan.picks)
    elif plan.kind in ("short", "numeric"):
        expect(page.locator("input[name=text]")).to_have_value(plan.text)
    else:
        for left, right in plan.matches.items():
            expect(page.get_by_label(left, exact=True)).to_have_value(right)


# --- Structure -------------------------------------------------------------------------------


def start_quiz(page, base_url: str) -> None:
    page.goto(base_url + RUBIO_LESSON)
    page.get_by_role("button", name="Take the full quiz").click()
    page.wait_for_url(QUESTION_URL)


def answer(page, plan: Plan) -> None:
    """Give the answer with ordinary Playwright actions (for tests that are not about keys)."""
    if plan.kind in ("single", "true_false", "multiple"):
        group = page.locator("fieldset.choices")
        for pick in plan.picks:
            group.get_by_label(pick, exact=True).check()
    elif plan.kind in ("short", "numeric"):
        page.locator("input[name=text]").fill(plan.text)
    else:
        for left, right in plan.matches.items():
            page.get_by_label(left, exact=True).select_option(label=right)


def prompt_text(question: Question) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", question.prompt_html).split())


def test_questions_are_named_groups_with_a_labelled_progress_bar(seeded, page):
    start_quiz(page, seeded.url)
    seen, problems = set(), []
    for position in range(1, RUBIO_TOTAL + 1):
        question = question_at(page)
        expect(page.get_by_role("progressbar", name="Questions answered")).to_have_attribute(
            "value", str(position - 1)
        )
        if question.type not in seen:
            seen.add(question.type)
            expected = f"Question {position}: {prompt_text(question)}"
            if question.type in ("single", "multiple", "true_false", "matching"):
                if question.type == "multiple":
                    expected += " Choose all that apply."
                group = page.get_by_role("group", name=expected, exact=True)
                expect(group).to_be_visible()
                controls = {"matching": "combobox", "multiple": "checkbox"}.get(
                    question.type, "radio"
                )
                expect(group.get_by_role(controls).first).to_be_visible()
            else:
                # The focused heading and the text box must carry the question itself, as the
                # legend does for choices: "Question 2:" then "Your answer" tell a screen reader
                # user nothing about what is asked.
                heading = page.locator("#question-legend")
                try:
                    expect(heading).to_have_accessible_name(expected, timeout=500)
                except AssertionError:
                    problems.append(
                        f"question {position} ({question.type}): the focused heading is "
                        f"announced as {heading.inner_text().strip()!r}, not {expected!r}"
                    )
                box = page.get_by_role("textbox").evaluate(ACCESSIBLE_TEXT)
                if prompt_text(question) not in box:
                    problems.append(
                        f"question {position} ({question.type}): the text box is announced as "
                        f"{box!r}, without the question"
                    )
        answer(page, right_answer(question))
        page.get_by_role("button", name="Check", exact=True).click()
        if position < RUBIO_TOTAL:
            page.get_by_role("link", name="Continue").click()
            page.wait_for_url(f"**/questions/{position + 1}/")
    assert seen == {"single", "multiple", "true_false", "short", "numeric", "matching"}
    assert not problems, "; ".join(problems)


# Name and description as a screen reader would announce them (labels and aria-describedby).
ACCESSIBLE_TEXT = """el => {
  const text = ids => (ids || "").split(/\\s+/).filter(Boolean)
    .map(id => document.getElementById(id)?.innerText || "").join(" ");
  const parts = [...(el.labels || [])].map(l => l.innerText);
  parts.push(text(el.getAttribute("aria-labelledby")), el.getAttribute("aria-label") || "");
  parts.push(text(el.getAttribute("aria-describedby")));
  return parts.join(" ").replace(/\\s+/g, " ").trim();
}"""


def test_an_empty_answer_error_is_announced_and_tied_to_the_question(seeded, page):
    """After an htmx 400, focus lands on the question again, so the error must be announced
    (role=alert or a live region: WCAG 4.1.3) and be the description of the group or text box."""
    problems = []
    start_quiz(page, seeded.url)
    for position, control in ((1, "group"), (2, "textbox")):
        question = question_at(page)
        page.get_by_role("button", name="Check", exact=True).click()
        error = page.locator(".field-error")
        expect(error).to_be_visible()
        message = error.inner_text().strip()
        expect(page.locator("#question-legend")).to_be_focused()
        # The text box is also described by its question; the error must be part of it.
        expect(page.get_by_role(control)).to_have_accessible_description(
            re.compile(re.escape(message))
        )
        if not error.evaluate("e => !!e.closest('[role=alert], [role=status], [aria-live]')"):
            problems.append(
                f"question {position} ({question.type}): {message!r} is shown but not "
                "announced (not in a role=alert or aria-live element, and focus is elsewhere)"
            )
        answer(page, right_answer(question))
        page.get_by_role("button", name="Check", exact=True).click()
        if position == 1:
            page.get_by_role("link", name="Continue").click()
            page.wait_for_url("**/questions/2/")
    assert not problems, "; ".join(problems)


def test_next_question_swap_updates_the_page_title(seeded, page):
    start_quiz(page, seeded.url)
    expect(page).to_have_title(re.compile(rf"^Question 1 of {RUBIO_TOTAL} "))
    answer(page, right_answer(question_at(page)))
    page.get_by_role("button", name="Check", exact=True).click()
    page.get_by_role("link", name="Continue").click()
    page.wait_for_url("**/questions/2/")
    expect(page.locator("#question-legend")).to_be_focused()
    # The pushed URL is a new page to the learner (and in the history list): its title must say
    # which question it is, as the full page at that URL does.
    expect(page).to_have_title(re.compile(rf"^Question 2 of {RUBIO_TOTAL} "), timeout=2000)


# --- axe-core in every state -----------------------------------------------------------------


def axe_at_widths(axe, page, label: str, widths=(320, 1280)) -> None:
    for width in widths:
        page.set_viewport_size({"width": width, "height": 900})
        assert_no_axe_violations(axe, page, f"{label} @{width}")
    page.set_viewport_size({"width": 1280, "height": 900})


def test_every_practice_state_has_no_axe_violations(seeded, page, axe):
    start_quiz(page, seeded.url)

    # A 400: "Check answer" with nothing chosen swaps in the form with its error.
    page.get_by_role("button", name="Check", exact=True).click()
    expect(page.locator(".field-error")).to_be_visible()
    assert_no_axe_violations(axe, page, "question with a validation error")

    seen_questions, seen_feedback = set(), set()
    for position in range(1, RUBIO_TOTAL + 1):
        question = question_at(page)
        if question.type not in seen_questions:
            seen_questions.add(question.type)
            if position == 1:
                axe_at_widths(axe, page, f"question {position} ({question.type})")
                page.emulate_media(color_scheme="dark")
                assert_no_axe_violations(axe, page, "question, dark")
                page.emulate_media(color_scheme="light")
            else:
                assert_no_axe_violations(axe, page, f"question {position} ({question.type})")

        if "wrong" not in seen_feedback:
            plan, expected = wrong_answer(question), "wrong"
        elif question.type == "multiple" and "partial" not in seen_feedback:
            plan, expected = partial_answer(question), "partial"
        else:
            plan, expected = right_answer(question), "correct"
        answer(page, plan)
        page.get_by_role("button", name="Check", exact=True).click()
        expect(page.locator(f"section.feedback--{expected}")).to_be_visible()
        if expected not in seen_feedback:
            seen_feedback.add(expected)
            assert_no_axe_violations(axe, page, f"feedback {expected} on question {position}")
        if position < RUBIO_TOTAL:
            page.get_by_role("link", name="Continue").click()
            page.wait_for_url(f"**/questions/{position + 1}/")
            expect(page.locator("#question-legend")).to_be_focused()
        else:
            page.get_by_role("button", name="See your results").click()
            page.wait_for_url("**/result/")

    assert seen_questions == {"single", "multiple", "true_false", "short", "numeric", "matching"}
    assert seen_feedback == {"wrong", "partial", "correct"}
    expect(page.get_by_role("img", name=re.compile(r"Score: \d+%"))).to_be_visible()
    axe_at_widths(axe, page, "result")
    page.emulate_media(color_scheme="dark")
    assert_no_axe_violations(axe, page, "result, dark")


def test_every_exam_state_has_no_axe_violations(seeded, page, axe):
    Quiz.objects.filter(slug=RUBIO).update(mode="exam")
    start_quiz(page, seeded.url)
    axe_at_widths(axe, page, "exam question 1")
    answer(page, right_answer(question_at(page)))
    page.get_by_role("button", name="Save and next").click()
    page.wait_for_url("**/questions/2/")
    assert_no_axe_violations(axe, page, "exam question 2, after one answer")

    page.get_by_role("link", name="Review and finish").click()
    page.wait_for_url("**/summary/")
    expect(page.locator(".notice--warn")).to_contain_text("13 questions not answered yet")
    axe_at_widths(axe, page, "exam summary")

    page.get_by_role("button", name="Finish and see results").click()
    page.wait_for_url("**/result/")
    expect(page.locator(".review--unanswered")).to_have_count(RUBIO_TOTAL - 1)
    assert_no_axe_violations(axe, page, "exam result")


# --- Without JavaScript ----------------------------------------------------------------------


def test_practice_quiz_works_without_javascript(seeded, browser):
    context = browser.new_context(java_script_enabled=False, base_url=seeded.url)
    page = context.new_page()
    try:
        start_quiz(page, seeded.url)
        page.get_by_role("button", name="Check", exact=True).click()
        expect(page.locator(".field-error")).to_have_text("Choose an answer before submitting.")

        for position in range(1, RUBIO_TOTAL + 1):
            assert page.url.endswith(f"/questions/{position}/"), page.url
            answer(page, right_answer(question_at(page)))
            with page.expect_navigation():
                page.get_by_role("button", name="Check", exact=True).click()
            # Plain POST, then redirect (PRG) back to the question, now showing its feedback.
            assert page.url.endswith(f"/questions/{position}/"), page.url
            expect(page.locator("#feedback-title")).to_have_text("Correct")
            if position < RUBIO_TOTAL:
                page.get_by_role("link", name="Continue").click()
            else:
                page.get_by_role("button", name="See your results").click()
        page.wait_for_url("**/result/")
        expect(page.get_by_role("heading", level=1)).to_have_text(
            f"Passed {RUBIO_TOTAL} of {RUBIO_TOTAL} correct"
        )
        expect(page.get_by_role("img", name="Score: 100%")).to_be_visible()
    finally:
        context.close()
