"""draft_questions: a plain module, tested without a database.

Runs over the articles written for the tests (tests/articles) and, where ../shared/seeds is
present, the two source articles.
"""

import re
import unicodedata
from pathlib import Path

import pytest

from civics.authoring.drafting import (
    ACTIONS_ANCHOR,
    MAX_PROMPT,
    draft_questions,
    fact_key,
    find_facts,
    split_sentences,
)
from civics.authoring.importer import ArticleDraft, Paragraph, Section, parse_article
from quizzes.gift import BLANK, parse, write
from quizzes.validation import validate_question

ARTICLES = Path(__file__).resolve().parent.parent / "articles"
SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"
ESSAY_SEED = SEEDS / "000_0e48ffb45d64ea09.txt"
NEWS_SEED = SEEDS / "003_aa37a98457ca8af7.txt"
needs_seeds = pytest.mark.skipif(
    not (ESSAY_SEED.is_file() and NEWS_SEED.is_file()),
    reason=f"the source articles are not in {SEEDS} (they live beside the project, not in it)",
)

# Drafts per test article: deterministic, so pinned; change them on purpose only.
DRAFT_COUNTS = {
    "essay_river_compact.txt": (15, {"overview", "allocation", "groundwater", "tribal-rights"}),
    "essay_library_hours.txt": (6, {"overview", "who-uses-the-branches", "what-it-would-cost"}),
    "essay_bus_lanes.txt": (10, {"overview", "the-cost", "the-politics"}),
    "news_city_budget.txt": (
        9,
        {
            "summary",
            "police-overtime-fight-exposes-limits-of-a-balanced-budget-rule",
            ACTIONS_ANCHOR,
        },
    ),
    "news_school_board.txt": (
        7,
        {
            "summary",
            "transportation-costs-stall-a-change-backed-by-sleep-research",
            ACTIONS_ANCHOR,
        },
    ),
    "news_voter_id.txt": (
        8,
        {"compromise-keeps-student-ids-but-drops-mail-ballot-changes", ACTIONS_ANCHOR},
    ),
    "markdown_zoning.md": (8, {"what-changed", "why-it-matters", ACTIONS_ANCHOR}),
    "markdown_census.md": (8, {"overview", "apportionment", "redistricting", ACTIONS_ANCHOR}),
    "unknown_notice.txt": (0, set()),
    "unknown_checklist.txt": (0, set()),
}


def _article_texts() -> list[tuple[str, str]]:
    texts = [(p.name, p.read_text(encoding="utf-8")) for p in sorted(ARTICLES.iterdir())]
    if ESSAY_SEED.is_file() and NEWS_SEED.is_file():
        texts += [("seed-essay", ESSAY_SEED.read_text(encoding="utf-8"))]
        texts += [("seed-news", NEWS_SEED.read_text(encoding="utf-8"))]
    return texts


ALL = _article_texts()


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text)
    return " " + " ".join(re.sub(r"[^\w]+", " ", text).split()) + " "


def answers(draft) -> list[str]:
    """The texts that would give a draft away if they stood in its prompt."""
    q = draft.question
    if q.type == "single":
        return [c.text for c in q.choices if c.fraction == 1.0]
    if q.type == "short":
        return [a.text for a in q.accepted]
    if q.type == "numeric":
        return [f"{q.numeric[0].value:g}"]
    return [] if q.truth else [draft.fact]


def sources(article: ArticleDraft) -> dict[str, list[str]]:
    found = {s.anchor: [p.text for p in s.paragraphs] for s in article.sections}
    found[ACTIONS_ANCHOR] = [a.text for a in article.actions]
    return found


# --- Every rule, on every article ---------------------------------------------------------------


@pytest.mark.parametrize(("name", "text"), ALL, ids=[n for n, _ in ALL])
def test_every_draft_passes_validation_and_cites_its_sentence_and_section(name, text):
    article = parse_article(text)
    by_anchor = sources(article)
    positions = {p.position: p.text for p in article.paragraphs}
    for draft in draft_questions(article):
        assert validate_question(draft.question) == []
        assert draft.question.category == draft.section_anchor
        assert any(draft.sentence in para for para in by_anchor[draft.section_anchor])
        if draft.section_anchor == ACTIONS_ANCHOR:
            assert draft.paragraph_position is None
        else:
            assert draft.sentence in positions[draft.paragraph_position]
        assert draft.sentence in draft.question.explanation
        assert draft.question.explanation.startswith("From the article")
        assert draft.fact in draft.sentence


