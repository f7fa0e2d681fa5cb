"""The log-in backend: Django's model backend behind django-axes' failure throttle."""

from axes.backends import AxesStandaloneBackend


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' lockout check for web logins.

    Web logins always pass the request (Django's login form does). A call without one — a
    management command, the test client's ``login()`` — is not a web login attempt, so it is
    left to the next backend instead of raising as django-axes does by default.
    """

    def authenticate(self, request=None, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
