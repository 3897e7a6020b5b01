"""The checkers themselves: each finds a barrier that is there, and only htmx's attributes are let
through, so a clean run of the page and email checks means something."""

from tests.a11y.conftest import axe_violations, vnu_errors

BROKEN = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Broken</title></head>
<body><main><img src="chart.png"><button></button>
<a href="/stories/" hx-get="/stories/" hx-target="#results">Insights</a>
<ul><div>Not a list item</div></ul></main></body></html>
"""


def test_axe_finds_an_image_without_words_and_an_empty_button(page):
    page.set_content(BROKEN)

    found = " ".join(axe_violations(page))

    assert "image-alt (critical)" in found
    assert "button-name (critical)" in found


def test_the_checker_finds_invalid_markup_and_lets_htmx_s_attributes_through(tmp_path):
    errors = vnu_errors({"broken": BROKEN}, tmp_path)

    assert list(errors) == ["broken"]
    assert any("“div” not allowed as child of element “ul”" in error for error in errors["broken"])
    assert not any("hx-" in error for error in errors["broken"])