@pytest.mark.parametrize(("name", "text"), ALL, ids=[n for n, _ in ALL])
def test_no_two_drafts_test_the_same_fact(name, text):
    drafts = draft_questions(parse_article(text))
    keys = [fold(d.fact) for d in drafts]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize(("name", "text"), ALL, ids=[n for n, _ in ALL])
def test_no_draft_answer_appears_in_its_own_prompt(name, text):
    for draft in draft_questions(parse_article(text)):
        for answer in answers(draft):
            assert fold(answer) not in fold(draft.question.prompt), (answer, draft.question.prompt)
        if draft.question.type != "true_false":
            assert BLANK in draft.question.prompt


@pytest.mark.parametrize(("name", "text"), ALL, ids=[n for n, _ in ALL])
def test_question_shapes(name, text):
    for draft in draft_questions(parse_article(text)):
        q = draft.question
        assert len(q.prompt) <= MAX_PROMPT
        assert q.type in ("single", "true_false", "short", "numeric")
        if q.type == "single":
            assert len(q.choices) == 4
            assert sorted(c.fraction for c in q.choices) == [0.0, 0.0, 0.0, 1.0]
            assert len({fold(c.text) for c in q.choices}) == 4
            assert q.prompt.startswith("Which ") and "?" in q.prompt
        if q.type in ("short", "numeric"):
            assert q.prompt.startswith("What ") and "?" in q.prompt
        if q.type == "numeric":
            assert q.numeric[0].tolerance == 0
        if q.type == "true_false" and q.truth:
            assert fold(draft.fact) in fold(q.prompt)


@pytest.mark.parametrize(("name", "text"), ALL, ids=[n for n, _ in ALL])
def test_drafting_is_deterministic_and_round_trips_through_gift(name, text):
    first = draft_questions(parse_article(text))
    assert draft_questions(parse_article(text)) == first
    if first:
        questions = tuple(d.question for d in first)
        assert parse(write(questions)).questions == questions


@pytest.mark.parametrize("name", sorted(DRAFT_COUNTS))
def test_draft_figures_for_the_test_articles(name):
    count, anchors = DRAFT_COUNTS[name]
    drafts = draft_questions(parse_article((ARTICLES / name).read_text(encoding="utf-8")))
    assert len(drafts) == count
    assert {d.section_anchor for d in drafts} == anchors


def test_max_drafts_caps_the_list_and_keeps_sections_spread():
    article = parse_article((ARTICLES / "essay_river_compact.txt").read_text(encoding="utf-8"))
    drafts = draft_questions(article, max_drafts=4)
    assert len(drafts) == 4
    assert len({d.section_anchor for d in drafts}) == 4
    assert draft_questions(article, max_drafts=0) == []


# --- The two source articles -------------------------------------------------------------------


@needs_seeds
def test_essay_seed_gives_at_least_eight_drafts_over_three_sections():
    drafts = draft_questions(parse_article(ESSAY_SEED.read_text(encoding="utf-8")))
    assert len(drafts) >= 8
    assert len({d.section_anchor for d in drafts}) >= 3
    assert {d.question.type for d in drafts} >= {"single", "true_false"}
    assert {d.question.type for d in drafts} & {"short", "numeric"}
    year = next(d for d in drafts if d.fact == "2009")
    assert year.question.type == "single"
    assert sorted(c.text for c in year.question.choices) == ["2009", "2019", "2021", "2026"]


@needs_seeds
def test_news_seed_gives_at_least_eight_drafts_over_two_sections():
    drafts = draft_questions(parse_article(NEWS_SEED.read_text(encoding="utf-8")))
    assert len(drafts) >= 8
    assert len({d.section_anchor for d in drafts} - {ACTIONS_ANCHOR}) >= 2
    facts = {d.fact for d in drafts}
    assert {"Marco Rubio", "National Guard", "DEA.gov", "202-224-3121"} <= facts


# --- Distractors of the same kind ----------------------------------------------------------------


def one_paragraph(*texts: str) -> ArticleDraft:
    paragraphs = tuple(Paragraph(text, i) for i, text in enumerate(texts))
    return ArticleDraft(title="T", sections=(Section("Overview", "overview", paragraphs),))


def choices(draft) -> list[str]:
    return [c.text for c in draft.question.choices]


