"""Reading small whole numbers from request data and session keys, one way everywhere."""


def parse_small_number(text: str, *, digits: int = 18) -> int | None:
    """The whole number ``text`` spells in ASCII digits, at most ``digits`` of them (a database
    id has up to 18); ``None`` for anything else. ``"²".isdigit()`` is True and ``int()``
    refuses it, and ``int()`` accepts " 7" and "7_0": neither passes here."""
    if isinstance(text, str) and 0 < len(text) <= digits and text.isascii() and text.isdigit():
        return int(text)
    return None
