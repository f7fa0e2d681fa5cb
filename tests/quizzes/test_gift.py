"""GIFT reading and writing; no database, no Django.

Most snippets are the examples of https://docs.moodle.org/en/GIFT_format.
"""

from decimal import Decimal
from itertools import pairwise
from textwrap import dedent

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from quizzes.gift import (
    BLANK,
    PROMPT_FORMATS,
    GiftChoice,
    GiftNumeric,
    GiftQuestion,
    GiftResult,
    GiftSyntaxError,
    Skipped,
    parse,
    write,
)


@pytest.fixture(autouse=True)
def _plain_static_storage():
    """Shadow the Django-settings fixture of tests/conftest.py: these tests never load Django."""


def only(text: str) -> GiftQuestion:
    result = parse(text)
    assert result.skipped == ()
    (question,) = result.questions
    return question


def syntax_error(text: str) -> GiftSyntaxError:
    with pytest.raises(GiftSyntaxError) as caught:
        parse(dedent(text))
    return caught.value


# Question types -----------------------------------------------------------------------------------


def test_single_choice():
    question = only("Who's buried in Grant's tomb?{~Grant ~Jefferson =no one}")
    assert question == GiftQuestion(
        type="single",
        prompt="Who's buried in Grant's tomb?",
        choices=(
            GiftChoice("Grant", 0.0),
            GiftChoice("Jefferson", 0.0),
            GiftChoice("no one", 1.0),
        ),
    )
    assert question.line == 1


def test_missing_word_puts_a_blank_where_the_answers_were():
    question = only("Grant is {~buried =entombed ~living} in Grant's tomb.")
    assert question.prompt == f"Grant is {BLANK} in Grant's tomb."
    assert question.type == "single"


def test_answers_at_the_start_of_the_text():
    assert only("{=a ~b} is the first letter.").prompt == f"{BLANK} is the first letter."


def test_choice_feedback():
    question = only(
        dedent("""\
        What's the answer to this multiple-choice question? {
        ~wrong answer#feedback comment on the wrong answer
        ~another wrong answer#feedback comment on this wrong answer
        =right answer#Very good!}""")
    )
    assert question.choices == (
        GiftChoice("wrong answer", 0.0, "feedback comment on the wrong answer"),
        GiftChoice("another wrong answer", 0.0, "feedback comment on this wrong answer"),
        GiftChoice("right answer", 1.0, "Very good!"),
    )


def test_single_choice_partial_credit_weights():
    question = only(
        "Difficult question.{~wrong answer ~%50%half credit answer =full credit answer}"
    )
    assert question.type == "single"
    assert [c.fraction for c in question.choices] == [0.0, 0.5, 1.0]


def test_single_choice_weights_with_feedback_and_trailing_text():
    question = only(
        dedent("""\
        ::Jesus' hometown::Jesus Christ was from {
            ~Jerusalem#This was an important city, but the wrong answer.
            ~%25%Bethlehem#He was born here, but not raised here.
            ~%50%Galilee#You need to be more specific.
            =Nazareth#Yes! That's right!
        }.""")
    )
    assert question.title == "Jesus' hometown"
    assert question.prompt == f"Jesus Christ was from {BLANK}."
    assert question.choices[1] == GiftChoice(
        "Bethlehem", 0.25, "He was born here, but not raised here."
    )
    assert [c.fraction for c in question.choices] == [0.0, 0.25, 0.5, 1.0]


def test_tilde_only_list_with_one_hundred_percent_answer_is_single():
    question = only("Pick one {~%100%right ~wrong ~also wrong}")
    assert question.type == "single"
    assert [c.fraction for c in question.choices] == [1.0, 0.0, 0.0]


def test_multiple_response():
    question = only(
        dedent("""\
        What two people are entombed in Grant's tomb? {
           ~%-100%No one
           ~%50%Grant
           ~%50%Grant's wife
           ~%-100%Grant's father
        }""")
    )
    assert question.type == "multiple"
    assert question.choices == (
        GiftChoice("No one", -1.0),
        GiftChoice("Grant", 0.5),
        GiftChoice("Grant's wife", 0.5),
        GiftChoice("Grant's father", -1.0),
    )


