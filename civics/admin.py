from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone

from . import contentcache
from .models import ActionItem, KeyPoint, Lesson, LessonSection, Source, Topic

admin.site.site_header = "CivicPath educators"
admin.site.site_title = "CivicPath admin"
admin.site.index_title = "Lessons, quizzes and learners"


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "emoji", "slug", "lesson_count"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(lesson_total=Count("lessons"))

    @admin.display(description="Lessons", ordering="lesson_total")
    def lesson_count(self, topic):
        return topic.lesson_total


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["title", "author", "outlet", "published_on"]
    search_fields = ["title", "author", "outlet"]
    date_hierarchy = "published_on"


class KeyPointInline(admin.TabularInline):
    model = KeyPoint
    extra = 0
    fields = ["order", "text"]


class SectionInline(admin.StackedInline):
    model = LessonSection
    extra = 0
    fields = ["order", "heading", "anchor", "body"]


class ActionInline(admin.TabularInline):
    model = ActionItem
    extra = 0
    fields = ["order", "kind", "text", "link"]


SESSION_ARTICLE = "admin_article_import"
MAX_ARTICLE_BYTES = 1024 * 1024


class ArticleImportForm(forms.Form):
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 16, "cols": 100}),
        required=False,
        label="Paste the article",
        help_text="Plain text or Markdown, as copied from the page.",
    )
    file = forms.FileField(
        required=False, label="…or upload a file", help_text=".txt or .md, UTF-8, at most 1 MB."
    )

    def clean(self):
        data = super().clean()
        upload, text = data.get("file"), (data.get("text") or "").strip()
        if upload and text:
            raise forms.ValidationError("Paste the text or upload a file, not both.")
        if upload:
            if not upload.name.lower().endswith((".txt", ".md", ".markdown")):
                raise forms.ValidationError("Upload a .txt or .md file.")
            if upload.size > MAX_ARTICLE_BYTES:
                raise forms.ValidationError(f"{upload.name} is larger than 1 MB.")
            try:
                text = upload.read().decode("utf-8-sig").strip()
            except UnicodeDecodeError as exc:
                raise forms.ValidationError(
                    f"{upload.name} is not UTF-8 text (byte {exc.start + 1}); save it as UTF-8."
                ) from None
        if not text:
            raise forms.ValidationError("Paste an article or choose a file.")
        if len(text.encode("utf-8")) > MAX_ARTICLE_BYTES:
            raise forms.ValidationError("The article is larger than 1 MB.")
        data["article_text"] = text
        return data


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "published_on", "source", "reading_minutes", "action_count"]
    list_filter = ["status", "topics"]
    list_select_related = ["source"]
    search_fields = ["title", "summary", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["topics"]
    autocomplete_fields = ["source"]
    readonly_fields = ["reading_minutes", "created_at", "updated_at"]
    inlines = [KeyPointInline, SectionInline, ActionInline]
    actions = ["publish", "unpublish"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "topics", "source"]}),
        ("Publishing", {"fields": ["status", "published_on", "reading_minutes"]}),
        ("History", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(action_total=Count("actions"))

    @admin.display(description="Actions", ordering="action_total")
    def action_count(self, lesson):
        return lesson.action_total

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.instance.update_reading_time()

    def save_model(self, request, obj, form, change):
        if obj.status == Lesson.Status.PUBLISHED and not obj.published_on:
            obj.published_on = timezone.localdate()
        super().save_model(request, obj, form, change)

    change_list_template = "admin/civics/lesson/change_list.html"

    def get_urls(self):
        own = [
            path(
                "import-article/",
                self.admin_site.admin_view(self.import_article_view),
                name="civics_lesson_import_article",
            )
        ]
        return own + super().get_urls()

    def import_article_view(self, request):
        """Paste or upload → preview of the draft lesson and questions → create (drafts)."""
        from civics.importer import parse_article
        from civics.services import article_problems, save_article_draft
        from quizzes.drafting import draft_questions

        if not (self.has_add_permission(request) and request.user.has_perm("quizzes.add_question")):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Import an article as a draft lesson",
        }
        if request.method == "POST" and "cancel" in request.POST:
            request.session.pop(SESSION_ARTICLE, None)
            messages.info(request, "Import cancelled; nothing was saved.")
            return redirect("admin:civics_lesson_changelist")
        if request.method == "POST" and "create" in request.POST:
            text = request.session.get(SESSION_ARTICLE)
            if not text:
                messages.error(request, "The preview expired; paste or upload the article again.")
                return redirect("admin:civics_lesson_import_article")
            article = parse_article(text)
            drafts = draft_questions(article)
            chosen = {
                int(value)
                for value in request.POST.getlist("draft")
                if value.isascii()
                and value.isdigit()
                and len(value) <= 5
                and int(value) < len(drafts)
            }
            lesson, created = save_article_draft(
                text=text, article=article, drafts=drafts, chosen=chosen
            )
            request.session.pop(SESSION_ARTICLE, None)
            if created:
                messages.success(
                    request,
                    f"Created the draft lesson “{lesson.title}” with {len(chosen)} draft "
                    "question(s). Everything stays a draft until you publish it.",
                )
            else:
                messages.warning(request, "This article was imported before; here is that lesson.")
            return redirect("admin:civics_lesson_change", lesson.pk)
        bound = request.method == "POST"
        form = ArticleImportForm(request.POST if bound else None, request.FILES if bound else None)
        status = 200
        if request.method == "POST":
            if form.is_valid():
                text = form.cleaned_data["article_text"]
                article = parse_article(text)
                if problems := article_problems(article):
                    for problem in problems:
                        form.add_error(None, problem)
                    status = 400
                else:
                    request.session[SESSION_ARTICLE] = text
                    context["article"] = article
                    context["drafts"] = list(enumerate(draft_questions(article)))
            else:
                status = 400
        context["form"] = form
        return TemplateResponse(
            request, "admin/civics/lesson/import_article.html", context, status=status
        )

    @admin.action(description="Publish selected lessons", permissions=["change"])
    def publish(self, request, queryset):
        count = 0
        for lesson in queryset.exclude(status=Lesson.Status.PUBLISHED):
            lesson.publish()
            count += 1
        self.message_user(request, f"Published {count} lesson(s).", messages.SUCCESS)

    @admin.action(description="Unpublish selected lessons (back to draft)", permissions=["change"])
    def unpublish(self, request, queryset):
        count = queryset.update(status=Lesson.Status.DRAFT)
        contentcache.bump()  # QuerySet.update sends no signals
        self.message_user(request, f"Moved {count} lesson(s) back to draft.", messages.SUCCESS)
