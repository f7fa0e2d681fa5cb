"""The accounts app's configuration."""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Sign-up, log-in, adoption of anonymous work, data export and account deletion."""

    name = "civics.accounts"
    label = "accounts"
    verbose_name = "Accounts"
