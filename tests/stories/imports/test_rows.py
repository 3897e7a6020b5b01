"""CSV import, reading the file: every row checked and reported before anything is written."""

import datetime
import sys

import pytest
from django.urls import reverse

from stories.imports import rows, services
from stories.models import Story, StoryImport, Visibility
from tests.stories.imports.files import (
    GOOD_ROWS,
    confirm,
    csv_text,
    preview_of,
    problems,
    upload,
    upload_error,
)

pytestmark = pytest.mark.django_db


# --- Good files ----------------------------------------------------------------------------------


def test_it_previews_good_rows_without_writing_a_story(alice_client, alice):
    response = preview_of(alice_client, csv_text(GOOD_ROWS))

    preview = response.context["preview"]
    assert response.status_code == 200
    assert (preview.rows_read, preview.to_import, preview.rows_with_problems) == (2, 2, 0)
    assert "Import 2 insights" in response.text
    assert "I waited 40 minutes to cancel" in response.text
    assert Story.objects.count() == 0
    assert StoryImport.objects.get().person == alice


def test_it_imports_every_valid_row_as_the_uploader_once_confirmed(alice_client, alice):
    preview_of(alice_client, csv_text(GOOD_ROWS))
    story_import = StoryImport.objects.get()

    response = confirm(alice_client, story_import)

    assert response.status_code == 302
    assert response["Location"] == reverse("stories:import_preview", args=[story_import.pk])
    cancel, parcel = Story.objects.order_by("pk")
    assert cancel.author == parcel.author == alice
    assert (cancel.sentiment, cancel.channel, str(cancel.happened_on)) == (
        "frustration",
        "call",
        "2025-03-31",
    )
    assert sorted(tag.name for tag in cancel.tags.all()) == ["billing", "cancellation"]
    assert (parcel.sentiment, parcel.channel, str(parcel.happened_on)) == (
        "success",
        "other",
        "2025-03-31",
    )
    assert parcel.body == "**Quick**"
    assert parcel.import_key.startswith("sha256:")
    story_import.refresh_from_db()
    assert story_import.imported_count == 2
    assert story_import.imported_at is not None
    page = alice_client.get(response["Location"]).text
    assert "2 insights added." in page
    assert f"{reverse('stories:list')}?author={alice.pk}" in page


def test_it_reads_a_byte_order_mark_semicolons_and_labels(alice_client):
    content = (
        "\ufeffQuote;Sentiment;Channel;Visibility;Date\n"
        "Loved the new bill layout;SUCCESS;Support ticket;Only me (and admins);\n"
    )
    response = preview_of(alice_client, content.encode())

    assert response.context["preview"].to_import == 1
    confirm(alice_client, StoryImport.objects.get())
    story = Story.objects.get()
    assert (story.title, story.sentiment, story.channel) == (
        "Loved the new bill layout",
        "success",
        "support_ticket",
    )
    assert story.visibility == Visibility.PRIVATE
    assert story.happened_on == story.created_at.date()


@pytest.mark.parametrize("newline", ["\r\n", "\n", "\r"])
def test_it_numbers_rows_as_a_spreadsheet_does_whatever_the_line_endings(alice_client, newline):
    content = newline.join(
        ["title,sentiment,body", 'Slow,idea,"two\nlines"', "Fast,success,", "Odd,meh,", ""]
    )
    response = preview_of(alice_client, content)

    assert [(row, column) for row, column, _ in problems(response)] == [(4, "sentiment")]
    assert response.context["preview"].to_import == 2
    confirm(alice_client, StoryImport.objects.get())
    assert Story.objects.get(title="Slow").body == "two\nlines"


def test_it_lists_ignored_columns_as_notes(alice_client):
    response = preview_of(
        alice_client, csv_text([["Slow", "idea", "7"]], ["title", "sentiment", "id"])
    )

    notes = response.context["preview"].notices
    assert [(note.row, note.column) for note in notes] == [(1, "id")]
    # An id alone could be anyone's: it says which story a row is only with created_at.
    assert "alone it is ignored. For your own ids, name the column source_id." in response.text
    assert response.context["preview"].to_import == 1