def test_multiple_response_with_thirds():
    question = only("Pick the primes {~%33.33333%2 ~%33.33333%3 ~%33.33333%5 ~%-33.33333%4}")
    assert question.type == "multiple"
    assert [c.fraction for c in question.choices] == [0.3333333] * 3 + [-0.3333333]


def test_one_hundred_percent_answer_with_a_penalty_is_multiple():
    question = only("Tick the right one {~%100%right ~%-50%wrong}")
    assert question.type == "multiple"


@pytest.mark.parametrize("word", ["T", "TRUE"])
def test_true(word):
    question = only(f"The sun rises in the east.{{{word}}}")
    assert question == GiftQuestion(
        type="true_false", prompt="The sun rises in the east.", truth=True
    )


@pytest.mark.parametrize("word", ["F", "FALSE"])
def test_false(word):
    question = only(f"Grant is buried in Grant's tomb.{{{word}}}")
    assert question.type == "true_false"
    assert question.truth is False


def test_true_false_feedback_when_wrong_then_when_right():
    question = only("Grant is buried in Grant's tomb.{FALSE#No, he is not.#Yes, nobody is.}")
    assert question.feedback_wrong == "No, he is not."
    assert question.feedback_right == "Yes, nobody is."


def test_true_false_feedback_when_wrong_only():
    question = only("Grant is buried in Grant's tomb.{FALSE#No one is buried in Grant's tomb.}")
    assert question.feedback_wrong == "No one is buried in Grant's tomb."
    assert question.feedback_right == ""


def test_lowercase_true_is_a_short_answer_as_in_moodle():
    question = only("Is it?{true}")
    assert question.type == "short"
    assert question.accepted == (GiftChoice("true", 1.0),)


def test_short_answer():
    question = only("Who's buried in Grant's tomb?{=no one =nobody}")
    assert question == GiftQuestion(
        type="short",
        prompt="Who's buried in Grant's tomb?",
        accepted=(GiftChoice("no one", 1.0), GiftChoice("nobody", 1.0)),
    )


def test_short_answer_missing_word():
    question = only("Two plus two equals {=four =4}.")
    assert question.prompt == f"Two plus two equals {BLANK}."
    assert [a.text for a in question.accepted] == ["four", "4"]


def test_short_answer_weights_and_feedback():
    question = only(
        dedent("""\
        ::Jesus' hometown:: Jesus Christ was from {
            =Nazareth#Yes! That's right!
            =%75%Nazereth#Right, but misspelled.
            =%25%Bethlehem#He was born here, but not raised here.
        }""")
    )
    assert question.accepted == (
        GiftChoice("Nazareth", 1.0, "Yes! That's right!"),
        GiftChoice("Nazereth", 0.75, "Right, but misspelled."),
        GiftChoice("Bethlehem", 0.25, "He was born here, but not raised here."),
    )


def test_bare_answer_is_a_short_answer_as_in_moodle():
    question = only("Capital of France?{Paris}")
    assert question.type == "short"
    assert question.accepted == (GiftChoice("Paris", 1.0),)


def test_matching_with_general_feedback():
    question = only(
        dedent("""\
        Match the following countries with their corresponding capitals. {
            =Canada -> Ottawa
            =Italy  -> Rome
            =Japan  -> Tokyo
            =India  -> New Delhi
            ####It's good to know the capitals
        }""")
    )
    assert question.type == "matching"
    assert question.pairs == (
        ("Canada", "Ottawa"),
        ("Italy", "Rome"),
        ("Japan", "Tokyo"),
        ("India", "New Delhi"),
    )
    assert question.explanation == "It's good to know the capitals"


def test_matching_right_side_may_contain_an_arrow():
    question = only("Match {=a -> b -> c =d->e}")
    assert question.pairs == (("a", "b -> c"), ("d", "e"))


