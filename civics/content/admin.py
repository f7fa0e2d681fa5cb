"""The admin for content: topics, sources, lessons with their key points, sections and actions.
The Import article page is added by civics.authoring."""

from django.contrib import admin, messages
from django.db.models import Count
from django.utils import timezone

from civics.content import contentcache
from civics.content.models import ActionItem, KeyPoint, Lesson, LessonSection, Source, Topic

admin.site.site_header = "CivicPath educators"
admin.site.site_title = "CivicPath admin"
admin.site.index_title = "Lessons, quizzes and learners"


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "icon", "emoji", "slug", "lesson_count"]
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
