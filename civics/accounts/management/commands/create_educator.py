"""``create_educator``: a staff account in the Educators group, with a password from the
environment or prompted twice."""

import getpass
import os

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

PASSWORD_VARIABLE = "CIVICPATH_EDUCATOR_PASSWORD"


class Command(BaseCommand):
    help = (
        "Create a staff account in the Educators group. The password is prompted for, or read "
        f"from ${PASSWORD_VARIABLE} when set (for scripts)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", required=True)

    def handle(self, *args, username, email, **options):
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            raise CommandError(f"A user named {username!r} already exists.")
        group = Group.objects.filter(name="Educators").first()
        if group is None:
            raise CommandError("The Educators group is missing; run `manage.py migrate` first.")
        password = os.environ.get(PASSWORD_VARIABLE) or self._prompt()
        user = User(username=username, email=email, is_staff=True)
        try:
            User._meta.get_field("email").run_validators(email)
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        with transaction.atomic():
            user.set_password(password)
            user.save()
            user.groups.add(group)
        self.stdout.write(self.style.SUCCESS(f"Created educator {username!r} (staff, Educators)."))

    def _prompt(self) -> str:
        try:
            first = getpass.getpass("Password: ")
            second = getpass.getpass("Password (again): ")
        except (EOFError, KeyboardInterrupt):
            raise CommandError(
                f"No password given; type one or set ${PASSWORD_VARIABLE}."
            ) from None
        if first != second:
            raise CommandError("The passwords do not match.")
        return first
