"""What a browser reads off a page before it posts: the forms with their hidden fields (the CSRF
token and the one-time submission token), and the stories the page links to."""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

STORY_LINK = re.compile(r'href="/stories/(\d+)/"')
CSRF_FIELD = "csrfmiddlewaretoken"


@dataclass
class PageForm:
    """A form as the page has it: where it posts, and the values its inputs carry."""

    action: str
    form_id: str
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def csrf_token(self) -> str:
        return self.fields.get(CSRF_FIELD, "")


class FormReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[PageForm] = []
        self.open: PageForm | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.open = PageForm(
                action=attributes.get("action", ""), form_id=attributes.get("id", "")
            )
            self.forms.append(self.open)
        elif tag == "input" and self.open is not None and attributes.get("name"):
            # Only what a browser would send without a person typing: hidden and preset values.
            if attributes.get("type") in ("checkbox", "radio") and "checked" not in attributes:
                return
            self.open.fields.setdefault(attributes["name"], attributes.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.open = None


def forms_on(html: str) -> list[PageForm]:
    reader = FormReader()
    reader.feed(html)
    reader.close()
    return reader.forms


def form_on(html: str, *, form_id: str | None = None, action: str | None = None) -> PageForm | None:
    """The first form with this id, or posting to this address ("": to the page itself)."""
    for form in forms_on(html):
        if form.form_id == form_id or form.action == action:
            return form
    return None


def story_ids_on(html: str) -> list[int]:
    """The stories a page links to, in page order, each once."""
    return list(dict.fromkeys(int(found) for found in STORY_LINK.findall(html)))
