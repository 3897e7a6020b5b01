"""Emails isolate what people wrote in Unicode's isolate marks (FSI … PDI), which are invisible:
assertions about an email's words compare them without the marks."""

ISOLATES = str.maketrans("", "", "\u2068\u2069")


def without_isolates(text: str) -> str:
    """The text as a reader sees it: the first strong isolate and pop directional isolate gone."""
    return text.translate(ISOLATES)
