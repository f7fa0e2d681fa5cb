"""The sign-up form in a browser: the time zone is the browser's own when JavaScript runs (an
external script, so nothing breaks the CSP), UTC in the select without it, and the page passes
axe-core with its errors shown."""

import pytest
from playwright.sync_api import expect

from .conftest import assert_no_axe_violations

pytestmark = pytest.mark.django_db(transaction=True)


def csp_errors(page) -> list[str]:
    messages: list[str] = []
    page.on(
        "console",
        lambda m: messages.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return messages


@pytest.mark.parametrize("zone", ["America/Phoenix", "Asia/Kolkata"])
def test_the_time_zone_is_preselected_from_the_browser(live_server, browser, zone):
    context = browser.new_context(timezone_id=zone)
    page = context.new_page()
    errors = csp_errors(page)
    page.goto(live_server.url + "/account/signup/")

    expect(page.get_by_label("Time zone")).to_have_value(zone)
    assert errors == []
    context.close()


def test_without_javascript_the_select_offers_utc_and_any_zone_can_be_picked(
    live_server, browser, django_user_model
):
    context = browser.new_context(timezone_id="America/Phoenix", java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/account/signup/")
    zone = page.get_by_label("Time zone")
    expect(zone).to_have_value("UTC")

    page.get_by_label("Username").fill("nojs")
    zone.select_option("Europe/Paris")
    page.locator("input[name=password1]").fill("a long enough passphrase")
    page.locator("input[name=password2]").fill("a long enough passphrase")
    page.get_by_role("button", name="Create account").click()

    expect(page).to_have_url(live_server.url + "/dashboard/")
    assert django_user_model.objects.get(username="nojs").learner_profile.time_zone == (
        "Europe/Paris"
    )
    context.close()


@pytest.mark.parametrize("width", [360, 1280])
def test_signup_errors_are_under_their_fields_and_the_page_passes_axe(
    live_server, page, axe, width
):
    page.set_viewport_size({"width": width, "height": 900})
    errors = csp_errors(page)
    page.goto(live_server.url + "/account/signup/")
    assert_no_axe_violations(axe, page, f"signup @{width}")

    page.get_by_label("E-mail (optional)").fill("not an address")
    page.get_by_role("button", name="Create account").click()

    email = page.get_by_label("E-mail (optional)")
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_have_accessible_description(
        "Only for resetting a forgotten password: without one, a reset is impossible. "
        "We send a link to confirm it. Enter a valid email address."
    )
    # Label, input and help sit together: no help text between the label and its input.
    label_box = page.locator("label[for=id_email]").bounding_box()
    input_box = email.bounding_box()
    assert 0 <= input_box["y"] - (label_box["y"] + label_box["height"]) <= 8
    assert_no_axe_violations(axe, page, f"signup errors @{width}")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert errors == []
