"""parse_article: a plain module, tested without a database.

The articles under tests/articles were written for these tests (several per page family); the two
source articles are read from ../shared/seeds at run time.
"""

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from civics.authoring.importer import (
    UNTITLED,
    ActionDraft,
    TopicChip,
    action_kind,
    make_action,
    parse_article,
    parse_date,
    split_topic_chips,
)

ARTICLES = Path(__file__).resolve().parent.parent / "articles"
SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"
ESSAY_SEED = SEEDS / "000_0e48ffb45d64ea09.txt"
NEWS_SEED = SEEDS / "003_aa37a98457ca8af7.txt"
needs_seeds = pytest.mark.skipif(
    not (ESSAY_SEED.is_file() and NEWS_SEED.is_file()),
    reason=f"the source articles are not in {SEEDS} (they live beside the project, not in it)",
)


def read(name: str) -> str:
    return (ARTICLES / name).read_text(encoding="utf-8")


def body_text(article) -> str:
    return "\n".join(p.text for p in article.paragraphs)


# --- The two source articles ------------------------------------------------------------------


@needs_seeds
def test_essay_seed_title_standfirst_note_headings_credit_and_bio():
    article = parse_article(ESSAY_SEED.read_text(encoding="utf-8"))

    assert article.kind == "essay"
    assert article.title == "The U.S. and Mexico: Reset Required"
    assert article.standfirst.startswith("There is arguably no other country")
    assert article.editor_note.startswith("Today we are joined by Christopher Landau")
    assert [s.heading for s in article.sections] == ["Overview", "Migration", "Drugs", "Commerce"]
    assert [s.anchor for s in article.sections] == ["overview", "migration", "drugs", "commerce"]
    assert [len(s.paragraphs) for s in article.sections] == [3, 5, 5, 4]
    assert article.credits == ("Source: U.S. Customs and Border Protection",)
    assert "Source:" not in body_text(article)
    assert "A note to our readers" not in body_text(article)
    assert article.author == "Christopher Landau"
    assert article.author_bio.startswith("Christopher Landau is an American lawyer")
    assert "Landau is an American" not in body_text(article)
    assert article.date is None
    assert article.actions == ()
    assert article.topics == ()


@needs_seeds
def test_news_seed_date_outlets_angle_topics_and_chrome():
    article = parse_article(NEWS_SEED.read_text(encoding="utf-8"))

    assert article.kind == "news"
    assert article.title == "Rubio announces expanded US-Mexico security collaboration"
    assert article.date == dt.date(2025, 9, 3)
    assert article.outlets == ("ABC News", "Associated Press")
    assert article.more_outlets == 31
    words = article.angle.split()
    assert words[:3] == ["Border", "diplomacy", "contradicts"] and len(words) == 10
    assert article.angle.endswith("trump politics")
    assert article.topics == (
        TopicChip(name="Foreign Policy", emoji="🌍"),
        TopicChip(name="Government", emoji="\U0001f3db\ufe0f"),
    )
    assert article.has_quiz_cta
    # The lede stays under "Summary"; the angle heads the analysis after it.
    assert [s.heading for s in article.sections] == ["Summary", article.angle]
    assert [len(s.paragraphs) for s in article.sections] == [1, 7]
    body = body_text(article)
    for chrome in ("Skip to main content", "Start Quiz", "Ready to test", "Take the full quiz"):
        assert chrome not in body
    assert "Marco RubioMarco" not in body  # the doubled name of the page is collapsed


@needs_seeds
def test_news_seed_eight_actions_with_kinds_and_links():
    article = parse_article(NEWS_SEED.read_text(encoding="utf-8"))

    assert [(a.kind, a.link) for a in article.actions] == [
        ("track", ""),
        ("call", "tel:+12022243121"),
        ("support", ""),
        ("join", ""),
        ("track", "https://dea.gov"),
        ("other", ""),
        ("write", "https://gao.gov"),
        ("support", ""),
    ]
    assert article.actions[0].text.startswith("Monitor State Department")
    assert not any(a.text.isdigit() for a in article.actions)


@needs_seeds
@pytest.mark.parametrize("seed", [ESSAY_SEED, NEWS_SEED], ids=["essay", "news"])
def test_seed_paragraph_positions_are_stable_and_consecutive(seed):
    text = seed.read_text(encoding="utf-8")
    article = parse_article(text)

    assert [p.position for p in article.paragraphs] == list(range(len(article.paragraphs)))
    for paragraph in article.paragraphs:
        assert paragraph.text[:60] in text.replace("Marco RubioMarco Rubio", "Marco Rubio")
    assert parse_article(text) == article


