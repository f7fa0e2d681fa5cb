"""Sign-up tells nobody which accounts exist.

A taken e-mail address is never reported: the new account is created all the same, the address
waits on its profile, and the address's owner gets a note instead of a confirmation link. A
taken username is reported only once the rest of the form is valid, and only AXES_FAILURE_LIMIT
times per address per cool-off (and never for a username locked out of logging in).
"""

import re

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.cache import cache
from django.test import Client

from civics.accounts.views import CONFIRM_MAX_AGE, confirmation_token
from civics.progress.models import LearnerProfile
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

User = get_user_model()
SIGNUP = "/account/signup/"
DATA = {
    "username": "ada",
    "email": "ada@example.org",
    "time_zone": "UTC",
    "password1": "Votes count in 2026!",
    "password2": "Votes count in 2026!",
}


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def owner(db):
    return UserFactory(username="Grace", email="grace@example.org")


def page_text(client, response) -> str:
    """The page a sign-up leads to, without the parts that differ by nature (the username,
    CSRF tokens)."""
    html = client.get(response["Location"]).content.decode()
    html = re.sub(r"csrfmiddlewaretoken\" value=\"[^\"]+\"", "", html)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", html).replace("ada2", "ada")


def link_in(message) -> str:
    return re.search(r"https?://\S+/account/email/confirm/\S+/", message.body).group(0)


# --- A taken e-mail address ----------------------------------------------------------------


def test_a_taken_email_creates_the_account_and_says_exactly_what_a_free_one_says(owner, mailoutbox):
    free, taken = Client(), Client()
    free_response = free.post(SIGNUP, DATA)
    taken_response = taken.post(SIGNUP, {**DATA, "username": "ada2", "email": "GRACE@example.org"})

    assert free_response.status_code == taken_response.status_code == 302
    assert free_response["Location"] == taken_response["Location"] == "/dashboard/"
    assert page_text(free, free_response).replace("ada@example.org", "X") == page_text(
        taken, taken_response
    ).replace("GRACE@example.org", "X")
    newcomer = User.objects.get(username="ada2")
    assert newcomer.email == ""
    assert newcomer.learner_profile.unconfirmed_email == "GRACE@example.org"
    owner.refresh_from_db()
    assert owner.email == "grace@example.org"


def test_the_owner_of_a_taken_address_is_told_instead_and_gets_no_confirmation_link(
    owner, mailoutbox
):
    Client().post(SIGNUP, {**DATA, "email": "grace@example.org"})

    [message] = mailoutbox
    assert message.to == ["grace@example.org"]
    assert "Someone tried to sign up" in message.subject
    assert "log in as Grace" in message.body
    assert "/account/password/reset/" in message.body
    assert "/account/email/confirm/" not in message.body


def test_a_free_address_gets_a_link_that_confirms_it_with_a_post(mailoutbox):
    client = Client()
    client.post(SIGNUP, DATA)
    [message] = mailoutbox
    assert message.to == ["ada@example.org"]
    link = link_in(message)

    page = client.get(link)  # a mail scanner opening the link changes nothing
    assert page.status_code == 200
    assert "ada@example.org" in page.content.decode()
    assert User.objects.get(username="ada").email == ""

    response = client.post(link)

    assert response.status_code == 302
    user = User.objects.get(username="ada")
    assert user.email == "ada@example.org"
    assert user.learner_profile.unconfirmed_email == ""
    assert client.post(link).status_code == 400  # used once


def test_a_confirmation_link_for_an_address_someone_else_confirmed_since_is_refused(mailoutbox):
    Client().post(SIGNUP, DATA)
    link = link_in(mailoutbox[0])
    UserFactory(username="quick", email="ADA@example.org")

    response = Client().post(link)

    assert response.status_code == 400
    assert "Another account has confirmed this address" in response.content.decode()
    assert User.objects.get(username="ada").email == ""


@pytest.mark.parametrize("tamper", ["garbage", "user", "expired"])
def test_a_forged_or_expired_confirmation_link_is_refused_and_changes_nothing(
    tamper, mailoutbox, monkeypatch
):
    Client().post(SIGNUP, DATA)
    ada = User.objects.get(username="ada")
    other = UserFactory(username="mallory", email="")
    LearnerProfile.objects.create(user=other, unconfirmed_email="ada@example.org")
    token = {
        "garbage": "not-a-token",
        # A token signed for another account cannot be made without the secret key.
        "user": confirmation_token(ada, "ada@example.org")[:-3] + "AAA",
        "expired": confirmation_token(ada, "ada@example.org"),
    }[tamper]
    if tamper == "expired":
        real_loads = signing.loads
        monkeypatch.setattr(
            signing,
            "loads",
            lambda *a, **kw: real_loads(*a, **{**kw, "max_age": -CONFIRM_MAX_AGE}),
        )

    emails = dict(User.objects.values_list("username", "email"))

    response = Client().post(f"/account/email/confirm/{token}/")

    assert response.status_code == 400
    assert dict(User.objects.values_list("username", "email")) == emails
    assert emails["ada"] == ""


# --- A taken username ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        {"password2": "Votes count in 2027!"},
        {"password1": "short1", "password2": "short1"},
        {"email": "not-an-address"},
        {"time_zone": "Mars/Olympus_Mons"},
    ],
    ids=["mismatch", "weak", "email", "zone"],
)
def test_a_taken_username_is_not_mentioned_while_the_rest_of_the_form_is_wrong(owner, change):
    taken = Client().post(SIGNUP, {**DATA, "username": "grace", **change})
    free = Client().post(SIGNUP, {**DATA, "username": "nobody", **change})

    assert taken.status_code == free.status_code == 400
    for response in (taken, free):
        html = response.content.decode()
        assert "taken" not in html and "already exists" not in html
    assert User.objects.count() == 1


def test_a_taken_username_is_reported_once_the_rest_is_valid_in_any_case(owner):
    response = Client().post(SIGNUP, {**DATA, "username": "GRACE"})

    assert response.status_code == 400
    assert "That username is taken. Choose another one." in response.content.decode()
    assert User.objects.count() == 1
    assert not LearnerProfile.objects.exists()


def test_taken_username_answers_are_rationed_per_address_like_failed_log_ins(settings):
    names = [f"taken{n}" for n in range(settings.AXES_FAILURE_LIMIT + 1)]
    for name in names:
        UserFactory(username=name)
    prober = Client(REMOTE_ADDR="203.0.113.9")

    statuses = [prober.post(SIGNUP, {**DATA, "username": name}).status_code for name in names]

    assert statuses == [400] * settings.AXES_FAILURE_LIMIT + [429]
    paused = prober.post(SIGNUP, {**DATA, "username": "free-name"})
    assert paused.status_code == 429  # no answer at all from here for a while, taken or not
    assert "taken" not in paused.content.decode()
    assert not User.objects.filter(username="free-name").exists()
    # Another address is not held back.
    assert Client(REMOTE_ADDR="198.51.100.7").post(SIGNUP, DATA).status_code == 302


def test_a_username_locked_out_of_logging_in_is_not_reported_from_that_address(owner, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        Client().post("/account/login/", {"username": "Grace", "password": "wrong"})
    assert AccessAttempt.objects.filter(username="Grace").exists()

    response = Client().post(SIGNUP, {**DATA, "username": "Grace"})

    assert response.status_code == 429
    assert "taken" not in response.content.decode()
