"""Public content pages: the home page (topics and published lessons) and a topic's lessons."""

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from civics.content.models import Lesson, Topic


@require_safe
def home(request):
    topics = (
        Topic.objects.annotate(
            lesson_count=Count("lessons", filter=Q(lessons__status=Lesson.Status.PUBLISHED))
        )
        .filter(lesson_count__gt=0)
        .order_by("name")
    )
    lessons = Lesson.objects.published().for_cards()
    return render(request, "civics/home.html", {"topics": topics, "lessons": lessons})


@require_safe
def topic_detail(request, slug):
    topic = get_object_or_404(Topic, slug=slug)
    lessons = Lesson.objects.visible_to(request.user).filter(topics=topic).for_cards()
    return render(request, "civics/topic_detail.html", {"topic": topic, "lessons": lessons})