# --- Articles written for the tests: exact expectations ----------------------------------------

EXPECTED = {
    "essay_river_compact.txt": dict(
        kind="essay",
        title="Sharing the River: Why the Compact Needs a Second Look",
        date=None,
        headings=["Overview", "Allocation", "Groundwater", "Tribal Rights", "A Fairer Deal"],
        paragraphs=[2, 2, 2, 2, 1],
        standfirst="A water agreement signed a century ago",
        editor_note="This guest essay is part of our series",
        author="Marisol Okafor",
        author_bio="Marisol Okafor is a hydrologist",
        credits=("Source: State Water Resources Board",),
        actions=[],
        topics=(),
        outlets=(),
        more_outlets=0,
        angle="",
        cta=False,
    ),
    "essay_library_hours.txt": dict(
        kind="essay",
        title="Keep the Branch Libraries Open on Weekends",
        date=None,
        headings=["Overview", "Who Uses the Branches", "What It Would Cost", "A Simple Request"],
        paragraphs=[2, 2, 2, 1],
        standfirst="Our county closes five of its branch libraries",
        editor_note="We publish reader essays on local issues",
        author="Jordan Ellery",
        author_bio="Jordan Ellery is a parent",
        credits=("Photo: County Library Foundation",),
        actions=[],
        topics=(),
        outlets=(),
        more_outlets=0,
        angle="",
        cta=False,
    ),
    "essay_bus_lanes.txt": dict(
        kind="essay",
        title="Faster Buses Start With Paint, Not Promises",
        date=dt.date(2024, 3, 14),
        headings=["Overview", "The Cost", "The Politics"],
        paragraphs=[2, 2, 3],
        standfirst="The transit agency can speed up its slowest routes",
        editor_note="",
        author="Rosa Delgado",
        author_bio="",
        credits=(),
        actions=[],
        topics=(),
        outlets=(),
        more_outlets=0,
        angle="",
        cta=False,
    ),
    "news_city_budget.txt": dict(
        kind="news",
        title="City council passes $2.1 billion budget after overnight session",
        date=dt.date(2025, 10, 7),
        headings=["Summary", "Police overtime fight exposes limits of a balanced-budget rule"],
        paragraphs=[1, 4],
        standfirst="",
        editor_note="",
        author="",
        author_bio="",
        credits=(),
        actions=[
            ("call", "tel:+13125550142"),
            ("write", "mailto:council@riverton.gov"),
            ("attend", ""),
            ("read", "https://riverton.gov/budget"),
        ],
        topics=(
            TopicChip("Local Government", "\U0001f3d9\ufe0f"),
            TopicChip("Budget", "💰"),
            TopicChip("Public Safety", "🚓"),
        ),
        outlets=("Metro Ledger", "City Radio News", "Harbor Times"),
        more_outlets=12,
        angle="Police overtime fight exposes limits of a balanced-budget rule",
        cta=True,
    ),
    "news_school_board.txt": dict(
        kind="news",
        title="School board delays vote on later start times",
        date=dt.date(2025, 9, 18),
        headings=["Summary", "Transportation costs stall a change backed by sleep research"],
        paragraphs=[1, 3],
        standfirst="",
        editor_note="",
        author="",
        author_bio="",
        credits=(),
        actions=[
            ("attend", ""),
            ("join", ""),
            ("track", "https://lakesideschools.org"),
            ("support", ""),
        ],
        topics=(TopicChip("Education", "🎓"), TopicChip("Civil Rights", "\u2696\ufe0f")),
        outlets=("Valley Public Radio", "The Courier"),
        more_outlets=0,
        angle="Transportation costs stall a change backed by sleep research",
        cta=False,
    ),
    "news_voter_id.txt": dict(
        kind="news",
        title="State senate narrows voter ID bill before final vote",
        date=None,
        headings=["Summary", "Compromise keeps student IDs but drops mail ballot changes"],
        paragraphs=[1, 3],
        standfirst="",
        editor_note="",
        author="",
        author_bio="",
        credits=(),
        actions=[
            ("call", "tel:+16055550187"),
            ("write", "mailto:elections@sos.example.gov"),
            ("track", "https://legis.example.gov"),
            ("support", ""),
        ],
        topics=(TopicChip("Elections", "\U0001f5f3\ufe0f"), TopicChip("Government", "🏛️")),
        outlets=("Capitol Wire", "Prairie Public Media"),
        more_outlets=5,
        angle="Compromise keeps student IDs but drops mail ballot changes",
        cta=False,
    ),
    "markdown_zoning.md": dict(
        kind="markdown",
        title="Accessory Dwellings Come to Cedar Falls",
        date=dt.date(2025, 5, 5),
        headings=["What changed", "Why it matters", "Next steps"],
        paragraphs=[2, 2, 2],
        standfirst="The planning commission's new rule lets homeowners",
        editor_note="",
        author="",
        author_bio="",
        credits=(),
        actions=[
            ("read", "https://www.cedarfalls.example.gov/adu"),
            ("attend", ""),
            ("write", "mailto:planning@cedarfalls.example.gov"),
        ],
        topics=(),
        outlets=(),
        more_outlets=0,
        angle="",
        cta=False,
    ),
    "markdown_census.md": dict(
        kind="markdown",
        title="How the Census Redraws the Map",
        date=None,
        headings=["Overview", "Apportionment", "Redistricting"],
        paragraphs=[1, 1, 2],
        standfirst="",
        editor_note="",
        author="Priya Raman",
        author_bio="Priya Raman is a demographer",
        credits=("Source: Census Bureau apportionment tables",),
        actions=[("read", ""), ("attend", ""), ("call", "tel:+12025550110")],
        topics=(),
        outlets=(),
        more_outlets=0,
        angle="",
        cta=False,
    ),
    "unknown_notice.txt": dict(
        kind="unknown",
        title="The county clerk's office will be closed on monday for the holiday and will…",
        date=None,
        headings=["Overview"],
        paragraphs=[1],
        standfirst="",
        editor_note="",
        author="",
        author_bio="",
        credits=(),
        actions=[],
        topics=(),
        outlets=(),
        more_outlets=0,
        angle="",
        cta=False,
    ),
    "unknown_checklist.txt": dict(
        kind="unknown",
        title="Bring a photo ID to the polling place",
        date=None,
        headings=["Overview"],
        paragraphs=[3],
        standfirst="",
        editor_note="",
        author="",
        author_bio="",
        credits=(),
        actions=[],
        topics=(),
        outlets=(),
        more_outlets=0,
        angle="",
        cta=False,
    ),
}


