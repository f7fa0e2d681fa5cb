"""Public content pages: a topic's lessons. (The home page shows what the learner did last, so
civics.progress serves it, as it serves the lesson page.)"""

from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from civics.content.models import Lesson, Topic


@require_safe
def topic_detail(request, slug):
    topic = get_object_or_404(Topic, slug=slug)
    lessons = Lesson.objects.visible_to(request.user).filter(topics=topic).for_cards()
    return render(request, "civics/topic_detail.html", {"topic": topic, "lessons": lessons})
