"""The corpus is large and varied enough to mean something, and the check finds what would run."""

import pytest

from tests.hostile.corpus import NUL, STORABLE, VECTORS, executable

# What the corpus must try, each by a piece of text one of its vectors contains.
KINDS = {
    "an event handler": "onerror=",
    "a javascript: URL": "javascript:",
    "a data: URL": "data:text/html",
    "SVG": "<svg",
    "a style element": "<style>",
    "mutation through noscript": "<noscript>",
    "mutation through template": "<template>",
    "mutation through MathML": "<math>",
    "a broken tag": "<img src=x onerror=alert(60)//",
    "a quote breakout": '" onmouseover=',
    "a backtick breakout": "` onmouseover=",
    "a template lookalike": "{{",
    "a template tag lookalike": "{%",
    "a right-to-left override": "\u202e",
    "NUL": NUL,
    "a control character": "\x1b",
    "a formula": "=HYPERLINK(",
}


def test_it_has_at_least_fifty_vectors_each_calling_alert():
    assert len(VECTORS) >= 50
    assert len(set(VECTORS)) == len(VECTORS)
    without = [v for v in VECTORS if "alert" not in v and "PHNjcmlwdD5hbGVydC" not in v]
    assert without == []


@pytest.mark.parametrize(("kind", "piece"), KINDS.items())
def test_it_tries(kind, piece):
    assert any(piece in vector for vector in VECTORS), kind


def test_it_keeps_the_vectors_a_form_can_keep():
    assert [v for v in VECTORS if v not in STORABLE] == [v for v in VECTORS if NUL in v]


# Vectors aimed at filters and other browsers, which run nowhere in an HTML5 browser even raw.
INERT_RAW = {
    "<scr<script>ipt>alert(5)</scr</script>ipt>": "makes an element named scr<script",
    '-->"<!--<script>alert(14)</script>': "opens a comment that swallows the rest",
    "<![CDATA[<script>alert(15)</script>]]>": "a bogus comment up to its first >",
    "` onmouseover=alert(18) x=`": "backticks quote attributes only in old Internet Explorer",
}


@pytest.mark.parametrize("vector", [v for v in STORABLE[:20] if v not in INERT_RAW])
def test_the_check_finds_each_vector_left_unescaped(vector):
    """Put in a page raw, the first vectors (scripts, breakouts and handlers) are all caught."""
    page = f"<p title=\"{vector}\">{vector}</p><input value='{vector}'>"
    assert executable(page) != []


@pytest.mark.parametrize(
    "html",
    [
        '<a href=" java\tscript:alert(1)">x</a>',
        "<img src=x onerror=alert(1)>",
        "<script>alert(1)</script>",
        '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>',
        "<svg><a xlink:href='data:text/html,x'>x</a></svg>",
        '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
        "<style>*{background:url(javascript:alert(1))}</style>",
        '<div hx-on::load="alert(1)">x</div>',
    ],
)
def test_the_check_finds_what_would_run(html):
    assert executable(html) != []


@pytest.mark.parametrize(
    "html",
    [
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        '<input value="&quot; onmouseover=&quot;alert(1)">',
        "<textarea>&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;</textarea>",
        '<script type="application/json">{"title": "alert(1)"}</script>',
        '<a href="/stories/?q=javascript%3Aalert(1)">x</a>',
        "<link rel=icon href='data:,'>",
    ],
)
def test_the_check_lets_text_be_text(html):
    assert executable(html) == []