@pytest.mark.parametrize(
    ("snippet", "expected"),
    [
        ("{#2026}", (GiftNumeric(value=2026.0),)),
        ("{#1822:5}", (GiftNumeric(value=1822.0, tolerance=5.0),)),
        ("{#2000:100}", (GiftNumeric(value=2000.0, tolerance=100.0),)),
        ("{#3.14159:0.0005}", (GiftNumeric(value=3.14159, tolerance=0.0005),)),
        ("{#120..140}", (GiftNumeric(low=120.0, high=140.0),)),
        ("{#3.141..3.142}", (GiftNumeric(low=3.141, high=3.142),)),
        ("{#-5..-1}", (GiftNumeric(low=-5.0, high=-1.0),)),
        ("{#-3}", (GiftNumeric(value=-3.0),)),
        ("{#1e3}", (GiftNumeric(value=1000.0),)),
        ("{#2026#Right year.}", (GiftNumeric(value=2026.0, feedback="Right year."),)),
        (
            "{# =2000:0 =%50%2000:100}",
            (GiftNumeric(value=2000.0), GiftNumeric(value=2000.0, tolerance=100.0, fraction=0.5)),
        ),
    ],
)
def test_numeric(snippet, expected):
    question = only(f"How many?{snippet}")
    assert question.type == "numeric"
    assert question.numeric == expected


def test_numeric_answers_with_partial_credit_and_feedback():
    question = only(
        dedent("""\
        When was Ulysses S. Grant born? {#
            =1822:0      # Correct! Full credit.
            =%50%1822:2  # He was born in 1822. Half credit for being close.
        }""")
    )
    assert question.numeric == (
        GiftNumeric(value=1822.0, feedback="Correct! Full credit."),
        GiftNumeric(
            value=1822.0,
            tolerance=2.0,
            fraction=0.5,
            feedback="He was born in 1822. Half credit for being close.",
        ),
    )


def test_numeric_missing_word_keeps_the_closing_punctuation():
    question = only("What is the value of pi (to 3 decimal places)? {#3.14159:0.0005}.")
    assert question.prompt == f"What is the value of pi (to 3 decimal places)? {BLANK}."


# Syntax features ----------------------------------------------------------------------------------


def test_titles():
    question = only(
        "::Kanji Origins::Japanese characters originally came from what country? {=China}"
    )
    assert question.title == "Kanji Origins"
    assert question.prompt == "Japanese characters originally came from what country?"


def test_title_on_its_own_line_and_multi_line_question():
    question = only(
        dedent("""\
        ::Q1::
        Question on
        two lines {
        =right
        ~wrong
        }""")
    )
    assert question.title == "Q1"
    assert question.prompt == "Question on\ntwo lines"


def test_general_feedback():
    question = only("1+1=2 {T####Basic arithmetic.}")
    assert question.prompt == "1+1=2"
    assert question.truth is True
    assert question.explanation == "Basic arithmetic."


def test_general_feedback_after_answer_feedback():
    question = only("Pick {=a#yes ~b#no ####Because a.}")
    assert question.choices == (GiftChoice("a", 1.0, "yes"), GiftChoice("b", 0.0, "no"))
    assert question.explanation == "Because a."


def test_escaped_equals_signs():
    question = only(
        dedent("""\
        Which answer equals 5? {
           ~ \\= 2 + 2
           = \\= 2 + 3
           ~ \\= 2 + 4
        }""")
    )
    assert [c.text for c in question.choices] == ["= 2 + 2", "= 2 + 3", "= 2 + 4"]
    assert [c.fraction for c in question.choices] == [0.0, 1.0, 0.0]


