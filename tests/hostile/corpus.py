"""The hostile-input corpus (vectors.txt), and the check that none of it survives as markup that
would run: read as a browser reads it, no handler, script, style or URL carries a payload."""

import re
from html.parser import HTMLParser
from pathlib import Path

VECTORS_FILE = Path(__file__).with_name("vectors.txt")
# \xNN and \uNNNN in the file stand for characters that cannot be written there plainly.
ESCAPE = re.compile(r"\\(?:x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4}))")
NUL = "\x00"


def load() -> list[str]:
    lines = VECTORS_FILE.read_text(encoding="utf-8").splitlines()
    return [
        ESCAPE.sub(lambda found: chr(int(found[1] or found[2], 16)), line)
        for line in lines
        if line and not line.startswith("#")
    ]


VECTORS = load()
# What the forms store: Django refuses NUL (PostgreSQL cannot keep it), with a friendly message.
STORABLE = [vector for vector in VECTORS if NUL not in vector]

# Attributes whose value a browser follows or runs as a URL.
URL_ATTRIBUTES = frozenset(
    {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "to"}
)
# Schemes that run script, read as the URL standard reads them: control characters and spaces
# around the URL, and tabs and line breaks anywhere in it, are dropped.
RUNNING_SCHEMES = ("javascript:", "vbscript:", "data:")
AROUND_URLS = "".join(map(chr, range(0x21)))
TABS_AND_BREAKS = re.compile(r"[\t\n\r]")
# Elements whose text is code, and the types of <script> that never run.
CODE_ELEMENTS = frozenset({"script", "style"})
DATA_SCRIPTS = frozenset({"application/json", "application/ld+json"})
PAYLOAD = re.compile(r"alert\s*[(`]|expression\(|javascript:", re.IGNORECASE)


# The base page's own empty icon, which spares browsers asking for /favicon.ico.
NO_FAVICON = "data:,"


def runs_as_url(value: str) -> bool:
    url = TABS_AND_BREAKS.sub("", value.strip(AROUND_URLS))
    return url.lower().startswith(RUNNING_SCHEMES)


def attribute_runs(tag: str, name: str, value: str) -> bool:
    """An attribute that runs script: a handler, a URL with a running scheme, or a payload
    where a browser reads one (a frame's source, a style, a refresh)."""
    if name.startswith(("on", "hx-on", "data-hx-on")):
        return True
    if name in URL_ATTRIBUTES:
        return runs_as_url(value) and value != NO_FAVICON
    if name in {"srcdoc", "style"} or (tag == "meta" and name == "content"):
        return bool(PAYLOAD.search(value))
    return False


class Executable(HTMLParser):
    """Each piece of the page that a browser would run, described in a line."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.code: list[tuple[str, bool]] = []  # (element, whether its text runs)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if attribute_runs(tag, name, value or ""):
                self.found.append(f"<{tag} {name}={value!r}>")
        if tag in CODE_ELEMENTS:
            kind = (dict(attrs).get("type") or "").lower()
            self.code.append((tag, kind not in DATA_SCRIPTS))
            if tag == "script" and runs_as_url(dict(attrs).get("src") or ""):
                self.found.append(f"<script src={dict(attrs)['src']!r}>")

    def handle_endtag(self, tag: str) -> None:
        if tag in CODE_ELEMENTS and self.code:
            self.code.pop()

    def handle_data(self, data: str) -> None:
        if self.code and self.code[-1][1] and PAYLOAD.search(data):
            self.found.append(f"<{self.code[-1][0]}>{data.strip()[:80]}")


def executable(html: str) -> list[str]:
    """What in this HTML would run a payload, or try to; empty when the page is safe."""
    parser = Executable()
    parser.feed(html)
    parser.close()
    return parser.found


def unsafe_pages(pages: dict[str, str]) -> dict[str, list[str]]:
    """The pages, by address, with what in each would run."""
    return {url: found for url, html in pages.items() if (found := executable(html))}