def test_every_article_file_has_expectations():
    assert sorted(p.name for p in ARTICLES.iterdir() if p.is_file()) == sorted(EXPECTED)
    kinds = [e["kind"] for e in EXPECTED.values()]
    assert kinds.count("essay") >= 3 and kinds.count("news") >= 3
    assert kinds.count("markdown") >= 2 and 1 <= kinds.count("unknown") <= 2


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_article_is_read_as_expected(name):
    expected = EXPECTED[name]
    article = parse_article(read(name))

    assert article.kind == expected["kind"]
    assert article.title == expected["title"]
    assert article.date == expected["date"]
    assert [s.heading for s in article.sections] == expected["headings"]
    assert [len(s.paragraphs) for s in article.sections] == expected["paragraphs"]
    assert article.standfirst.startswith(expected["standfirst"])
    assert bool(article.standfirst) == bool(expected["standfirst"])
    assert article.editor_note.startswith(expected["editor_note"])
    assert bool(article.editor_note) == bool(expected["editor_note"])
    assert article.author == expected["author"]
    assert article.author_bio.startswith(expected["author_bio"])
    assert bool(article.author_bio) == bool(expected["author_bio"])
    assert article.credits == expected["credits"]
    assert [(a.kind, a.link) for a in article.actions] == expected["actions"]
    assert article.topics == expected["topics"]
    assert article.outlets == expected["outlets"]
    assert article.more_outlets == expected["more_outlets"]
    assert article.angle == expected["angle"]
    assert article.has_quiz_cta == expected["cta"]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_paragraphs_are_traceable_and_keep_credits_notes_and_chrome_out(name):
    article = parse_article(read(name))
    body = body_text(article)

    assert [p.position for p in article.paragraphs] == list(range(len(article.paragraphs)))
    assert len({s.anchor for s in article.sections}) == len(article.sections)
    for credit in article.credits:
        assert credit not in body
    for phrase in ("Skip to main content", "Start Quiz", "Share this", "Advertisement"):
        assert phrase not in body
    if article.author_bio:
        assert article.author_bio not in body
    if article.standfirst:
        assert article.standfirst not in body
    for action in article.actions:
        assert action.text not in body


def test_news_page_keeps_outlet_order_and_drops_duplicates():
    article = parse_article(read("news_city_budget.txt"))
    assert article.outlets == ("Metro Ledger", "City Radio News", "Harbor Times")


def test_news_page_without_a_date_line_still_reads_as_news():
    article = parse_article(read("news_voter_id.txt"))
    assert article.kind == "news" and article.date is None
    assert article.title.startswith("State senate narrows")


