"""Accounts: sign up, log in (adopting what was done anonymously), settings, data export and
account deletion. Password change and reset are Django's own views (templates/registration/)."""

import io
import json
import zipfile
import zoneinfo
from datetime import timedelta

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_ip_address
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm, UserCreationForm
from django.core import signing
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_safe

from civics.accounts.services import adopt_anonymous_progress
from civics.accounts.templatetags.accounts_tags import duration_in_words
from civics.lib.csvsafe import csv_safe, csv_text  # noqa: F401 — csv_safe is part of this module's API
from civics.progress.models import ActionTick, LearnerProfile, LessonRead
from civics.progress.services import SESSION_TICKS
from quizzes.learners import TOKEN_KEY
from quizzes.models import Answer, Attempt, ReviewItem
from quizzes.question_types import question_type
from quizzes.stats_queries import forget as forget_statistics

# Current zone names by region (no "US/…", "Etc/GMT+5" with its inverted sign, and the like).
_REGIONS = ("Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia",
            "Europe", "Indian", "Pacific")  # fmt: skip
TIME_ZONES = ["UTC"] + sorted(
    name for name in zoneinfo.available_timezones() if name.split("/", 1)[0] in _REGIONS
)


class TimeZoneField(forms.ChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault(
            "help_text", gettext_lazy("Your day starts at midnight here; it counts your streak.")
        )
        super().__init__(
            choices=[(name, name.replace("_", " ")) for name in TIME_ZONES],
            label=gettext_lazy("Time zone"),
            **kwargs,
        )


PASSWORD_HELP = gettext_lazy(
    "At least 8 characters, not only digits, not a common one. A short phrase works well."
)


class SignUpForm(UserCreationForm):
    """Django's sign-up form, told nothing about other accounts.

    Whether a username is taken is said only once the rest of the form is valid, and behind a
    throttle (`signup`); whether an e-mail address is taken is never said: the address waits
    on the learner's profile until its owner confirms it (`_send_address_mail`).
    """

    email = forms.EmailField(
        label=gettext_lazy("E-mail (optional)"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=gettext_lazy(
            "Only for resetting a forgotten password: without one, a reset is impossible. "
            "We send a link to confirm it."
        ),
    )
    # The browser's own zone is chosen by accounts/time-zone.js; without JavaScript, UTC.
    time_zone = TimeZoneField(initial="UTC")

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "email")
        labels = {"username": gettext_lazy("Username")}
        help_texts = {"username": gettext_lazy("The name you log in with. No spaces.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:  # a fresh form: accounts/time-zone.js may pick the browser's zone
            self.fields["time_zone"].widget.attrs["data-browser-time-zone"] = ""
        self.fields["username"].widget.attrs.update(autocomplete="username", autocapitalize="none")
        self.fields["password1"].help_text = PASSWORD_HELP
        self.fields["password2"].label = gettext_lazy("Password again")
        self.fields["password2"].help_text = ""

    def clean_username(self):
        return self.cleaned_data.get("username")

    def validate_unique(self):
        """Nothing here: the view asks `username_taken` once the rest is valid."""

    def username_taken(self) -> bool:
        username = self.cleaned_data["username"]
        return get_user_model().objects.filter(username__iexact=username).exists()


class _ShortPasswordHelp:
    """Django's password forms with the sign-up form's short help instead of its rule list."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = PASSWORD_HELP
        self.fields["new_password2"].label = gettext_lazy("New password again")
        self.fields["new_password2"].help_text = ""


class NewPasswordForm(_ShortPasswordHelp, SetPasswordForm):
    """The form behind a password reset link."""


class ChangePasswordForm(_ShortPasswordHelp, PasswordChangeForm):
    """The account page's password change."""


class SettingsForm(forms.ModelForm):
    time_zone = TimeZoneField()

    class Meta:
        model = LearnerProfile
        fields = ["time_zone"]


class EmailForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("E-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=gettext_lazy(
            "Needed to reset a forgotten password. We send a link to confirm it first."
        ),
    )


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=gettext_lazy("Type your password to confirm. This cannot be undone."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your password. Nothing was deleted."))
        return password


def _adopt(request, user) -> None:
    """Move this browser's anonymous attempts and ticks to ``user`` and say so."""
    token = request.session.pop(TOKEN_KEY, "")
    ticks = request.session.pop(SESSION_TICKS, {})
    if not token and not ticks:
        return
    moved = adopt_anonymous_progress(
        user=user, token=token, session_ticks=ticks, now=timezone.now()
    )
    if moved["attempts"] or moved["ticks"]:
        messages.success(
            request,
            _(
                "Saved to your account: %(attempts)s quiz attempt(s) and %(ticks)s checklist "
                "tick(s) from before you signed in."
            )
            % {"attempts": moved["attempts"], "ticks": moved["ticks"]},
        )
    if moved["closed"]:
        messages.warning(
            request,
            ngettext(
                "One attempt would have gone past its quiz's attempt limit, so it is kept in "
                "your history but closed.",
                "%(count)s attempts would have gone past their quizzes' attempt limits, so "
                "they are kept in your history but closed.",
                moved["closed"],
            )
            % {"count": moved["closed"]},
        )


@require_http_methods(["GET", "HEAD", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("civics:dashboard")
    form = SignUpForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if _probing_paused(request, form.cleaned_data["username"]):
            return render(
                request,
                "registration/signup_paused.html",
                {"cooloff": settings.AXES_COOLOFF_TIME},
                status=429,
            )
        user = None
        if not form.username_taken():
            user = _create_account(form)
        if user is None:  # taken, perhaps by a sign-up a moment ago
            _count_probe(request)
            form.add_error("username", _("That username is taken. Choose another one."))
            return render(request, "registration/signup.html", {"form": form}, status=400)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        _adopt(request, user)
        if email := form.cleaned_data["email"]:
            _send_address_mail(request, user, email)
            welcome = _(
                "Welcome to CivicPath! Your progress is now kept in your account. We sent a "
                "link to %(email)s: open it to confirm the address."
            ) % {"email": email}
        else:
            welcome = _(
                "Welcome to CivicPath! Your progress is now kept in your account. Without an "
                "e-mail address a forgotten password cannot be reset: you can add one on your "
                "account page."
            )
        messages.success(request, welcome)
        return redirect("civics:dashboard")
    return render(
        request, "registration/signup.html", {"form": form}, status=400 if form.errors else 200
    )


def _create_account(form: SignUpForm):
    """The new account, or None when the username was taken in the meantime."""
    try:
        with transaction.atomic():
            user = form.save(commit=False)
            user.email = ""  # until its owner confirms it
            user.save()
            LearnerProfile.objects.create(
                user=user,
                time_zone=form.cleaned_data["time_zone"],
                unconfirmed_email=form.cleaned_data["email"],
            )
    except IntegrityError:
        return None
    return user


# Telling a sign-up that its username is taken tells it that the account exists, so those
# answers are rationed like failed log-ins: AXES_FAILURE_LIMIT per address per cool-off, and
# never for a username and address that django-axes has locked out of logging in.
def _probe_key(request) -> str:
    return f"signup-taken:{get_client_ip_address(request)}"


def _probing_paused(request, username: str) -> bool:
    if not AxesProxyHandler.is_allowed(request, {"username": username}):
        return True
    return cache.get(_probe_key(request), 0) >= settings.AXES_FAILURE_LIMIT


def _count_probe(request) -> None:
    key = _probe_key(request)
    cache.add(key, 0, timeout=int(settings.AXES_COOLOFF_TIME.total_seconds()))
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=int(settings.AXES_COOLOFF_TIME.total_seconds()))


def _may_mail_an_address(user) -> bool:
    """Count one more address mail for this account: AXES_FAILURE_LIMIT per cool-off, so the
    account page cannot be used to flood an inbox."""
    key = f"address-mail:{user.pk}"
    timeout = int(settings.AXES_COOLOFF_TIME.total_seconds())
    cache.add(key, 0, timeout=timeout)
    try:
        sent = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=timeout)
        sent = 1
    return sent <= settings.AXES_FAILURE_LIMIT


# --- Confirming an e-mail address ----------------------------------------------------------
CONFIRM_SALT = "civicpath.accounts.confirm-email"
CONFIRM_MAX_AGE = timedelta(days=3)


def confirmation_token(user, email: str) -> str:
    return signing.dumps({"user": user.pk, "email": email}, salt=CONFIRM_SALT)


def _send_address_mail(request, user, email: str) -> None:
    """Mail the address given at sign-up: a link to confirm it, or, when another account
    already has it, a note to that account's owner. The page says the same either way."""
    owner = get_user_model().objects.filter(email__iexact=email).exclude(pk=user.pk).first()
    context = {
        "site": request.build_absolute_uri("/"),
        "email": email,
        "owner": owner,
        "login_url": request.build_absolute_uri(reverse("login")),
        "reset_url": request.build_absolute_uri(reverse("password_reset")),
        "confirm_url": request.build_absolute_uri(
            reverse("email_confirm", args=[confirmation_token(user, email)])
        ),
        "days": CONFIRM_MAX_AGE.days,
    }
    name = "signup_with_your_address" if owner else "confirm_email"
    subject = render_to_string(f"registration/emails/{name}_subject.txt", context)
    body = render_to_string(f"registration/emails/{name}.txt", context)
    send_mail(" ".join(subject.split()), body, None, [email])


@require_http_methods(["GET", "HEAD", "POST"])
def confirm_email(request, token):
    """GET shows the address and a button (mail scanners open links); POST confirms it."""
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
        profile = LearnerProfile.objects.select_related("user").get(
            user_id=int(data["user"]), unconfirmed_email=str(data["email"])
        )
    except signing.SignatureExpired:
        return _confirm_refused(request, _("This link has expired. Sign in and ask for a new one."))
    except (signing.BadSignature, LearnerProfile.DoesNotExist, KeyError, TypeError, ValueError):
        return _confirm_refused(
            request, _("This link is not valid any more: it was mistyped or has been replaced.")
        )
    email = profile.unconfirmed_email
    if request.method == "POST":
        User = get_user_model()
        with transaction.atomic():
            if User.objects.filter(email__iexact=email).exclude(pk=profile.user_id).exists():
                return _confirm_refused(
                    request, _("Another account has confirmed this address in the meantime.")
                )
            User.objects.filter(pk=profile.user_id).update(email=email)
            LearnerProfile.objects.filter(pk=profile.pk).update(unconfirmed_email="")
        messages.success(
            request, _("Your e-mail address %(email)s is confirmed.") % {"email": email}
        )
        return redirect("account" if request.user.is_authenticated else "civics:home")
    return render(request, "registration/confirm_email.html", {"email": email})


def _confirm_refused(request, reason: str):
    return render(request, "registration/confirm_email.html", {"error": reason}, status=400)


class LoginView(auth_views.LoginView):
    """Django's login, plus adoption of what this browser did before logging in."""

    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        _adopt(self.request, form.get_user())
        return response

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def account(request):
    profile, _created = LearnerProfile.objects.get_or_create(user=request.user)
    form = SettingsForm(request.POST if request.method == "POST" else None, instance=profile)
    context = {"form": form, "email_form": EmailForm(), "profile": profile}
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, _("Your settings are saved."))
            return redirect("account")
        return render(request, "registration/account.html", context, status=400)
    return render(request, "registration/account.html", context)


@login_required
@require_http_methods(["POST"])
def change_email(request):
    """Give an address (first or new) to confirm: it waits on the profile, and the mail goes
    out under the same rule as at sign-up, so the page never says whether it is taken."""
    profile, _created = LearnerProfile.objects.get_or_create(user=request.user)
    email_form = EmailForm(request.POST)
    if not email_form.is_valid():
        context = {"form": SettingsForm(instance=profile), "email_form": email_form,
                   "profile": profile}  # fmt: skip
        return render(request, "registration/account.html", context, status=400)
    if not _may_mail_an_address(request.user):
        email_form.add_error(
            "email",
            _("You asked for several links in a short time. Try again in %(wait)s.")
            % {"wait": duration_in_words(settings.AXES_COOLOFF_TIME)},
        )
        context = {"form": SettingsForm(instance=profile), "email_form": email_form,
                   "profile": profile}  # fmt: skip
        return render(request, "registration/account.html", context, status=429)
    email = email_form.cleaned_data["email"]
    LearnerProfile.objects.filter(pk=profile.pk).update(unconfirmed_email=email)
    _send_address_mail(request, request.user, email)
    messages.success(
        request,
        _("We sent a link to %(email)s: open it to confirm the address.") % {"email": email},
    )
    return redirect("account")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def delete_account(request):
    form = DeleteAccountForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            user = request.user
            quiz_ids = list(user.attempts.values_list("quiz_id", flat=True).distinct())
            logout(request)
            with transaction.atomic():
                # Attempts, answers, ticks, reads, review items and the profile cascade; the
                # login records django-axes keeps under the username go too.
                AccessAttempt.objects.filter(username=user.username).delete()
                AccessLog.objects.filter(username=user.username).delete()
                AccessFailureLog.objects.filter(username=user.username).delete()
                user.delete()
            forget_statistics(quiz_ids)  # their answers no longer count
            messages.success(request, _("Your account and all of its data have been deleted."))
            return redirect("civics:home")
        return render(request, "registration/delete_account.html", {"form": form}, status=400)
    return render(request, "registration/delete_account.html", {"form": form})


# --- Data export -------------------------------------------------------------------------


def export_rows(user) -> dict[str, tuple[list[str], list[list]]]:
    """Every row of the learner's own data, as tables (a fixed number of queries)."""
    attempts = Attempt.objects.filter(user=user).select_related("quiz").order_by("started_at")
    answers = (
        Answer.objects.filter(attempt__user=user)
        .select_related("question")
        .prefetch_related("choices", "matches__pair")
        .order_by("answered_at", "pk")
    )
    ticks = ActionTick.objects.filter(user=user).select_related("action__lesson")
    reviews = ReviewItem.objects.filter(user=user).select_related("question")
    return {
        "attempts": (
            ["id", "quiz", "mode", "state", "started_at", "finished_at", "deadline"],
            [
                [a.pk, a.quiz.slug, a.mode, a.state, a.started_at, a.finished_at, a.deadline]
                for a in attempts
            ],
        ),
        "answers": (
            ["attempt", "question", "given", "points", "correct", "answered_at"],
            [
                [
                    a.attempt_id,
                    a.question.title or a.question.prompt[:80],
                    _given_text(a),
                    a.points,
                    a.is_correct,
                    a.answered_at,
                ]
                for a in answers
            ],
        ),
        "checklist": (
            ["lesson", "action", "note", "ticked_at"],
            [[t.action.lesson.slug, t.action.text, t.note, t.ticked_at] for t in ticks],
        ),
        "lesson_reads": (
            ["lesson", "read_at"],
            [
                [r.lesson.slug, r.read_at]
                for r in LessonRead.objects.filter(user=user).select_related("lesson")
            ],
        ),
        "review_queue": (
            ["question", "box", "due_at"],
            [[r.question.title or r.question.prompt[:80], r.box, r.due_at] for r in reviews],
        ),
    }


def _given_text(answer) -> str:
    return "; ".join(question_type(answer.question.type).given_text(answer))


@login_required
@require_safe
def export_data(request):
    user = request.user
    tables = export_rows(user)
    profile = LearnerProfile.objects.filter(user=user).first()
    document = {
        "account": {
            "username": user.username,
            "email": user.email,
            "unconfirmed_email": profile.unconfirmed_email if profile else "",
            "date_joined": user.date_joined.isoformat(),
            "time_zone": profile.time_zone if profile else "UTC",
        },
        **{
            name: [dict(zip(header, row, strict=True)) for row in rows]
            for name, (header, rows) in tables.items()
        },
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("civicpath.json", json.dumps(document, indent=2, default=str))
        for name, (header, rows) in tables.items():
            archive.writestr(f"{name}.csv", csv_text(header, rows))
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="civicpath-{user.username}-{stamp}.zip"'
    )
    return response
