"""The admin for quizzes and questions: per-type validation on save, GIFT import and export,
statistics, and results exports (learners' identities only with view_learner_results)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import slugify
from django.utils.translation import gettext

from civics.content import contentcache
from civics.lib.csvsafe import csv_text
from quizzes import gift_io
from quizzes.models import AcceptedAnswer, Attempt, Choice, MatchPair, NumericAnswer, Question, Quiz
from quizzes.scoring import score_percent
from quizzes.statistics import ItemSums, item_stats
from quizzes.stats_queries import item_sums, quiz_report
from quizzes.validation import Problem

SESSION_GIFT = "admin_gift_upload"
LEARNER_IDENTITIES = "quizzes.view_learner_results"


def learner_label(attempt: Attempt, *, identified: bool) -> str:
    """The learner column of a results export: the username for someone who may see learners'
    identities (`quizzes.view_learner_results`), otherwise a pseudonym.

    The pseudonym is "learner <account id>": the same in every report and every download, so
    rows can be followed across exports and over time, yet it names no one to an educator, who
    cannot see the user table. Anonymous attempts are "(anonymous)" either way. `attempt.user`
    is read only when identified, so a pseudonymous export need not load usernames at all.
    """
    if attempt.user_id is None:
        return gettext("(anonymous)")
    if identified:
        return attempt.user.username
    return gettext("learner %(number)d") % {"number": attempt.user_id}


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    fields = ["order", "title", "type", "is_published", "edit_link"]
    # Publishing goes through the question page or the bulk action, which validate first.
    readonly_fields = ["title", "type", "is_published", "edit_link"]
    show_change_link = False
    ordering = ["order", "pk"]

    def has_add_permission(self, request, obj=None):
        return False  # questions are written on their own page, with their answers inline

    @admin.display(description="")
    def edit_link(self, question):
        if not question.pk:
            return ""
        url = reverse("admin:quizzes_question_change", args=[question.pk])
        return format_html('<a href="{}">Edit question</a>', url)


class GiftUploadForm(forms.Form):
    file = forms.FileField(
        label="GIFT file", help_text="A .gift or .txt file in UTF-8, at most 1 MB."
    )
    skip_unsupported = forms.BooleanField(
        required=False, label="Skip unsupported items (essays, descriptions) instead of stopping"
    )
    publish = forms.BooleanField(required=False, label="Publish the imported questions at once")


@admin.register(Quiz)
class QuizAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "lesson",
        "mode",
        "pass_mark",
        "question_count_display",
        "is_published",
    ]
    list_filter = ["is_published", "mode", "lesson__topics"]
    list_select_related = ["lesson"]
    search_fields = ["title", "slug", "lesson__title"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["lesson"]
    inlines = [QuestionInline]
    actions = ["publish", "unpublish"]
    change_form_template = "admin/quizzes/quiz/change_form.html"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(question_total=Count("questions"))

    @admin.display(description="Questions", ordering="question_total")
    def question_count_display(self, quiz):
        return quiz.question_total

    def view_on_site(self, quiz):
        return quiz.lesson.get_absolute_url() + "#quiz"

    @admin.action(description="Publish selected quizzes", permissions=["change"])
    def publish(self, request, queryset):
        count = queryset.update(is_published=True)
        contentcache.bump()  # QuerySet.update sends no signals
        self.message_user(request, f"Published {count} quiz(zes).", messages.SUCCESS)

    @admin.action(description="Unpublish selected quizzes", permissions=["change"])
    def unpublish(self, request, queryset):
        count = queryset.update(is_published=False)
        contentcache.bump()  # QuerySet.update sends no signals
        self.message_user(request, f"Unpublished {count} quiz(zes).", messages.SUCCESS)

    def get_urls(self):
        own = [
            path(
                "<int:pk>/import-gift/",
                self.admin_site.admin_view(self.import_gift_view),
                name="quizzes_quiz_import_gift",
            ),
            path(
                "<int:pk>/statistics/",
                self.admin_site.admin_view(self.statistics_view),
                name="quizzes_quiz_statistics",
            ),
            path(
                "<int:pk>/results.csv",
                self.admin_site.admin_view(self.results_csv_view),
                name="quizzes_quiz_results_csv",
            ),
            path(
                "learner-progress.csv",
                self.admin_site.admin_view(self.progress_csv_view),
                name="quizzes_quiz_progress_csv",
            ),
            path(
                "<int:pk>/export-gift/",
                self.admin_site.admin_view(self.export_gift_view),
                name="quizzes_quiz_export_gift",
            ),
        ]
        return own + super().get_urls()

    def statistics_view(self, request, pk):
        quiz = get_object_or_404(Quiz.objects.select_related("lesson"), pk=pk)
        if not self.has_view_permission(request, quiz):
            raise PermissionDenied
        first_only = request.GET.get("attempts") != "all"
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "quiz": quiz,
            "title": f"Statistics: {quiz.title}",
            "report": quiz_report(quiz, first_only=first_only),
        }
        return TemplateResponse(request, "admin/quizzes/quiz/statistics.html", context)

    def results_csv_view(self, request, pk):
        """Every finished or abandoned attempt of one quiz, one row each."""
        quiz = get_object_or_404(Quiz, pk=pk)
        if not self.has_view_permission(request, quiz):
            raise PermissionDenied
        identified = request.user.has_perm(LEARNER_IDENTITIES)
        attempts = (
            quiz.attempts.exclude(state=Attempt.State.IN_PROGRESS)
            .with_score()
            .order_by("started_at")
        )
        if identified:
            attempts = attempts.select_related("user")
        rows = []
        for attempt in attempts:
            percent = score_percent(attempt.points_total or 0, attempt.slot_total or 0)
            rows.append(
                [
                    learner_label(attempt, identified=identified),
                    attempt.get_state_display(),
                    "review" if attempt.is_review else ("retry" if attempt.retry_of_id else "quiz"),
                    attempt.started_at.isoformat(),
                    attempt.finished_at.isoformat() if attempt.finished_at else "",
                    percent,
                    "yes" if percent >= quiz.pass_mark else "no",
                ]
            )
        header = ["learner", "state", "kind", "started", "finished", "score %", "passed"]
        return csv_response(csv_text(header, rows), f"{quiz.slug}-results.csv")

    def progress_csv_view(self, request):
        """Per learner and quiz: attempts, best and latest score, passed (accounts only)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        identified = request.user.has_perm(LEARNER_IDENTITIES)
        # Pseudonymous rows go in account order: username order would hint at the names.
        learner_order = "user__username" if identified else "user_id"
        attempts = (
            Attempt.objects.primary()
            .filter(user__isnull=False, state=Attempt.State.FINISHED)
            .with_score()
            .select_related("quiz")
            .order_by(learner_order, "quiz__title", "finished_at")
        )
        if identified:
            attempts = attempts.select_related("user")
        table: dict = {}
        for attempt in attempts:
            percent = score_percent(attempt.points_total or 0, attempt.slot_total or 0)
            # Keyed by ids: two quizzes may share a title.
            key = (attempt.user_id, attempt.quiz_id)
            row = table.setdefault(
                key,
                {
                    "learner": learner_label(attempt, identified=identified),
                    "quiz": attempt.quiz.title,
                    "n": 0,
                    "best": 0.0,
                    "latest": 0.0,
                    "when": "",
                },
            )
            row["n"] += 1
            row["best"] = max(row["best"], percent)
            row["latest"] = percent
            row["when"] = attempt.finished_at.isoformat()
            row["passed"] = row.get("passed") or percent >= attempt.quiz.pass_mark
        rows = [
            [
                r["learner"],
                r["quiz"],
                r["n"],
                r["best"],
                r["latest"],
                "yes" if r["passed"] else "no",
                r["when"],
            ]
            for r in table.values()
        ]
        header = ["learner", "quiz", "attempts", "best %", "latest %", "passed", "last finished"]
        return csv_response(csv_text(header, rows), "learner-progress.csv")

    def export_gift_view(self, request, pk):
        quiz = get_object_or_404(Quiz, pk=pk)
        if not self.has_view_permission(request, quiz):
            raise PermissionDenied
        try:
            return gift_response(quiz.questions.all(), f"{quiz.slug}.gift")
        except gift_io.GiftExportError as error:
            messages.error(request, str(error))
            return redirect("admin:quizzes_quiz_change", quiz.pk)

    def import_gift_view(self, request, pk):
        """Upload → preview (what will be created, what is skipped) → confirm."""
        quiz = get_object_or_404(Quiz.objects.select_related("lesson"), pk=pk)
        if not (
            self.has_change_permission(request, quiz)
            and request.user.has_perm("quizzes.add_question")
        ):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "quiz": quiz,
            "title": f"Import GIFT questions into “{quiz.title}”",
        }
        status = 200
        if request.method == "POST" and "confirm" in request.POST:
            stored = request.session.get(SESSION_GIFT)
            if not stored or stored.get("quiz") != quiz.pk:
                messages.error(request, "The upload expired; choose the file again.")
                return redirect("admin:quizzes_quiz_import_gift", quiz.pk)
            try:
                result = gift_io.check_gift(
                    stored["text"], quiz=quiz, skip_unsupported=stored["skip"]
                )
            except gift_io.GiftImportError as error:
                messages.error(request, str(error))
                return redirect("admin:quizzes_quiz_import_gift", quiz.pk)
            created = gift_io.import_questions(
                quiz=quiz, questions=result.questions, publish=stored["publish"]
            )
            del request.session[SESSION_GIFT]
            state = "published" if stored["publish"] else "draft"
            messages.success(
                request,
                f"Imported {len(created)} question(s) as {state}; skipped {len(result.skipped)}.",
            )
            return redirect("admin:quizzes_quiz_change", quiz.pk)
        bound = request.method == "POST"
        form = GiftUploadForm(request.POST if bound else None, request.FILES if bound else None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                if upload.size > gift_io.MAX_UPLOAD_BYTES:
                    raise gift_io.GiftImportError(f"{upload.name} is larger than 1 MB.")
                text = gift_io.decode_upload(upload.read(), name=upload.name)
                result = gift_io.check_gift(
                    text, quiz=quiz, skip_unsupported=form.cleaned_data["skip_unsupported"]
                )
            except gift_io.GiftImportError as error:
                form.add_error("file", str(error))
                status = 400
            else:
                request.session[SESSION_GIFT] = {
                    "quiz": quiz.pk,
                    "text": text,
                    "skip": form.cleaned_data["skip_unsupported"],
                    "publish": form.cleaned_data["publish"],
                }
                sections = {s.anchor: s.heading for s in quiz.lesson.sections.all()}
                context["preview"] = [(q, sections.get(q.category, "")) for q in result.questions]
                context["skipped"] = result.skipped
        elif request.method == "POST":
            status = 400
        context["form"] = form
        return TemplateResponse(
            request, "admin/quizzes/quiz/import_gift.html", context, status=status
        )


def csv_response(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def gift_response(questions, filename: str) -> HttpResponse:
    response = HttpResponse(
        gift_io.export_gift(questions), content_type="text/plain; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class ChoiceInline(admin.TabularInline):
    model = Choice
    extra = 0
    fields = ["order", "text", "fraction", "feedback"]
    verbose_name_plural = "Choices (single choice and multiple response) — fraction 1 = correct"


class AcceptedInline(admin.TabularInline):
    model = AcceptedAnswer
    extra = 0
    fields = ["text", "fraction", "feedback"]
    verbose_name_plural = "Accepted answers (short answer)"


class NumericInline(admin.TabularInline):
    model = NumericAnswer
    extra = 0
    fields = ["value", "tolerance", "low", "high", "fraction", "feedback"]
    verbose_name_plural = "Numeric answers: a value with a tolerance, or a range low–high"


class PairInline(admin.TabularInline):
    model = MatchPair
    extra = 0
    fields = ["order", "left", "right"]
    verbose_name_plural = "Pairs (matching)"


class QuestionChangeList(ChangeList):
    """Adds each listed question's facility and discrimination, from one aggregate query."""

    def get_results(self, request):
        super().get_results(request)
        rows = list(self.result_list)
        sums = item_sums(sorted({q.quiz_id for q in rows}), first_only=False)
        empty = ItemSums(0, 0, 0, 0, 0, 0)
        for question in rows:
            question.item_stats = item_stats(sums.get(question.pk, empty))
        self.result_list = rows


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = [
        "short_prompt",
        "quiz",
        "type",
        "section",
        "order",
        "is_published",
        "facility",
        "discrimination",
    ]
    list_filter = ["is_published", "type", "quiz__lesson__topics", "quiz__lesson", "quiz"]
    list_select_related = ["quiz", "section"]
    search_fields = ["title", "prompt", "explanation"]
    autocomplete_fields = ["quiz"]
    inlines = [ChoiceInline, AcceptedInline, NumericInline, PairInline]
    actions = ["publish", "unpublish", "export_selected"]
    fieldsets = [
        (None, {"fields": ["quiz", "type", "title", "prompt", "section", "order", "is_published"]}),
        ("True / false", {"fields": ["truth", "feedback_right", "feedback_wrong"]}),
        ("After answering", {"fields": ["explanation"]}),
    ]

    def get_changelist(self, request, **kwargs):
        return QuestionChangeList

    @admin.display(description="Facility %")
    def facility(self, question):
        stats = getattr(question, "item_stats", None)
        return "—" if stats is None or stats.facility is None else f"{stats.facility:.0f}"

    @admin.display(description="Discrimination %")
    def discrimination(self, question):
        stats = getattr(question, "item_stats", None)
        value = stats.discrimination if stats else None
        return "—" if value is None else f"{value:.0f}"

    @admin.display(description="Question", ordering="title")
    def short_prompt(self, question):
        return question.title or question.prompt[:80]

    def view_on_site(self, question):
        if question.section_id:
            return question.section.get_absolute_url()
        return question.quiz.lesson.get_absolute_url()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "section":
            kwargs["queryset"] = db_field.related_model.objects.select_related("lesson")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is not None and "section" in form.base_fields:
            # Only the passages of this quiz's lesson ("Read the passage" links there).
            field = form.base_fields["section"]
            field.queryset = field.queryset.filter(lesson_id=obj.quiz.lesson_id)
        return form

    def save_related(self, request, form, formsets, change):
        """Validate the saved question with its answers; a failing one stays a draft."""
        super().save_related(request, form, formsets, change)
        question = Question.objects.with_keys().get(pk=form.instance.pk)
        problems = gift_io.problems_of(question)
        if question.section_id and question.section.lesson_id != question.quiz.lesson_id:
            problems.append(
                Problem("section", "Choose a section of this quiz's own lesson, or none.")
            )
        if problems:
            if question.is_published:
                Question.objects.filter(pk=question.pk).update(is_published=False)
                contentcache.bump()
                form.instance.is_published = False
            for problem in problems:
                messages.error(request, f"Not publishable — {problem}")
            messages.warning(request, "The question was saved as a draft until it is fixed.")

    @admin.action(
        description="Publish selected questions (valid ones only)", permissions=["change"]
    )
    def publish(self, request, queryset):
        published, refused = 0, []
        for question in queryset.with_keys():
            problems = gift_io.problems_of(question)
            if problems:
                refused.append(f"“{question}”: {problems[0]}")
                continue
            if not question.is_published:
                question.is_published = True
                question.save(update_fields=["is_published"])
            published += 1
        self.message_user(request, f"Published {published} question(s).", messages.SUCCESS)
        for message in refused:
            self.message_user(request, f"Not published — {message}", messages.ERROR)

    @admin.action(description="Unpublish selected questions", permissions=["change"])
    def unpublish(self, request, queryset):
        count = queryset.update(is_published=False)
        contentcache.bump()  # QuerySet.update sends no signals
        self.message_user(request, f"Unpublished {count} question(s).", messages.SUCCESS)

    @admin.action(description="Export selected questions as GIFT", permissions=["view"])
    def export_selected(self, request, queryset):
        name = slugify(queryset.first().quiz.slug if queryset.exists() else "questions")
        try:
            return gift_response(queryset, f"{name}-selected.gift")
        except gift_io.GiftExportError as error:
            self.message_user(request, str(error), messages.ERROR)
            return None
