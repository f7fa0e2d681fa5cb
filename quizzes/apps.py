"""The quiz engine's configuration; it registers its content models with the content cache."""

from django.apps import AppConfig

from civics.content import contentcache


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = "Quizzes"

    def ready(self):
        # Defining the question types needs the models, so only now (it registers them in
        # quizzes.registry, where gift and validation look them up).
        import quizzes.question_types  # noqa: F401, PLC0415

        # Quizzes and their questions are content learners read: a change redraws the version.
        contentcache.watch(
            "quizzes.Quiz",
            "quizzes.Question",
            "quizzes.Choice",
            "quizzes.AcceptedAnswer",
            "quizzes.NumericAnswer",
            "quizzes.MatchPair",
        )