def test_number_distractors_are_neighbours_with_the_same_format():
    drafts = draft_questions(one_paragraph("The trail runs 2,000-mile-long through four states."))
    assert choices(drafts[0]) == ["1,600", "2,000", "2,400", "3,000"]
    assert "_____-mile-long" in drafts[0].question.prompt


def test_small_number_distractors():
    drafts = draft_questions(one_paragraph("The board has 50 members."))
    assert choices(drafts[0]) == ["40", "50", "60", "75"]


def test_money_and_percent_keep_their_units():
    money = draft_questions(one_paragraph("The levy raises $4.2 million a year."))
    assert choices(money[0]) == ["$3.4 million", "$4.2 million", "$5.0 million", "$6.3 million"]
    percent = draft_questions(one_paragraph("Turnout reached 60% in the primary."))
    assert choices(percent[0]) == ["48%", "60%", "72%", "90%"]


def test_year_distractors_come_from_the_article_first():
    drafts = draft_questions(
        one_paragraph(
            "The dam was finished in 1936.",
            "A treaty followed in 1944.",
            "The basin was resurveyed in 1968.",
            "The newest canal opened in 2001.",
        )
    )
    assert choices(drafts[0]) == ["1936", "1944", "1968", "2001"]


def test_place_and_name_distractors_are_of_the_same_kind():
    article = one_paragraph(
        "Farmers in Nevada pump the most groundwater.",
        "Utah passed a metering law.",
        "Wyoming and Colorado share the upper basin.",
        "Governor Ana Pruitt signed the bill after Senator Tom Ruiz and Judge Lee Park spoke.",
    )
    drafts = draft_questions(article)
    nevada = next(d for d in drafts if d.fact == "Nevada")
    assert nevada.question.type == "single"
    assert sorted(choices(nevada)) == ["Colorado", "Nevada", "Utah", "Wyoming"]


def test_false_twin_swaps_the_fact_for_a_distractor():
    article = one_paragraph(
        "The river carried 17 million acre-feet in 1922.",
        "The council has 9 members.",
        "The state adopted the rule in 1987.",
        "The county spent 300 dollars per student.",
        "The city approved 12 new bus routes.",
        "The trail is 45 miles long.",
    )
    drafts = draft_questions(article)
    false = [d for d in drafts if d.question.type == "true_false" and d.question.truth is False]
    true = [d for d in drafts if d.question.type == "true_false" and d.question.truth is True]
    assert true and false
    twin = false[0]
    assert twin.question.prompt != twin.sentence
    assert fold(twin.fact) not in fold(twin.question.prompt)


# --- Sentences and facts -------------------------------------------------------------------------


def test_sentences_split_but_abbreviations_stay_whole():
    text = (
        "Secretary Rubio met officials Sep. 3, 2025, in Mexico City. The U.S. Senate must agree. "
        "Dr. Ana Ruiz testified (i.e., twice). Was it enough? Yes."
    )
    assert split_sentences(text) == [
        "Secretary Rubio met officials Sep. 3, 2025, in Mexico City.",
        "The U.S. Senate must agree.",
        "Dr. Ana Ruiz testified (i.e., twice).",
        "Was it enough?",
        "Yes.",
    ]


def test_fact_kinds_in_a_sentence():
    sentence = (
        "In 2009, Mayor Helen Castellano asked the Department of Justice to review 1,200 cases "
        "in Arizona, about 12% of the total, and posted the results at doj.gov."
    )
    assert [(f.kind, f.value) for f in find_facts(sentence)] == [
        ("year", "2009"),
        ("name", "Helen Castellano"),
        ("org", "Department of Justice"),
        ("number", "1,200"),
        ("place", "Arizona"),
        ("percent", "12%"),
        ("site", "doj.gov"),
    ]


def test_dates_phones_and_times_are_not_read_as_plain_numbers():
    facts = find_facts("Call 202-224-3121 before Sep. 3, 2025 at 8 a.m. on Route 9.")
    assert [(f.kind, f.value) for f in facts] == [
        ("phone", "202-224-3121"),
        ("date", "Sep. 3, 2025"),
    ]


def test_fact_keys_treat_spellings_of_one_fact_alike():
    (short,) = find_facts("They met on Sep. 3 at noon.")
    (long,) = find_facts("They met on September 3, 2025.")
    assert fact_key(short) == fact_key(long)
    (grouped,) = find_facts("It cost 2,000 dollars.")
    (plain,) = find_facts("It cost 2000 dollars more.")
    assert fact_key(grouped) != fact_key(plain)  # 2000 without a unit reads as a year