def test_control_characters_example():
    question = only(
        dedent("""\
        ::GIFT Control Characters::
        Which of the following is NOT a control character for the GIFT import format? {
           ~ \\~     # \\~ is a control character.
           ~ \\=     # \\= is a control character.
           ~ \\#     # \\# is a control character.
           ~ \\{     # \\{ is a control character.
           ~ \\}     # \\} is a control character.
           = \\\\     # Correct! \\\\ (backslash) is not a control character. BUT,
                      it is used to escape the control characters.
        }""")
    )
    assert [c.text for c in question.choices] == ["~", "=", "#", "{", "}", "\\"]
    assert question.choices[0].feedback == "~ is a control character."
    assert question.choices[-1].feedback.startswith("Correct! \\ (backslash) is not")
    assert question.choices[-1].fraction == 1.0


def test_escaped_colon_newline_and_unknown_escape():
    question = only("::Ratio 1\\:2::First line\\nsecond \\x line{=1\\:2}")
    assert question.title == "Ratio 1:2"
    assert question.prompt == "First line\nsecond \\x line"
    assert question.accepted == (GiftChoice("1:2", 1.0),)


def test_escaped_braces_in_the_prompt():
    assert only("Is \\{x\\} a set?{T}").prompt == "Is {x} a set?"


def test_comment_lines_are_ignored_anywhere():
    result = parse(
        dedent("""\
        // Subheading: Numerical questions below
        What's 2 plus 2? {#4}

        // a comment between questions
          // an indented comment
        Pick {
        // a comment inside a question
        =a
        ~b
        }
        """)
    )
    assert [q.type for q in result.questions] == ["numeric", "single"]
    assert result.questions[1].choices == (GiftChoice("a", 1.0), GiftChoice("b", 0.0))
    assert [q.line for q in result.questions] == [2, 6]


def test_double_slash_inside_a_line_is_text():
    question = only("See http://example.org // not a comment{=yes}")
    assert question.prompt == "See http://example.org // not a comment"


@pytest.mark.parametrize(
    ("marker", "prompt_format"),
    [
        ("", "markdown"),
        ("[markdown]", "markdown"),
        ("[html]", "html"),
        ("[plain]", "plain"),
        ("[moodle]", "markdown"),
    ],
)
def test_format_markers(marker, prompt_format):
    question = only(f"::Q:: {marker}<b>Bold</b> claim{{T}}")
    assert question.prompt_format == prompt_format
    assert question.prompt == "<b>Bold</b> claim"


def test_unknown_format_marker_is_text():
    question = only("[latex]x^2{T}")
    assert question.prompt_format == "markdown"
    assert question.prompt == "[latex]x^2"


def test_categories_apply_to_the_questions_that_follow():
    result = parse(
        dedent("""\
        Before any category {T}

        $CATEGORY: $course$/top/migration

        First {T}

        Second {F}

        $CATEGORY: tom
        Third, in the same block as its category {T}

        $CATEGORY: $module$/top

        Fourth {T}
        """)
    )
    assert [(q.prompt, q.category) for q in result.questions] == [
        ("Before any category", ""),
        ("First", "migration"),
        ("Second", "migration"),
        ("Third, in the same block as its category", "tom"),
        ("Fourth", ""),
    ]
    assert [q.line for q in result.questions] == [1, 5, 7, 10, 14]


@pytest.mark.parametrize(
    ("path", "category"),
    [
        ("$course$/top/migration", "migration"),
        ("$module$/top/a/b", "a/b"),
        ("$system$/top", ""),
        ("top/migration", "migration"),
        ("migration", "migration"),
        ("  spaced/out  ", "spaced/out"),
        ("$course$/Default for X", "Default for X"),
    ],
)
def test_category_prefixes_are_dropped(path, category):
    (question,) = parse(f"$CATEGORY: {path}\n\nQ {{T}}").questions
    assert question.category == category


def test_line_numbers_and_blank_line_separation():
    result = parse("\n\n::A:: One {T}\n\n\n\n::B::\nTwo\n{F}\n\n::C:: Three {T}")
    assert [(q.title, q.line) for q in result.questions] == [("A", 3), ("B", 7), ("C", 11)]


