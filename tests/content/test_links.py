"""derive_link / phone_link: plain functions, no database."""

import re
import time

import pytest

from civics.content.links import LINK_PATTERNS, derive_link, is_allowed_link, phone_link

CAPITOL = "tel:+12022243121"


@pytest.mark.parametrize(
    "text",
    [
        "Call 202-224-3121 and ask for your senators.",
        "Call (202) 224-3121.",
        "Call (202)224-3121.",
        "Call 202.224.3121 today",
        "Call 202 224 3121",
        "Call +1 202 224 3121",
        "Call +1-202-224-3121",
        "Call +1 (202) 224-3121",
        "Call 1-202-224-3121",
        "Call 1 (202) 224-3121",
        "202-224-3121",
        "The switchboard (202-224-3121) connects you.",
        "Phone the Capitol switchboard at 202-224-3121, ask for your senators",
    ],
)
def test_us_phone_numbers_in_any_common_format_become_e164_tel_links(text):
    assert derive_link(text) == CAPITOL
    assert phone_link(text) == CAPITOL


@pytest.mark.parametrize(
    ("text", "link"),
    [
        ("Call the hotline at 1-800-555-0199.", "tel:+18005550199"),
        ("Call 1 (800) 555-0199 any time", "tel:+18005550199"),
        ("Tel: 1.800.555.0199", "tel:+18005550199"),
        ("Call (800) 555-0199 ext. 2", "tel:+18005550199"),
        ("Dial 888 555 0100", "tel:+18885550100"),
    ],
)
def test_toll_free_numbers_become_tel_links(text, link):
    assert derive_link(text) == link


@pytest.mark.parametrize(
    "text",
    [
        "The border runs for 2,000-mile stretches of desert.",
        "a 2,000-mile border",
        "He was ambassador in 2019–2021.",
        "He was ambassador in 2019-2021.",
        "About 1,000,000 people crossed.",
        "Trade worth 800,000,000,000 dollars",
        "Figures for 2019 2020 2021",
        "Between 300-400 people a day",
        "Call 555-1234",  # no area code
        "Call 202-224-31210",  # one digit too many
        "ISBN 978-3-16-148410-0",
        "The U.S. sent 3.5 billion in aid under Public Law 117-328.",
        "Dial 123-456-7890",  # area codes never start with 0 or 1
    ],
)
def test_numbers_that_are_not_phone_numbers_are_not_tel_links(text):
    assert phone_link(text) == ""
    assert not derive_link(text).startswith("tel:")


@pytest.mark.parametrize(
    ("text", "link"),
    [
        ("Follow the drug interdiction numbers published at DEA.gov to judge.", "https://dea.gov"),
        ("Write to the GAO through gao.gov asking it to study", "https://gao.gov"),
        ("the Council on Foreign Relations (cfr.org), that research", "https://cfr.org"),
        ("Read research at www.cfr.org.", "https://www.cfr.org"),
        ("Search congress.gov for bills", "https://congress.gov"),
        ("notices are posted at ustr.gov.", "https://ustr.gov"),
        ("Read state.gov/countries/mexico, then compare", "https://state.gov/countries/mexico"),
        ("See www.WhiteHouse.gov/contact/ today", "https://www.whitehouse.gov/contact"),
        (
            "See https://www.congress.gov/search?q=fentanyl.",
            "https://www.congress.gov/search?q=fentanyl",
        ),
        ("Read http://example.org/a/b, then act", "https://example.org/a/b"),
    ],
)
def test_site_names_and_urls_become_https_links(text, link):
    assert derive_link(text) == link


@pytest.mark.parametrize(
    ("text", "link"),
    [
        ("Write to tips@example.org with your story.", "mailto:tips@example.org"),
        ("E-mail Foo.Bar@state.gov.", "mailto:Foo.Bar@state.gov"),
    ],
)
def test_email_addresses_become_mailto_links(text, link):
    assert derive_link(text) == link


def test_email_domain_is_not_taken_for_a_site():
    assert derive_link("Write to press@dea.gov") == "mailto:press@dea.gov"


@pytest.mark.parametrize(
    "text",
    [
        "Call 202-224-3121 or visit dea.gov.",
        "Visit dea.gov or call 202-224-3121.",
        "Write to press@dea.gov or call 202-224-3121.",
        "See https://www.senate.gov or call (202) 224-3121.",
    ],
)
def test_a_phone_number_is_preferred_over_any_other_link(text):
    assert derive_link(text) == CAPITOL


def test_an_email_is_preferred_over_a_site_name():
    assert derive_link("See gao.gov or write to tips@example.org") == "mailto:tips@example.org"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Go to a town hall held by your member of Congress.",
        "Write a letter to the editor of your local newspaper.",
        "The U.S. and Mr. Landau disagree, e.g. on trade.",
        "Version 1.2.3 of the plan",
    ],
)
def test_text_without_contact_details_gives_no_link(text):
    assert derive_link(text) == ""


@pytest.mark.parametrize(
    ("text", "link"),
    [
        ("Read https://example.org/" + "a" * 600, ""),  # longer than a link may be
        ("Write to you@localhost today", ""),
        ("Read https://example.org/caf\u00e9 today", "https://example.org/caf%C3%A9"),
    ],
)
def test_a_derived_link_is_only_ever_one_the_rule_allows(text, link):
    assert derive_link(text) == link
    assert is_allowed_link(derive_link(text))


@pytest.mark.parametrize(
    "text",
    [
        "a" * 1_000_000,
        "a." * 500_000,
        "a@" * 500_000,
        "https://" * 125_000,
        "https://example.org/" + "a" * 1_000_000,
        "x.gov/" * 160_000,
        "1-" * 500_000,
        "[" * 1_000_000,
    ],
    ids=["letter", "dots", "ats", "schemes", "giant-url", "sites", "digits", "brackets"],
)
def test_deriving_a_link_from_a_megabyte_of_pathological_text_is_quick(text):
    started = time.perf_counter()
    link = derive_link(text)
    # Linear patterns take well under a second here; a backtracking one takes minutes.
    assert time.perf_counter() - started < 5
    assert is_allowed_link(link)


@pytest.mark.parametrize(
    "link",
    [
        "https://" + "a-" * 250_000 + "a.org!",
        "mailto:" + "a." * 250_000 + "@",
        "tel:+1" + "2" * 10**6,
    ],
)
def test_the_allowed_link_patterns_refuse_a_megabyte_in_linear_time(link):
    # link_problem refuses anything over 500 characters before matching; the patterns are
    # also the database constraint's, which has no such guard.
    started = time.perf_counter()
    assert not any(re.search(pattern, link) for pattern in LINK_PATTERNS.values())
    assert time.perf_counter() - started < 2
