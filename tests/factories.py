"""factory-boy factories shared by the whole suite, grouped by app."""

import datetime as dt

import factory
from django.contrib.auth import get_user_model

from civics.content.models import ActionItem, KeyPoint, Lesson, LessonSection, Source, Topic

# --- Accounts ----------------------------------------------------------------------------


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"learner{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class StaffUserFactory(UserFactory):
    username = factory.Sequence(lambda n: f"educator{n}")
    is_staff = True


# --- Content (civics) --------------------------------------------------------------------


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")
    emoji = "🏛️"


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    title = factory.Sequence(lambda n: f"Source article {n}")
    author = "Ann Writer"
    outlet = "Sample News"
    published_on = dt.date(2025, 9, 3)
    date_precision = Source.Precision.DAY


class LessonFactory(factory.django.DjangoModelFactory):
    """A published lesson. Pass ``topics=[...]`` to attach topics."""

    class Meta:
        model = Lesson
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Lesson {n}")
    slug = factory.Sequence(lambda n: f"lesson-{n}")
    summary = "What happened, why it matters and what you can do about it."
    source = factory.SubFactory(SourceFactory)
    status = Lesson.Status.PUBLISHED
    published_on = dt.date(2025, 9, 10)

    class Params:
        draft = factory.Trait(status=Lesson.Status.DRAFT, published_on=None)

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create and extracted:
            self.topics.set(extracted)


class KeyPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KeyPoint

    lesson = factory.SubFactory(LessonFactory)
    order = factory.Sequence(lambda n: n)
    text = factory.Sequence(lambda n: f"Key point number {n}.")


class LessonSectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LessonSection

    lesson = factory.SubFactory(LessonFactory)
    order = factory.Sequence(lambda n: n)
    heading = factory.Sequence(lambda n: f"Section {n}")
    body = "A paragraph with **bold** words."


class ActionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionItem

    lesson = factory.SubFactory(LessonFactory)
    order = factory.Sequence(lambda n: n)
    kind = ActionItem.Kind.CALL
    text = "Call the Capitol switchboard at 202-224-3121 and ask for your senators."