def test_windows_line_endings_and_byte_order_mark():
    result = parse("\ufeff::A:: One {T}\r\n\r\n::B:: Two\r\n{F}\r\n")
    assert [(q.title, q.prompt, q.line) for q in result.questions] == [
        ("A", "One", 1),
        ("B", "Two", 3),
    ]


def test_empty_text_has_no_questions():
    assert parse("") == GiftResult()
    assert parse("\n// only a comment\n\n") == GiftResult()


# Skipped items ------------------------------------------------------------------------------------


def test_essay_is_skipped_with_title_and_line():
    result = parse("Intro {T}\n\n::Q8:: How are you? {}\n\nAfter {F}")
    assert [q.prompt for q in result.questions] == ["Intro", "After"]
    (skipped,) = result.skipped
    assert (skipped.title, skipped.line) == ("Q8", 3)
    assert "essay" in skipped.reason


def test_essay_with_general_feedback_is_skipped():
    (skipped,) = parse("Write about it. {####Graded by hand.}").skipped
    assert skipped == Skipped("", 1, skipped.reason)
    assert "essay" in skipped.reason


def test_description_is_skipped():
    result = parse("::Intro:: You can use your pencil and paper for these next questions.")
    assert result.questions == ()
    (skipped,) = result.skipped
    assert (skipped.title, skipped.line) == ("Intro", 1)
    assert "description" in skipped.reason


def test_numeric_catch_all_answer_is_skipped():
    (skipped,) = parse("\n::N:: How many? {#\n=5\n~#Count again.\n}").skipped
    assert (skipped.title, skipped.line) == ("N", 2)
    assert "catch-all" in skipped.reason


def test_matching_distractor_is_skipped():
    (skipped,) = parse("Match {=a -> 1 =b -> 2 = -> 3}").skipped
    assert "distractor" in skipped.reason


# Syntax errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("Good {T}\n\nPrompt {=a\n~b\n", 3, "never closed"),
        ("Good {T}\n\nPrompt =a ~b}", 3, "without an opening"),
        ("Prompt\n} {=a ~b}", 2, "without an opening"),
        ("Prompt {=a ~b}\nmore {=c}", 2, "one answer block"),
        ("Prompt {=a\n{~b}", 2, "one answer block"),
        ("Grant is {} in\nthe tomb.", 1, "empty answer list"),
        ("\n::Q::Match {\n=a -> 1\n=b\n}", 4, "has no '->'"),
        ("Mix {=a -> 1 =b}", 1, "has no '->'"),
        ("Mixed {a -> b}", 1, "'->'"),
        ("Match {=a -> 1}", 1, "at least two pairs"),
        ("Match {=a -> 1 =b ->}", 1, "nothing after '->'"),
        ("Match {=a -> 1#nice =b -> 2}", 1, "no feedback"),
        ("Match {x =a -> 1 =b -> 2}", 1, "before the first '='"),
        ("Pick {\n=a\n~%abc%b\n}", 3, "weight '%abc%' is not a number"),
        ("Pick {=a ~%%b}", 1, "is not a number"),
        ("Pick {=a ~%150%b}", 1, "outside -100%..100%"),
        ("Say {=%half%yes}", 1, "is not a number"),
        ("How many? {#\n=2000:0\n=%50%abc:100\n}", 3, "'abc' is not a number"),
        ("How many? {#abc}", 1, "'abc' is not a number"),
        ("How many? {#nan}", 1, "is not a number"),
        ("How many? {#1e999}", 1, "is not a number"),
        ("How many? {#5:x}", 1, "'x' is not a number"),
        ("How many? {#1..x}", 1, "'x' is not a number"),
        ("How many? {#5..1}", 1, "backwards"),
        ("How many? {#5:-1}", 1, "negative"),
        ("How many? {#}", 1, "no answers"),
        ("How many? {#=}", 1, "empty numeric answer"),
        ("How many? {#=%50%5}", 1, "worth 100%"),
        ("Pick {~only one}", 1, "at least two answers"),
        ("Pick {=a ~}", 1, "empty answer after '~'"),
        ("Pick {=a ~#feedback only}", 1, "empty answer"),
        ("Pick {a ~b =c}", 1, "before the first '~' or '='"),
        ("Pick {=%50%a ~b}", 1, "worth 100%"),
        ("Pick {~a ~b}", 1, "add up to 0%"),
        ("Pick {~%50%a ~b ~c}", 1, "add up to 50%"),
        ("Pick {~%100%a ~%100%b}", 1, "add up to 200%"),
        ("Say {=%50%yes}", 1, "worth 100%"),
        ("Say {=}", 1, "empty answer after '='"),
        ("\n\n::Untitled Prompt {T}", 3, "no closing '::'"),
        ("{=a ~b}", 1, "no text"),
        ("::Only a title::{T}", 1, "no text"),
        ("Odd \ufdd0 character {T}", 1, "reserved character"),
    ],
)
def test_syntax_errors_name_the_line(text, line, message):
    error = syntax_error(text)
    assert error.line == line
    assert f"line {line}" in str(error)
    assert message in error.message


