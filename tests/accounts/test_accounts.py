"""Accounts: sign-up, log in and out, password change and reset, settings, and the django-axes
login throttle with its admin. Export and deletion are in tests/test_privacy.py."""

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client
from django.utils import timezone

from civics.progress.models import LearnerProfile
from tests.factories import StaffUserFactory, UserFactory

pytestmark = pytest.mark.django_db

User = get_user_model()
PASSWORD = "correct horse battery staple"  # UserFactory's
NEW_PASSWORD = "a brand new passphrase 2025"
LOGIN, SIGNUP, LOGOUT = "/account/login/", "/account/signup/", "/account/logout/"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2 at Django's default cost takes ~0.25 s a hash; these tests hash on every log-in.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def signed_in_user_id(client) -> str | None:
    return client.session.get("_auth_user_id")


def without_tokens(html: str) -> str:
    """The page with its per-response CSRF tokens blanked, so two renders can be compared."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "csrf", html)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "csrf", html)


def log_in(client, username, password=PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


# --- Sign up -----------------------------------------------------------------------------

SIGNUP_DATA = {
    "username": "ada",
    "email": "ada@example.org",
    "time_zone": "America/Phoenix",
    "password1": "Votes count in 2026!",
    "password2": "Votes count in 2026!",
}


def test_signup_page_asks_for_email_and_time_zone(client):
    html = client.get(SIGNUP).content.decode()

    assert 'name="email"' in html
    assert '<option value="America/Phoenix">America/Phoenix</option>' in html
    assert '<option value="UTC" selected>UTC</option>' in html


def test_signup_creates_the_account_with_its_time_zone_logs_in_and_opens_the_dashboard(
    client, mailoutbox
):
    response = client.post(SIGNUP, SIGNUP_DATA)

    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    user = User.objects.get()
    # The address waits on the profile until its owner confirms it (see test_signup_privacy).
    assert (user.username, user.email) == ("ada", "")
    assert user.check_password("Votes count in 2026!")
    profile = LearnerProfile.objects.get(user=user)
    assert (profile.time_zone, profile.unconfirmed_email) == ("America/Phoenix", "ada@example.org")
    assert [m.to for m in mailoutbox] == [["ada@example.org"]]
    assert signed_in_user_id(client) == str(user.pk)
    dashboard = client.get("/dashboard/")
    assert dashboard.status_code == 200
    assert "Welcome to CivicPath!" in dashboard.content.decode()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"password1": "short1", "password2": "short1"}, "This password is too short."),
        ({"password1": "password123", "password2": "password123"}, "too common"),
        ({"password1": "40917362851", "password2": "40917362851"}, "entirely numeric"),
        ({"password1": "ada-example-org", "password2": "ada-example-org"}, "too similar"),
        ({"password2": "Votes count in 2027!"}, "didn’t match"),
        ({"email": "not-an-address"}, "Enter a valid email address."),
        ({"time_zone": "Mars/Olympus_Mons"}, "Select a valid choice."),
        ({"username": ""}, "This field is required."),
    ],
    ids=[
        "too-short",
        "too-common",
        "numeric",
        "like-username",
        "mismatch",
        "bad-email",
        "bad-zone",
        "no-username",
    ],
)
def test_bad_signup_is_refused_with_a_message_and_saves_nothing(client, change, message):
    response = client.post(SIGNUP, {**SIGNUP_DATA, **change})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not User.objects.exists()
    assert not LearnerProfile.objects.exists()
    assert signed_in_user_id(client) is None


def test_signup_without_an_email_creates_the_account_and_says_a_reset_needs_one(client, mailoutbox):
    response = client.post(SIGNUP, {**SIGNUP_DATA, "email": ""})

    assert response.status_code == 302
    user = User.objects.get()
    assert (user.username, user.email) == ("ada", "")
    assert LearnerProfile.objects.get(user=user).unconfirmed_email == ""
    assert mailoutbox == []
    dashboard = client.get(response["Location"]).content.decode()
    assert "Without an e-mail address a forgotten password cannot be reset" in dashboard


def test_signup_with_nothing_posted_is_refused_as_bad_input(client):
    response = client.post(SIGNUP, {})

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not User.objects.exists()


def test_signed_in_learner_visiting_signup_goes_to_the_dashboard(client):
    client.force_login(UserFactory())

    assert client.get(SIGNUP)["Location"] == "/dashboard/"


# --- Log in and out ----------------------------------------------------------------------


def test_login_with_the_right_password_signs_in_and_opens_the_dashboard(client):
    user = UserFactory()

    response = log_in(client, user.username)

    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    assert signed_in_user_id(client) == str(user.pk)


def test_login_follows_a_safe_next_url_but_not_an_external_one(client):
    user = UserFactory()

    inside = client.post(
        LOGIN, {"username": user.username, "password": PASSWORD, "next": "/account/"}
    )
    client.post(LOGOUT)
    outside = client.post(
        LOGIN, {"username": user.username, "password": PASSWORD, "next": "https://evil.example/"}
    )

    assert inside["Location"] == "/account/"
    assert outside["Location"] == "/dashboard/"


def test_failed_login_looks_the_same_for_an_unknown_username_and_a_wrong_password(client):
    UserFactory(username="known")

    wrong_password = log_in(client, "known", "not the password")
    unknown_user = log_in(Client(), "nobody", "not the password")

    assert wrong_password.status_code == unknown_user.status_code == 400
    first = without_tokens(wrong_password.content.decode()).replace("known", "NAME")
    second = without_tokens(unknown_user.content.decode()).replace("nobody", "NAME")
    assert first == second
    assert "Please enter a correct username and password." in first
    assert signed_in_user_id(client) is None


def test_logout_is_post_only(client):
    user = UserFactory()
    client.force_login(user)

    refused = client.get(LOGOUT)

    assert refused.status_code == 405
    assert signed_in_user_id(client) == str(user.pk)

    response = client.post(LOGOUT)

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert signed_in_user_id(client) is None


# --- Password change and reset -----------------------------------------------------------


def test_password_change_needs_a_login(client):
    response = client.get("/account/password/")

    assert response.status_code == 302
    assert response["Location"] == "/account/login/?next=/account/password/"


def test_password_change_with_the_old_password_keeps_the_learner_signed_in(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        "/account/password/",
        {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    assert response.status_code == 302
    assert response["Location"] == "/account/password/done/"
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert client.get("/account/password/done/").status_code == 200
    assert signed_in_user_id(client) == str(user.pk)


def test_password_change_with_a_wrong_old_password_changes_nothing(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        "/account/password/",
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert "Your old password was entered incorrectly." in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_change_rejects_a_weak_new_password(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )

    assert "This password is too common." in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_reset_answers_the_same_for_a_known_and_an_unknown_email(client):
    UserFactory(email="known@example.org")

    known = client.post("/account/password/reset/", {"email": "known@example.org"})
    unknown = Client().post("/account/password/reset/", {"email": "nobody@example.org"})

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == "/account/password/reset/sent/"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["known@example.org"]
    sent = client.get(known["Location"])
    assert sent.status_code == 200
    assert without_tokens(sent.content.decode()) == without_tokens(
        Client().get(unknown["Location"]).content.decode()
    )


def test_password_reset_link_sets_a_new_password_once(client):
    user = UserFactory(email="known@example.org")
    client.post("/account/password/reset/", {"email": "known@example.org"})
    link = re.search(r"https?://[^/]+(/account/password/reset/\S+/\S+/)", mail.outbox[0].body)
    assert link, mail.outbox[0].body

    form_page = client.get(link.group(1))  # Django swaps the token for a session marker
    assert form_page.status_code == 302
    response = client.post(
        form_page["Location"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == "/account/password/reset/complete/"
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    used_again = Client().get(link.group(1), follow=True)
    assert "This reset link is no longer valid" in used_again.content.decode()


# --- Settings ----------------------------------------------------------------------------


def test_account_settings_change_the_time_zone(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post("/account/", {"time_zone": "Europe/Paris"})

    assert response.status_code == 302
    assert LearnerProfile.objects.get(user=user).time_zone == "Europe/Paris"


def test_account_settings_refuse_an_unknown_time_zone(client):
    user = UserFactory()
    LearnerProfile.objects.create(user=user, time_zone="UTC")
    client.force_login(user)

    response = client.post("/account/", {"time_zone": "Nowhere/Land"})

    assert response.status_code == 400
    assert LearnerProfile.objects.get(user=user).time_zone == "UTC"


# --- Login throttling (django-axes) ------------------------------------------------------


def fail_five_times(client, username, ip="10.0.0.1"):
    statuses = [
        log_in(client, username, f"wrong {n}", REMOTE_ADDR=ip).status_code for n in range(5)
    ]
    # The fifth failure reaches the limit: that response already says the login is locked.
    assert statuses == [400, 400, 400, 400, 429]


def test_five_wrong_passwords_lock_the_username_out_even_with_the_right_password(client):
    user = UserFactory()
    fail_five_times(client, user.username)

    response = log_in(client, user.username, REMOTE_ADDR="10.0.0.1")

    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many failed log-in attempts" in html
    assert "paused for 15 minutes." in html  # in words, not "0:15:00"
    assert signed_in_user_id(client) is None


def test_a_lockout_looks_the_same_for_an_unknown_username(client):
    UserFactory(username="known")
    fail_five_times(client, "known")
    stranger = Client()
    fail_five_times(stranger, "nobody")

    known = log_in(client, "known", REMOTE_ADDR="10.0.0.1")
    unknown = log_in(stranger, "nobody", REMOTE_ADDR="10.0.0.1")

    assert known.status_code == unknown.status_code == 429
    assert without_tokens(known.content.decode()) == without_tokens(unknown.content.decode())


def test_four_wrong_passwords_do_not_lock_the_username_out(client):
    user = UserFactory()
    for n in range(4):
        log_in(client, user.username, f"wrong {n}", REMOTE_ADDR="10.0.0.1")

    response = log_in(client, user.username, REMOTE_ADDR="10.0.0.1")

    assert response.status_code == 302
    assert signed_in_user_id(client) == str(user.pk)


def test_a_lockout_leaves_other_usernames_and_other_addresses_alone(client):
    locked, other = UserFactory(), UserFactory()
    fail_five_times(client, locked.username)

    same_address = log_in(Client(), other.username, REMOTE_ADDR="10.0.0.1")
    other_address = log_in(Client(), locked.username, REMOTE_ADDR="10.0.0.2")

    assert same_address.status_code == 302
    assert other_address.status_code == 302


def test_login_works_again_once_the_cool_off_has_passed(client, settings):
    user = UserFactory()
    fail_five_times(client, user.username)
    cool_off = settings.AXES_COOLOFF_TIME
    assert cool_off == timedelta(minutes=15)

    AccessAttempt.objects.update(attempt_time=timezone.now() - cool_off + timedelta(minutes=1))
    assert log_in(client, user.username, REMOTE_ADDR="10.0.0.1").status_code == 429

    AccessAttempt.objects.update(attempt_time=timezone.now() - cool_off - timedelta(seconds=1))
    response = log_in(client, user.username, REMOTE_ADDR="10.0.0.1")

    assert response.status_code == 302
    assert signed_in_user_id(client) == str(user.pk)


def educator():
    """A staff account in the Educators group, as `manage.py create_educator` makes."""
    user = StaffUserFactory()
    user.groups.add(Group.objects.get(name="Educators"))
    return user


@pytest.mark.parametrize(
    "make_staff",
    [lambda: User.objects.create_superuser("boss", "boss@example.org", "x"), educator],
    ids=["superuser", "educator"],
)
def test_staff_see_the_lockout_and_deleting_it_lets_the_learner_in(client, make_staff):
    user = UserFactory(username="locked-learner")
    fail_five_times(client, user.username)
    admin = Client()
    admin.force_login(make_staff())

    listing = admin.get("/admin/axes/accessattempt/")

    assert listing.status_code == 200
    assert "locked-learner" in listing.content.decode()
    attempt = AccessAttempt.objects.get(username="locked-learner")
    assert attempt.failures_since_start == 5

    deleted = admin.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})

    assert deleted.status_code == 302
    assert not AccessAttempt.objects.exists()
    assert log_in(client, user.username, REMOTE_ADDR="10.0.0.1").status_code == 302


def test_a_learner_cannot_open_the_lockout_admin(client):
    client.force_login(UserFactory())

    response = client.get("/admin/axes/accessattempt/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
