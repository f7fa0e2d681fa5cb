"""The admin's Import article page, added to the content app's lesson admin."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path

from civics.authoring.drafting import draft_questions
from civics.authoring.importer import parse_article
from civics.authoring.services import article_problems, save_article_draft
from civics.content.admin import LessonAdmin
from civics.content.models import Lesson
from civics.lib.numbers import parse_small_number

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


admin.site.unregister(Lesson)


@admin.register(Lesson)
class ImportingLessonAdmin(LessonAdmin):
    """The content app's lesson admin, plus the Import article page (paste or upload → preview
    → draft lesson and quiz)."""

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
            picked = (parse_small_number(v, digits=5) for v in request.POST.getlist("draft"))
            chosen = {index for index in picked if index is not None and index < len(drafts)}
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