def test_markdown_link_target_becomes_the_action_link_when_the_text_names_none():
    article = parse_article(read("markdown_zoning.md"))
    assert article.actions[0] == ActionDraft(
        text="Read the full ordinance on the city website",
        kind="read",
        link="https://www.cedarfalls.example.gov/adu",
    )


def test_markdown_hard_wrapped_lines_join_into_one_paragraph():
    article = parse_article(read("markdown_zoning.md"))
    first = article.sections[0].paragraphs[0].text
    assert first.startswith("The Cedar Falls Planning Commission voted 6 to 1")
    assert first.endswith("lots larger than 10,000 square feet.")
    assert "\n" not in first


def test_markdown_front_matter_and_rules_are_not_body():
    article = parse_article(read("markdown_census.md"))
    assert "title:" not in body_text(article)
    assert "---" not in body_text(article)
    assert article.author == "Priya Raman"


# --- Clean-up edge cases -------------------------------------------------------------------------


def _messy(text: str) -> str:
    """The same article with a BOM, Windows line endings, tabs and trailing spaces."""
    lines = [f"{line}\t  " if i % 2 else line.replace(" ", "\t", 1) for i, line in enumerate(
        text.split("\n")
    )]  # fmt: skip
    return "\ufeff" + "\r\n".join(lines)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bom_windows_line_endings_tabs_and_trailing_spaces_change_nothing(name):
    text = read(name).replace("\r\n", "\n").lstrip("\ufeff")
    assert parse_article(_messy(text)) == parse_article(text)


def test_old_mac_line_endings_are_line_breaks():
    text = read("essay_river_compact.txt")
    assert parse_article(text.replace("\n", "\r")) == parse_article(text)


def test_library_file_with_bom_and_crlf_reads_cleanly():
    raw = (ARTICLES / "essay_library_hours.txt").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    article = parse_article(raw.decode("utf-8"))
    assert article.title == "Keep the Branch Libraries Open on Weekends"
    assert not any("\r" in p.text or "\t" in p.text for p in article.paragraphs)


@pytest.mark.parametrize(
    "chrome",
    [
        "Skip to main content",
        "Share this",
        "Share on X",
        "Share on Facebook",
        "Copy link",
        "Subscribe",
        "Subscribe to our newsletter",
        "Advertisement",
    ],
)
def test_site_chrome_lines_are_dropped(chrome):
    text = (
        f"Town Hall Reopens\n\n{chrome}\n\nThe renovated town hall opens Monday after two years."
        "\n\nCrews replaced the roof and the boiler.\n"
    )
    article = parse_article(text)
    assert chrome not in body_text(article)
    assert article.title == "Town Hall Reopens"
    assert article.standfirst.startswith("The renovated town hall")  # a short first paragraph
    assert [p.text for p in article.paragraphs] == ["Crews replaced the roof and the boiler."]


def test_quiz_call_to_action_is_recorded_and_dropped():
    text = (
        "Town Hall Reopens\n\nThe renovated town hall opens Monday after two years.\n\n"
        "Crews replaced the roof.\n\nReady to test your knowledge?\n\nTake the full quiz to "
        "master this topic.\n\nStart Quiz\n"
    )
    article = parse_article(text)
    assert article.has_quiz_cta
    assert body_text(article) == "Crews replaced the roof."
    assert article.standfirst == "The renovated town hall opens Monday after two years."


def test_empty_and_blank_text_give_an_untitled_article():
    for text in ("", "   ", "\n\n\r\n", "\ufeff", "Skip to main content\n"):
        article = parse_article(text)
        assert article.title == UNTITLED
        assert article.sections == ()


def test_a_single_title_line_is_an_unknown_shape_with_that_title():
    article = parse_article("Just a headline")
    assert article.title == "Just a headline"
    assert article.kind == "unknown"


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_parse_article_never_raises_and_always_has_a_title(text):
    article = parse_article(text)
    assert article.title.strip()
    assert article.kind in ("essay", "news", "markdown", "unknown")
    assert [p.position for p in article.paragraphs] == list(range(len(article.paragraphs)))


_PIECES = st.sampled_from(
    [
        "\n", "\n\n", "\r\n", "\t", " ", "# ", "## ", "- ", "* ", "1. ", "2) ", "3", "+31",
        "**", "_", "> ", "---", "🌍Foreign Policy🏛️Government", "\ufe0f", "\u200d", "\ufeff",
        "What you can do", "Source: Census Bureau", "A note to our readers: hi.",
        "Editor's note:", "September 3, 2025", "2025-02-30", "Skip to main content",
        "Start Quiz", "Jane Roe is a writer.", "By Jane Roe", "Call 202-224-3121.",
        "email a@b.org", "DEA.gov", "The council met.", "Budget", "ABC News", "Title Here",
    ]
)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_parse_article_never_raises_on_article_like_fragments(text):
    article = parse_article(text)
    assert article.title.strip()
    for action in article.actions:
        assert action.kind in (
            "call",
            "write",
            "attend",
            "read",
            "track",
            "join",
            "support",
            "other",
        )
    for section in article.sections:
        assert section.anchor and section.paragraphs


