"""`manage.py create_educator`: a staff account in the Educators group, its password read from
the environment (scripts) or prompted twice; every refusal creates nothing."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

User = get_user_model()
STRONG = "Civic-duty stripes 42"
ENV = "CIVICPATH_EDUCATOR_PASSWORD"


@pytest.fixture(autouse=True)
def _no_password_in_the_environment(monkeypatch):
    monkeypatch.delenv(ENV, raising=False)


@pytest.fixture
def prompts(monkeypatch):
    """Answers typed at the getpass prompts, in order; records each prompt shown."""
    shown: list[str] = []
    answers: list[str] = []

    def fake_getpass(prompt="Password: "):
        shown.append(prompt)
        return answers.pop(0)

    monkeypatch.setattr("getpass.getpass", fake_getpass)
    return answers, shown


def create(*args, **kwargs) -> str:
    out = io.StringIO()
    call_command("create_educator", *args, stdout=out, stderr=io.StringIO(), **kwargs)
    return out.getvalue()


def test_password_from_the_environment_makes_a_staff_account_in_the_educators_group(
    monkeypatch, prompts
):
    monkeypatch.setenv(ENV, STRONG)

    out = create("ms-rivera", email="rivera@example.org")

    user = User.objects.get(username="ms-rivera")
    assert user.email == "rivera@example.org"
    assert user.is_staff and user.is_active
    assert not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == ["Educators"]
    assert user.check_password(STRONG)
    assert "ms-rivera" in out
    assert prompts[1] == []  # never prompted when the variable is set


def test_password_is_prompted_twice_when_the_environment_has_none(prompts):
    answers, shown = prompts
    answers.extend([STRONG, STRONG])

    create("mr-okafor", email="okafor@example.org")

    user = User.objects.get(username="mr-okafor")
    assert user.check_password(STRONG)
    assert user.groups.filter(name="Educators").exists()
    assert len(shown) == 2


def test_the_new_educator_can_open_the_admin_but_not_the_user_list(client, monkeypatch):
    monkeypatch.setenv(ENV, STRONG)
    create("ms-rivera", email="rivera@example.org")
    client.force_login(User.objects.get(username="ms-rivera"))

    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/quizzes/question/").status_code == 200
    assert client.get("/admin/auth/user/").status_code == 403


def test_mismatched_prompted_passwords_are_refused_and_create_nothing(prompts):
    prompts[0].extend([STRONG, STRONG + "!"])

    with pytest.raises(CommandError, match="do not match"):
        create("mr-okafor", email="okafor@example.org")

    assert not User.objects.filter(username="mr-okafor").exists()


def test_an_interrupted_prompt_is_refused_and_creates_nothing(monkeypatch):
    def interrupted(prompt=""):
        raise EOFError

    monkeypatch.setattr("getpass.getpass", interrupted)

    with pytest.raises(CommandError, match=ENV):
        create("mr-okafor", email="okafor@example.org")

    assert not User.objects.filter(username="mr-okafor").exists()


@pytest.mark.parametrize(
    ("password", "says"),
    [
        ("short1", "too short"),
        ("password123", "too common"),
        ("8473920175", "entirely numeric"),
        ("ms-rivera-2025", "too similar"),
    ],
)
def test_a_weak_password_is_refused_with_the_validators_message_and_creates_nothing(
    monkeypatch, password, says
):
    monkeypatch.setenv(ENV, password)

    with pytest.raises(CommandError, match=says):
        create("ms-rivera", email="rivera@example.org")

    assert not User.objects.filter(username="ms-rivera").exists()


def test_a_weak_prompted_password_is_refused_too(prompts):
    prompts[0].extend(["abc", "abc"])

    with pytest.raises(CommandError, match="too short"):
        create("mr-okafor", email="okafor@example.org")

    assert not User.objects.filter(username="mr-okafor").exists()


def test_an_existing_username_is_refused_and_the_account_is_left_alone(monkeypatch):
    learner = UserFactory(username="taken", email="learner@example.org")
    monkeypatch.setenv(ENV, STRONG)

    with pytest.raises(CommandError, match="already exists"):
        create("taken", email="other@example.org")

    learner.refresh_from_db()
    assert not learner.is_staff
    assert learner.email == "learner@example.org"
    assert not learner.groups.exists()
    assert User.objects.count() == 1


def test_an_invalid_email_is_refused_and_creates_nothing(monkeypatch):
    monkeypatch.setenv(ENV, STRONG)

    with pytest.raises(CommandError, match="valid email"):
        create("ms-rivera", email="not-an-address")

    assert not User.objects.exists()


def test_a_missing_educators_group_is_named_and_creates_nothing(monkeypatch):
    Group.objects.filter(name="Educators").delete()
    monkeypatch.setenv(ENV, STRONG)

    with pytest.raises(CommandError, match="Educators group is missing"):
        create("ms-rivera", email="rivera@example.org")

    assert not User.objects.exists()


def test_the_email_is_required():
    with pytest.raises(CommandError, match="--email"):
        create("ms-rivera")
