"""The account forms as a learner reads them: short human help, each label right above its
input, errors under their field and announced through aria-describedby, e-mail optional at
sign-up, the browser's time zone chosen by an external script (the select is the fallback), and
pauses said in words."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.test import Client

from civics.progress.models import LearnerProfile
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

User = get_user_model()
SIGNUP, LOGIN, ACCOUNT, EMAIL = (
    "/account/signup/",
    "/account/login/",
    "/account/",
    "/account/email/",
)
DATA = {
    "username": "ada",
    "email": "",
    "time_zone": "America/Phoenix",
    "password1": "Votes count in 2026!",
    "password2": "Votes count in 2026!",
}


@pytest.fixture(autouse=True)
def _fresh(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    yield
    cache.clear()


def fields_of(html: str) -> list[str]:
    return re.findall(r'<div class="field(?: field--error)?">(.*?)\n</div>', html, re.S)


def test_signup_help_is_short_and_human_not_djangos_defaults(client):
    html = client.get(SIGNUP).content.decode()

    assert "Letters, digits and @/./+/-/_ only" not in html
    assert "Required. 150 characters or fewer" not in html
    assert "Your password can’t be too similar" not in html
    assert "Enter the same password as before" not in html
    assert "The name you log in with. No spaces." in html
    assert "At least 8 characters" in html


def test_each_label_sits_right_above_its_input_with_help_below(client):
    for url in (SIGNUP, LOGIN):
        fields = fields_of(client.get(url).content.decode())
        assert len(fields) >= 2, url
        for field in fields:
            assert re.match(r"\s*<label for=\"(id_\w+)\">[^<]*</label>\s*<(input|select)\b", field)
            if "field-help" in field:
                assert field.index("field-help") > field.index("<input" if "<input" in field
                                                               else "<select")  # fmt: skip


def test_email_is_optional_and_says_a_password_reset_needs_one(client):
    html = client.get(SIGNUP).content.decode()

    email_input = re.search(r"<input[^>]*name=\"email\"[^>]*>", html).group(0)
    assert "required" not in email_input
    assert "E-mail (optional)" in html
    assert "without one, a reset is impossible" in html


def test_an_error_sits_under_its_field_and_is_announced_by_its_input(client):
    response = client.post(SIGNUP, {**DATA, "password2": "Something else 2026!"})

    assert response.status_code == 400
    html = response.content.decode()
    [field] = [f for f in fields_of(html) if 'name="password2"' in f]
    field_input = re.search(r"<input[^>]*>", field).group(0)
    assert 'aria-invalid="true"' in field_input
    assert re.search(r'aria-describedby="[^"]*\bid_password2_error\b', field_input)
    error = re.search(r'<div class="field-errors" id="id_password2_error">(.*?)</div>', field, re.S)
    assert error and "didn’t match" in error.group(1)
    assert field.index("id_password2_error") > field.index("<input")


def test_every_described_by_id_exists_on_the_page(client):
    html = client.post(SIGNUP, {**DATA, "username": "", "email": "nope"}).content.decode()

    described = {i for ids in re.findall(r'aria-describedby="([^"]+)"', html) for i in ids.split()}
    assert {"id_username_helptext", "id_username_error", "id_email_error"} <= described
    for target in described:
        assert f'id="{target}"' in html, target


def test_a_fresh_signup_form_lets_the_script_choose_the_browsers_zone(client):
    html = client.get(SIGNUP).content.decode()

    select = re.search(r"<select[^>]*name=\"time_zone\"[^>]*>", html).group(0)
    assert "data-browser-time-zone" in select
    assert '<option value="UTC" selected>UTC</option>' in html  # the fallback without JavaScript
    scripts = re.findall(r"<script\b([^>]*)>", html)
    assert any('src="/static/accounts/time-zone.js"' in attrs for attrs in scripts)
    assert all("src=" in attrs for attrs in scripts), "no inline script under the CSP"
    assert " style=" not in html and "<style" not in html
    assert finders.find("accounts/time-zone.js")


def test_a_refused_signup_keeps_the_zone_the_learner_chose(client):
    html = client.post(SIGNUP, {**DATA, "password2": "nope"}).content.decode()

    select = re.search(r"<select[^>]*name=\"time_zone\"[^>]*>", html).group(0)
    assert "data-browser-time-zone" not in select
    assert '<option value="America/Phoenix" selected>' in html


def test_the_time_zone_posted_by_the_script_or_by_hand_is_kept(client):
    assert client.post(SIGNUP, {**DATA, "time_zone": "Asia/Kolkata"}).status_code == 302

    assert LearnerProfile.objects.get(user__username="ada").time_zone == "Asia/Kolkata"


def test_a_paused_signup_says_for_how_long_in_words(settings):
    prober = Client(REMOTE_ADDR="203.0.113.9")
    for n in range(settings.AXES_FAILURE_LIMIT):
        UserFactory(username=f"taken{n}")
        prober.post(SIGNUP, {**DATA, "username": f"taken{n}"})

    paused = prober.post(SIGNUP, {**DATA, "username": "someone-new"})

    assert paused.status_code == 429
    html = paused.content.decode()
    assert "is paused for 15 minutes." in html
    assert "a few minutes" not in html


def test_the_account_page_uses_the_same_form_styling(client):
    client.force_login(UserFactory(email=""))

    html = client.get(ACCOUNT).content.decode()

    assert html.count('class="form-card"') == 2  # settings and e-mail
    assert "a forgotten password cannot be reset" in html
    assert 'id="id_time_zone_helptext"' in html


def test_adding_an_email_on_the_account_page_sends_a_confirmation_link(client, mailoutbox):
    user = UserFactory(email="")
    client.force_login(user)

    response = client.post(EMAIL, {"email": "ada@example.org"})

    assert response.status_code == 302
    assert response["Location"] == ACCOUNT
    assert LearnerProfile.objects.get(user=user).unconfirmed_email == "ada@example.org"
    [message] = mailoutbox
    assert message.to == ["ada@example.org"] and "/account/email/confirm/" in message.body
    user.refresh_from_db()
    assert user.email == ""  # until confirmed
    assert "We sent a link to" in client.get(ACCOUNT).content.decode()


def test_a_taken_address_on_the_account_page_is_not_reported_and_its_owner_is_mailed(
    mailoutbox,
):
    UserFactory(username="Grace", email="grace@example.org")
    free, taken = Client(), Client()
    free.force_login(UserFactory(username="learner-aaa", email=""))
    taken.force_login(UserFactory(username="learner-bbb", email=""))

    free_page = free.post(EMAIL, {"email": "new@example.org"}, follow=True).content.decode()
    taken_page = taken.post(EMAIL, {"email": "grace@example.org"}, follow=True).content.decode()

    def plain(html, email, name):
        html = re.sub(r'(csrfmiddlewaretoken" value=|"X-CSRFToken": )"[^"]+"', "", html)
        return html.replace(email, "X").replace(name, "NAME")

    assert plain(free_page, "new@example.org", "learner-aaa") == plain(
        taken_page, "grace@example.org", "learner-bbb"
    )
    assert [m.to for m in mailoutbox] == [["new@example.org"], ["grace@example.org"]]
    assert "Someone tried to sign up" in mailoutbox[1].subject
    assert User.objects.get(username="Grace").email == "grace@example.org"


@pytest.mark.parametrize("email", ["", "not-an-address", "x" * 400 + "@example.org"])
def test_a_bad_address_on_the_account_page_is_refused_in_place(client, mailoutbox, email):
    user = UserFactory(email="")
    client.force_login(user)

    response = client.post(EMAIL, {"email": email})

    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_email_error"' in html and "<h1>Your account</h1>" in html
    assert mailoutbox == []
    assert not LearnerProfile.objects.filter(user=user).exclude(unconfirmed_email="").exists()


def test_the_email_form_needs_a_login_and_a_post(client):
    assert client.post(EMAIL, {"email": "a@example.org"})["Location"].startswith(LOGIN)
    client.force_login(UserFactory())
    assert client.get(EMAIL).status_code == 405


def test_password_change_and_reset_forms_use_the_same_short_help(client, mailoutbox):
    user = UserFactory(email="known@example.org")
    client.force_login(user)
    change = client.get("/account/password/").content.decode()
    client.logout()
    client.post("/account/password/reset/", {"email": "known@example.org"})
    link = re.search(r"https?://[^/]+(/account/password/reset/\S+/\S+/)", mailoutbox[0].body)
    reset = client.get(client.get(link.group(1))["Location"]).content.decode()

    for html in (change, reset):
        assert "At least 8 characters, not only digits" in html
        assert "Your password can’t be too similar" not in html
        assert "New password again" in html
        assert 'class="form-card"' in html


def test_links_from_the_account_page_are_rationed_and_the_wait_is_said_in_words(
    client, mailoutbox, settings
):
    client.force_login(UserFactory(email=""))
    statuses = [
        client.post(EMAIL, {"email": f"me{n}@example.org"}).status_code
        for n in range(settings.AXES_FAILURE_LIMIT + 1)
    ]

    assert statuses == [302] * settings.AXES_FAILURE_LIMIT + [429]
    assert len(mailoutbox) == settings.AXES_FAILURE_LIMIT
    refused = client.post(EMAIL, {"email": "again@example.org"})
    assert refused.status_code == 429
    html = refused.content.decode()
    assert "Try again in 15 minutes." in html and 'id="id_email_error"' in html
    assert len(mailoutbox) == settings.AXES_FAILURE_LIMIT
