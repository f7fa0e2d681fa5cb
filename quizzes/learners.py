"""Who is taking a quiz: an account, or an anonymous visitor known by a token kept in the
session (civics.accounts adopts that token's attempts at sign-up)."""

from quizzes import services

TOKEN_KEY = "learner_token"


def learner_token(request, *, create: bool = False) -> str:
    """The anonymous learner's token, kept in the session (it survives login's key cycling)."""
    token = request.session.get(TOKEN_KEY, "")
    if not token and create:
        token = request.session[TOKEN_KEY] = services.new_token()
    return token