# --- Bad rows ------------------------------------------------------------------------------------


def test_it_reports_bad_rows_by_row_and_column_and_imports_only_the_good(alice_client):
    rows = [
        GOOD_ROWS[0],
        ["", "frustration", "", "", "", "", ""],
        ["Bills are confusing", "grumpy", "", "", "", "", ""],
        ["Bills are confusing", "frustration", "", "", "", "", "31/02/2025"],
        ["Bills are confusing", "frustration", "", "", "", "fax", "2025-13-01"],
    ]
    response = preview_of(alice_client, csv_text(rows))

    assert problems(response) == [
        (3, "title", "Write down what the customer said: a quote or a short summary."),
        (4, "sentiment", "“grumpy” is not a sentiment we know: use success, frustration or idea."),
        (
            5,
            "happened_on",
            "“31/02/2025” is not a date we can read: write it as YYYY-MM-DD (2025-03-31) or "
            "DD/MM/YYYY (31/03/2025).",
        ),
        (
            6,
            "channel",
            "“fax” is not a channel we know: use call, email, support_ticket, chat, social, "
            "review, survey, in_person or other.",
        ),
        (
            6,
            "happened_on",
            "“2025-13-01” is not a date we can read: write it as YYYY-MM-DD (2025-03-31) or "
            "DD/MM/YYYY (31/03/2025).",
        ),
    ]
    preview = response.context["preview"]
    assert (preview.to_import, preview.rows_with_problems) == (1, 4)
    assert "“grumpy” is not a sentiment we know" in response.text
    assert Story.objects.count() == 0

    confirmed = confirm(alice_client, StoryImport.objects.get())

    assert [story.title for story in Story.objects.all()] == ["I waited 40 minutes to cancel"]
    # The same row-and-column report once imported, kept with the import.
    page = alice_client.get(confirmed["Location"])
    assert page.context["outcome"].rows_with_problems == 4
    assert [
        (note.row, note.column, note.message) for note in page.context["outcome"].problems
    ] == problems(response)
    assert "“grumpy” is not a sentiment we know" in page.text


def test_it_makes_ten_megabytes_in_a_cell_a_row_problem_not_a_crash(alice_client):
    huge = "x" * (10 * 1024 * 1024)
    rows = [[huge, "idea", "", "", "", "", ""], ["Slow", "idea", "y" * 20_001], GOOD_ROWS[0]]
    response = preview_of(alice_client, csv_text(rows))

    assert problems(response) == [
        (2, "title", "This cell has 10,485,760 characters; at most 500 fit in “title”."),
        (3, "body", "This cell has 20,001 characters; at most 20,000 fit in “body”."),
    ]
    assert response.context["preview"].to_import == 1
    assert len(response.content) < 100_000  # the cell is counted, never echoed


def test_it_refuses_a_row_with_more_cells_than_columns(alice_client):
    content = "title,sentiment\nWe love it, really,success\n"
    response = preview_of(alice_client, content)

    assert problems(response) == [
        (
            2,
            "",
            "This row has 3 cells but the first row names 2 columns. A cell with a comma in it "
            "needs double quotes.",
        ),
        (2, "sentiment", "“really” is not a sentiment we know: use success, frustration or idea."),
    ]
    assert "the whole row" in response.text


def test_it_refuses_a_shout_out_on_a_frustration_as_the_form_does(alice_client):
    content = "title,sentiment,shout_out_to\nSlow refund,frustration,Jess\nFast fix,success,Jess\n"
    response = preview_of(alice_client, content)

    assert problems(response) == [
        (
            2,
            "shout_out_to",
            "Shout-outs are for successes: choose Success above, or leave this empty.",
        )
    ]


# --- Formula injection ---------------------------------------------------------------------------