# --- Helpers: dates, topic chips, action kinds ---------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "September 3, 2025",
        "Sep. 3, 2025",
        "Sept 3 2025",
        "2025-09-03",
        "3 September 2025",
        "3rd September, 2025",
        "Wednesday, September 3, 2025",
        "Published: Sep 3, 2025",
        "Updated September 3, 2025 at 4:15 p.m. EDT",
        "09/03/2025",
    ],
)
def test_date_lines_in_common_formats(text):
    assert parse_date(text) == dt.date(2025, 9, 3)


@pytest.mark.parametrize(
    "text",
    ["February 30, 2025", "Rubio met officials on September 3, 2025.", "Smarch 3, 2025", "2025"],
)
def test_impossible_dates_and_sentences_are_not_date_lines(text):
    assert parse_date(text) is None


@pytest.mark.parametrize(
    ("line", "chips"),
    [
        ("🌍Foreign Policy🏛️Government", [("🌍", "Foreign Policy"), ("🏛️", "Government")]),
        ("🌍 Foreign Policy · 🏛 Government", [("🌍", "Foreign Policy"), ("🏛", "Government")]),
        ("Topics: 🗳️Elections, ⚖️Courts", [("🗳️", "Elections"), ("⚖️", "Courts")]),
        ("🇲🇽Mexico🇺🇸United States", [("🇲🇽", "Mexico"), ("🇺🇸", "United States")]),
        ("👩🏽‍⚖️Judges🧑‍🌾Farming", [("👩🏽‍⚖️", "Judges"), ("🧑‍🌾", "Farming")]),
    ],
)
def test_topic_chips_split_on_emoji_boundaries(line, chips):
    assert split_topic_chips(line) == tuple(TopicChip(name=n, emoji=e) for e, n in chips)


@pytest.mark.parametrize(
    "line",
    ["Foreign Policy", "🌍", "🌍.", "🌍 This is a whole sentence about many things at once.", ""],
)
def test_lines_that_are_not_chip_strips(line):
    assert split_topic_chips(line) == ()


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Call your senator at (202) 224-3121", "call"),
        ("Contact border state representatives at 202-224-3121", "call"),
        ("Contact the Government Accountability Office at gao.gov", "write"),
        ("Contact your mayor's office", "call"),
        ("Email the clerk at clerk@example.org", "write"),
        ("Write to the editor of your local paper", "write"),
        ("Petition the county to post agendas earlier", "write"),
        ("Attend the next school board meeting", "attend"),
        ("Sign up to speak at public comment", "attend"),
        ("Read the audit report", "read"),
        ("Monitor committee votes on the bill", "track"),
        ("Track spending at usaspending.gov", "track"),
        ("Follow the hearing schedule", "track"),
        ("Join a neighborhood association", "join"),
        ("Support groups that register voters", "support"),
        ("Donate to a legal aid clinic", "support"),
        ("Volunteer as a poll worker", "support"),
        ("Pressure officials through public hearings", "other"),
        ("Please call 800-555-0199 today", "call"),
        ("Demand answers", "other"),
        ("Your voice matters at the town hall meeting", "attend"),
    ],
)
def test_action_kind_from_the_first_verb_and_keywords(text, kind):
    assert action_kind(text) == kind


def test_make_action_links_phone_site_and_email():
    assert make_action("Call (202) 224-3121 now").link == "tel:+12022243121"
    assert make_action("Track statistics at DEA.gov").link == "https://dea.gov"
    assert make_action("Email tips@example.org").link == "mailto:tips@example.org"
    assert make_action("Show up").link == ""


def test_action_list_with_numbers_on_their_own_lines_ends_at_the_next_heading():
    text = (
        "Parks Levy Renewed\n\nVoters renewed the parks levy on Tuesday.\n\n"
        "It funds trail work.\n\n"
        "What you can do\n\n1\n\nAttend the parks board meeting\n\n2\n\nRead the levy plan\n\n"
        "Background\n\nThe levy first passed in 2015.\n"
    )
    article = parse_article(text)
    assert [a.text for a in article.actions] == [
        "Attend the parks board meeting",
        "Read the levy plan",
    ]
    assert [s.heading for s in article.sections] == ["Overview", "Background"]