def test_syntax_error_is_a_value_error():
    assert issubclass(GiftSyntaxError, ValueError)


# Writing ------------------------------------------------------------------------------------------


def test_write_layout():
    questions = [
        GiftQuestion(
            type="single",
            title="Grant",
            prompt="Who's buried in Grant's tomb?",
            choices=(
                GiftChoice("Grant", 0.0, "No, he's in a sarcophagus."),
                GiftChoice("no one", 1.0),
                GiftChoice("nobody", 0.3333333),
            ),
            explanation="Tricky.",
        ),
        GiftQuestion(
            type="true_false",
            prompt="1+1=2",
            category="maths/basic",
            prompt_format="plain",
            truth=True,
            feedback_right="Yes.",
        ),
        GiftQuestion(
            type="numeric",
            prompt="Year?",
            category="maths/basic",
            numeric=(
                GiftNumeric(value=2026),
                GiftNumeric(value=2026, tolerance=1, fraction=0.5, feedback="Close."),
                GiftNumeric(low=-1.5, high=1e20),
            ),
        ),
        GiftQuestion(
            type="short",
            prompt="Capital of Italy?",
            accepted=(GiftChoice("Rome", 1.0), GiftChoice("Roma", 0.5, "In Italian.")),
        ),
        GiftQuestion(type="matching", prompt="Match", pairs=(("a", "1"), ("b", "2"))),
    ]
    assert write(questions) == dedent("""\
        ::Grant::[markdown]Who's buried in Grant's tomb?{
        \t~Grant#No, he's in a sarcophagus.
        \t=no one
        \t~%33.33333%nobody
        \t####Tricky.
        }

        $CATEGORY: $course$/top/maths/basic

        [plain]1+1\\=2{TRUE##Yes.}

        [markdown]Year?{#
        \t=2026
        \t=%50%2026:1#Close.
        \t=-1.5..1e+20
        }

        $CATEGORY: $course$/top

        [markdown]Capital of Italy?{
        \t=Rome
        \t=%50%Roma#In Italian.
        }

        [markdown]Match{
        \t=a -> 1
        \t=b -> 2
        }
        """)
    assert parse(write(questions)).questions == tuple(questions)


def test_write_nothing():
    assert write([]) == ""


def test_write_escapes_every_special_character():
    question = GiftQuestion(
        type="true_false", title="a::b", prompt="{x} ~ = # : \\ \n end", truth=False
    )
    assert (
        write([question]) == "::a\\:\\:b::[markdown]\\{x\\} \\~ \\= \\# \\: \\\\ \\n end{FALSE}\n"
    )
    assert parse(write([question])).questions == (question,)


def test_write_multiple_response_weights():
    question = GiftQuestion(
        type="multiple",
        prompt="Pick",
        choices=(GiftChoice("a", 1.0), GiftChoice("b", 0.0), GiftChoice("c", -0.0000001)),
    )
    assert "\t~%100%a\n\t~b\n\t~%-0.00001%c\n" in write([question])
    assert parse(write([question])).questions == (question,)


