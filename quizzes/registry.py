"""The table of question types, which the modules below the registry look entries up in.

``quizzes.question_types`` defines an entry per type and registers each here when it is imported
(the quiz engine's AppConfig.ready imports it). ``gift`` and ``validation`` hold the per-type
rules the entries call, so they cannot import ``question_types``; they look the entry up here at
call time instead. Plain Python: no Django, no imports.
"""

TYPES: dict[str, object] = {}
"""Every question type's entry, keyed by its ``Question.Type`` value."""


def register(entry):
    """Add ``entry`` (a ``question_types.QuestionType``) under its ``type``."""
    TYPES[entry.type] = entry
    return entry


def question_type(kind: str):
    """The entry for the type ``kind``; ValueError for a type the engine does not know."""
    try:
        return TYPES[kind]
    except KeyError:
        raise ValueError(f"unknown question type {kind!r}") from None