def test_it_keeps_a_formula_as_text_and_flags_it_in_the_preview(alice_client):
    formula = '=HYPERLINK("http://evil.example","x")'
    response = preview_of(alice_client, csv_text([[formula, "idea", "", "", "", "", ""]]))

    notes = response.context["preview"].notices
    assert [(note.row, note.column) for note in notes] == [(2, "title")]
    assert notes[0].message.startswith("Starts with “=”: it will be shown as text")
    assert response.context["preview"].to_import == 1

    confirm(alice_client, StoryImport.objects.get())
    story = Story.objects.get()
    assert story.title == formula
    page = alice_client.get(story.get_absolute_url()).text
    assert "=HYPERLINK(&quot;http://evil.example&quot;,&quot;x&quot;)" in page
    assert '<a href="http://evil.example"' not in page


@pytest.mark.parametrize("start", ["+", "-", "@", "\t"])
def test_it_flags_every_formula_start(alice_client, start):
    content = csv_text([[f"{start}cmd|' /C calc'!A0", "idea", "", "", "Ann", "", ""]])
    response = preview_of(alice_client, content)

    assert [note.column for note in response.context["preview"].notices] == ["title"]


# --- Bad files -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (b"\n\n", "The file is empty."),
        (b"\xef\xbb\xbf", "The file is empty"),
        (b"title,sentiment\n", "The file names its columns but has no rows to import."),
        (
            b"Checkout was slow,frustration\nLoved it,success\n",
            "The first row looks like an insight, not column names",
        ),
        (b"quote_text,sentiment\nSlow,idea\n", "The first row has no “title” column."),
        (b"body,tags\nSlow,idea\n", "The first row has no “title” or “sentiment” columns."),
        (b"title,sentiment,Title\nSlow,idea,x\n", "The column “Title” appears twice"),
    ],
)
def test_it_refuses_a_file_it_cannot_import_and_says_why(alice_client, content, message):
    response = upload(alice_client, content)

    assert message in upload_error(response)
    assert StoryImport.objects.count() == 0


def test_it_asks_for_a_file_when_none_was_chosen(alice_client):
    response = alice_client.post(reverse("stories:import"))

    assert upload_error(response) == "Choose a CSV file to upload."


def test_it_names_the_encoding_of_a_latin_1_file(alice_client):
    content = "title,sentiment\nLe café était froid,frustration\n".encode("latin-1")

    error = upload_error(upload(alice_client, content))

    assert "The file is not UTF-8 text: byte 0xE9 on line 2 is not valid UTF-8" in error
    assert "Latin-1 or Windows-1252" in error
    assert StoryImport.objects.count() == 0


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le"])
def test_it_names_the_encoding_of_a_utf_16_file(alice_client, encoding):
    content = "title,sentiment\nSlow,idea\n".encode(encoding)

    error = upload_error(upload(alice_client, content))

    assert "The file is saved as UTF-16" in error
    assert "CSV UTF-8" in error
    assert StoryImport.objects.count() == 0


def test_it_refuses_a_file_over_the_size_limit(alice_client):
    content = b"title,sentiment\n" + b"x" * services.MAX_UPLOAD_BYTES

    error = upload_error(upload(alice_client, content))

    assert "This file is 20.0 MB; files can be at most 20 MB. Split it into smaller files." in error
    assert StoryImport.objects.count() == 0


def test_it_refuses_more_rows_than_one_import_takes(alice_client, monkeypatch):
    monkeypatch.setattr(rows, "MAX_ROWS", 2)
    content = csv_text([["a", "idea"], ["b", "idea"], ["c", "idea"]], ["title", "sentiment"])

    error = upload_error(upload(alice_client, content))

    assert "This file has more than 2 rows." in error


def test_it_keeps_the_upload_form_usable_after_an_error(alice_client):
    response = upload(alice_client, b"body\nx\n")

    assert 'class="notice error"' in response.text
    assert "choose it again" in response.text


def test_it_checks_rows_past_python_s_recursion_limit_in_one_process():
    # The rows share the story form's fields: wrapping them again for each row once overflowed
    # the stack after about a thousand rows.
    header, lines = rows.read_rows(csv_text([GOOD_ROWS[0]] * (sys.getrecursionlimit() + 10)))
    today = datetime.date(2026, 11, 30)

    outcomes = [rows.check_row(number, cells, header, today) for number, cells in lines]

    assert {outcome.problems == [] for outcome in outcomes} == {True}