def test_write_explicit_weight_when_an_answer_starts_with_percent():
    question = GiftQuestion(
        type="single",
        prompt="Discount?",
        choices=(GiftChoice("%50 off", 1.0), GiftChoice("%10%", 0.0)),
    )
    assert "\t=%100%%50 off\n\t~%0%%10%\n" in write([question])
    assert parse(write([question])).questions == (question,)


def test_write_true_false_feedback_placement():
    def answer_block(wrong: str, right: str) -> str:
        question = GiftQuestion(
            type="true_false",
            prompt="P",
            truth=True,
            feedback_wrong=wrong,
            feedback_right=right,
            explanation="E",
        )
        text = write([question])
        assert parse(text).questions == (question,)
        return text[text.index("{") :].strip()

    assert answer_block("", "") == "{TRUE####E}"
    assert answer_block("W", "") == "{TRUE#W####E}"
    assert answer_block("", "R") == "{TRUE##R####E}"
    assert answer_block("W", "R") == "{TRUE#W#R####E}"


@pytest.mark.parametrize(
    "question",
    [
        GiftQuestion(type="essay", prompt="P"),
        GiftQuestion(type="true_false", prompt="P", truth=True, prompt_format="moodle"),
        GiftQuestion(type="true_false", prompt="P", truth=True, category="a\nb"),
        GiftQuestion(type="short", prompt="P", accepted=(GiftChoice("a -> b", 1.0),)),
        GiftQuestion(type="short", prompt="P", accepted=(GiftChoice("a", 1.0, "see -> here"),)),
        GiftQuestion(type="matching", prompt="P", pairs=(("a -> b", "c"), ("d", "e"))),
        GiftQuestion(type="numeric", prompt="P", numeric=(GiftNumeric(),)),
        GiftQuestion(type="numeric", prompt="P", numeric=(GiftNumeric(low=1),)),
        GiftQuestion(type="numeric", prompt="P", numeric=(GiftNumeric(value=1, low=0, high=2),)),
    ],
)
def test_write_refuses_what_gift_cannot_express(question):
    with pytest.raises(ValueError):
        write([question])


# Round trip ---------------------------------------------------------------------------------------

# Any printable character, plus GIFT's special characters, tabs and newlines. Fields are stripped
# and non-empty, since parsing strips them.
characters = st.one_of(
    st.characters(exclude_categories=("Cs", "Cc", "Cn", "Co")),
    st.sampled_from("~=#{}:\\%[]->/$_ \t\n"),
)
text = st.text(characters, min_size=1, max_size=20).map(str.strip).filter(bool)
optional_text = st.just("") | text
no_arrow = text.filter(lambda value: "->" not in value)
optional_no_arrow = st.just("") | no_arrow
category = st.just("") | text.filter(lambda value: "\n" not in value)
# Weights as GIFT writes them: up to 5 decimals in percent.
weight = st.integers(-(10**7), 10**7).map(lambda n: float(Decimal(n) / 10**7))
finite = st.floats(allow_nan=False, allow_infinity=False)


def choice(fraction, answer_text=text, feedback=optional_text):
    return st.builds(GiftChoice, answer_text, fraction, feedback)


@st.composite
def single_choices(draw):
    right = draw(st.lists(choice(st.just(1.0)), min_size=1, max_size=2))
    wrong = draw(st.lists(choice(weight.filter(lambda f: f != 1.0)), min_size=1, max_size=3))
    return tuple(draw(st.permutations(right + wrong)))


@st.composite
def multiple_choices(draw):
    count = draw(st.integers(1, 4))
    cuts = sorted(draw(st.sets(st.integers(1, 10**7 - 1), min_size=count - 1, max_size=count - 1)))
    bounds = [0, *cuts, 10**7]
    positive = [float(Decimal(b - a) / 10**7) for a, b in pairwise(bounds)]
    other = draw(st.lists(st.integers(-(10**7), 0), max_size=3))
    fractions = positive + [float(Decimal(n) / 10**7) for n in other]
    assume(len(fractions) >= 2)
    assume(not (fractions.count(1.0) == 1 and all(f in (0.0, 1.0) for f in fractions)))
    choices = [draw(choice(st.just(f))) for f in fractions]
    return tuple(draw(st.permutations(choices)))


@st.composite
def short_answers(draw):
    right = draw(
        st.lists(choice(st.just(1.0), no_arrow, optional_no_arrow), min_size=1, max_size=2)
    )
    more = draw(st.lists(choice(weight, no_arrow, optional_no_arrow), max_size=2))
    return tuple(draw(st.permutations(right + more)))


numeric_value = st.builds(
    GiftNumeric, value=finite, tolerance=st.floats(min_value=0, allow_infinity=False)
)
numeric_range = (
    st.tuples(finite, finite).map(sorted).map(lambda b: GiftNumeric(low=b[0], high=b[1]))
)


@st.composite
def numeric_answers(draw):
    answers = draw(st.lists(numeric_value | numeric_range, min_size=1, max_size=3))
    fractions = [1.0] + draw(st.lists(weight, min_size=len(answers) - 1, max_size=len(answers) - 1))
    feedback = draw(st.lists(optional_text, min_size=len(answers), max_size=len(answers)))
    return tuple(
        GiftNumeric(a.value, a.tolerance, a.low, a.high, fraction, note)
        for a, fraction, note in zip(answers, fractions, feedback, strict=True)
    )


def question(type_, **fields):
    return st.builds(
        GiftQuestion,
        type=st.just(type_),
        prompt=text,
        title=optional_text,
        category=category,
        prompt_format=st.sampled_from(PROMPT_FORMATS),
        explanation=optional_text,
        line=st.integers(0, 100),
        **fields,
    )


questions = st.one_of(
    question("single", choices=single_choices()),
    question("multiple", choices=multiple_choices()),
    question(
        "true_false",
        truth=st.booleans(),
        feedback_wrong=optional_text,
        feedback_right=optional_text,
    ),
    question("short", accepted=short_answers()),
    question("numeric", numeric=numeric_answers()),
    question(
        "matching",
        pairs=st.lists(st.tuples(no_arrow, text), min_size=2, max_size=4).map(tuple),
    ),
)


@settings(max_examples=300)
@given(st.lists(questions, max_size=4))
def test_property_write_then_parse_gives_the_same_questions(generated):
    text_out = write(generated)
    result = parse(text_out)
    assert result == GiftResult(questions=tuple(generated), skipped=())
    assert write(result.questions) == text_out


# Fragments of GIFT glued at random: mostly malformed, sometimes every question type.
fragment = st.sampled_from(
    ["=", "~", "#", "####", "%50%", "%100%", "%-50%", "%x%", "->", "T", "FALSE", "a", "b c", " "]
    + ["\n", "\n\n", "\\", "\\=", "\\n", ":", "..", "1", "2.5", "-", "%", "{", "}", "::", "//"]
    + ["[html]", "$CATEGORY: $course$/top/x\n", "\ufdd0"]
)
gift_block = st.builds(
    lambda before, inside, after: f"{before}{{{''.join(inside)}}}{after}",
    st.sampled_from(["", "Q ", "::t::Q ", "[plain]Q", "::t::", "\\{Q", "// c\nQ"]),
    st.lists(fragment, max_size=12),
    st.sampled_from(["", ".", " end", "\n", "}"]),
)
gift_source = st.lists(gift_block | st.text(max_size=10), min_size=1, max_size=3).map("\n\n".join)


@settings(max_examples=500)
@given(gift_source)
def test_property_parse_accepts_or_names_a_line_and_what_it_accepts_round_trips(source):
    try:
        result = parse(source)
    except GiftSyntaxError as error:
        lines = source.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1
        assert 1 <= error.line <= lines
        return
    assert parse(write(result.questions)).questions == result.questions
