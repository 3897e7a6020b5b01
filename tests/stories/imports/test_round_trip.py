"""An export imported again: into the same board it adds nothing; into an empty one it gives
back every story with every field, empathy answers, executive reports and formula-like text
included."""

import datetime
import json

import pytest
from django.urls import reverse

from stories.imports.columns import spreadsheet_safe, spreadsheet_text
from stories.models import EmpathyAnswers, ExecutiveReport, Kind, Story, StoryImport, Visibility
from tests.stories.factories import EmpathyAnswersFactory, ExecutiveReportFactory, StoryFactory
from tests.stories.imports.files import confirm, csv_text, preview_of, problems

pytestmark = pytest.mark.django_db

STORY_FIELDS = (
    "kind",
    "title",
    "sentiment",
    "body",
    "customer_name",
    "customer_organisation",
    "customer_segment",
    "channel",
    "happened_on",
    "visibility",
    "shout_out_to",
)
ANSWER_FIELDS = (
    "company",
    "experience",
    "what_made_it",
    "why_it_stood_out",
    "would_stay",
    "meaning_for_us",
)
REPORT_FIELDS = ("spoke_with", "conversations", "place", "insight", "suggested_action")


def exported(client, kind: str = "csv") -> bytes:
    response = client.get(reverse(f"stories:export_{kind}"))
    return b"".join(response.streaming_content)


def snapshot() -> list[tuple[object, ...]]:
    """Every story's fields, tags, answers and report, in a stable order."""
    answers = {a.story_id: a for a in EmpathyAnswers.objects.all()}
    reports = {r.story_id: r for r in ExecutiveReport.objects.all()}
    rows = []
    for story in Story.objects.prefetch_related("tags"):
        answer, report = answers.get(story.pk), reports.get(story.pk)
        rows.append(
            (
                *(getattr(story, name) for name in STORY_FIELDS),
                tuple(sorted(tag.name for tag in story.tags.all())),
                tuple(getattr(answer, name) for name in ANSWER_FIELDS) if answer else None,
                tuple(getattr(report, name) for name in REPORT_FIELDS) if report else None,
                report.action_owner_id if report else None,
            )
        )
    return sorted(rows, key=repr)


@pytest.fixture
def board(alice, bob, lena):
    """A story of every kind, with text a spreadsheet would run as a formula in every field."""
    StoryFactory(
        author=alice,
        title='=HYPERLINK("http://evil.example","x")',
        body="- a list item\n- another",
        customer_name="+44 20 7946 0000",
        customer_organisation="@acme",
        customer_segment="'=already quoted",
        shout_out_to="",
        tags=["refunds", "billing"],
        happened_on=datetime.date(2025, 3, 31),
    )
    StoryFactory(
        author=bob,
        title="The agent was kind",
        sentiment="success",
        shout_out_to="-the support team",
        visibility=Visibility.PRIVATE,
    )
    EmpathyAnswersFactory(
        story__author=alice,
        company="=Monzo",
        what_made_it="-fast\n-kind",
        meaning_for_us="@everyone should see this",
    )
    ExecutiveReportFactory(
        story__author=lena,
        story__tags=["florists"],
        spoke_with="+3 florists",
        insight="=5 am orders",
        suggested_action="@ops open at 5",
        action_owner=bob,
    )
    # The same words twice, told apart by their answers: still two stories.
    EmpathyAnswersFactory(story__author=bob, company="Starling", experience="negative")
    EmpathyAnswersFactory(story__author=bob, company="Starling", experience="mixed")


def test_it_adds_nothing_when_an_export_is_imported_into_the_same_board(ada_client, board):
    before = snapshot()

    response = preview_of(ada_client, exported(ada_client))
    preview = response.context["preview"]
    done = confirm(ada_client, StoryImport.objects.get())

    assert (preview.rows_read, preview.already_here, preview.to_import) == (6, 6, 0)
    assert preview.rows_with_problems == 0
    assert "Every row of this file is a story that is here already" in response.text
    assert "Already here" in response.text
    assert done.status_code == 302
    assert snapshot() == before


@pytest.mark.parametrize("persona", ["alice", "bob", "lena"])
def test_it_adds_nothing_when_anyone_imports_what_they_exported(request, persona, board):
    client = request.getfixturevalue(f"{persona}_client")
    count = Story.objects.count()

    preview = preview_of(client, exported(client)).context["preview"]

    assert preview.to_import == 0
    assert preview.rows_with_problems == 0
    assert preview.already_here == preview.rows_read > 0
    assert Story.objects.count() == count


def test_it_recreates_every_field_from_an_export_into_an_empty_board(ada_client, board):
    before = snapshot()
    content = exported(ada_client)
    Story.objects.all().delete()

    preview = preview_of(ada_client, content).context["preview"]
    response = confirm(ada_client, StoryImport.objects.get())

    assert (preview.to_import, preview.rows_with_problems, preview.duplicates) == (6, 0, 0)
    assert "6 insights added." in ada_client.get(response["Location"]).text
    assert snapshot() == before


def test_it_adds_nothing_when_the_export_is_imported_into_the_new_board_again(ada_client, board):
    content = exported(ada_client)
    Story.objects.all().delete()
    preview_of(ada_client, content)
    confirm(ada_client, StoryImport.objects.get())
    after_first = snapshot()

    preview = preview_of(ada_client, content).context["preview"]

    assert (preview.to_import, preview.already_imported) == (0, 6)
    assert snapshot() == after_first


def test_it_imports_a_story_whose_id_belongs_to_another_here(ada_client, ada):
    elsewhere = StoryFactory(author=ada, title="Exported from another board")
    row = {
        "title": "Same id, another story",
        "sentiment": "idea",
        "id": str(elsewhere.pk),
        "created_at": "2020-01-01T09:00:00+00:00",
    }

    preview = preview_of(ada_client, csv_text([list(row.values())], list(row))).context["preview"]

    assert (preview.to_import, preview.already_here) == (1, 0)


def test_it_exports_every_field_as_json(alice_client, bob, board):
    stories = json.loads(exported(alice_client, "json"))["stories"]
    by_kind = {story["kind"]: story for story in stories if story["kind"] != Kind.EMPATHY}
    monzo = next(story for story in stories if story["empathy_company"] == "=Monzo")

    assert monzo["empathy_what_made_it"] == "-fast\n-kind"
    assert monzo["empathy_would_stay"] == "yes"
    assert monzo["report_insight"] is None
    report = by_kind[Kind.EXECUTIVE]
    assert (report["report_spoke_with"], report["report_conversations"]) == ("+3 florists", 3)
    assert report["report_action_owner"] == bob.email
    assert report["id"] == ExecutiveReport.objects.get().story_id
    assert by_kind[Kind.INSIGHT]["empathy_company"] is None


def test_it_lets_only_leaders_and_admins_import_reports(alice_client, lena, ada_client, board):
    content = exported(ada_client)
    Story.objects.all().delete()

    response = preview_of(alice_client, content)

    preview = response.context["preview"]
    assert (preview.to_import, preview.rows_with_problems) == (5, 1)
    assert [message for _, _, message in problems(response)] == [
        "Only leaders and admins file executive reports: ask one of them to import this row."
    ]


def test_it_imports_a_report_without_an_owner_it_cannot_find(lena_client, lena):
    header = ["title", "sentiment", "kind", "report_spoke_with", "report_conversations"]
    header += ["report_place", "report_insight", "report_suggested_action", "report_action_owner"]
    row = ["Slow at 5 am", "frustration", "executive", "Florists", "2", "call", "Early orders"]
    row += ["Open early", "Gone@Example.com"]

    response = preview_of(lena_client, csv_text([row], header))
    confirm(lena_client, StoryImport.objects.get())

    assert "No one here signs in as “gone@example.com”" in response.text
    report = ExecutiveReport.objects.select_related("story").get()
    assert (report.story.kind, report.conversations, report.action_owner) == ("executive", 2, None)


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("empathy_what_made_it", "", "Say what made it good or bad."),
        ("empathy_experience", "ecstatic", "Choose positive, negative or a bit of both."),
    ],
)
def test_it_checks_empathy_answers_as_when_filing(alice_client, column, value, message):
    answers = {
        "empathy_company": "Monzo",
        "empathy_experience": "positive",
        "empathy_what_made_it": "Quick",
        "empathy_why_it_stood_out": "Rare",
        "empathy_would_stay": "yes",
        "empathy_meaning_for_us": "Be quick",
    } | {column: value}
    header = ["title", "sentiment", "kind", *answers]

    response = preview_of(
        alice_client, csv_text([["Mine", "success", "empathy", *answers.values()]], header)
    )

    assert problems(response) == [(2, column, message)]


@pytest.mark.parametrize(
    "text",
    ["=1+1", "+44", "-2", "@here", "'=1+1", "''=1+1", "'hello", "'", "", "a = b", "\t=1"],
)
def test_it_gives_back_the_exact_text_it_guarded(text):
    assert spreadsheet_text(spreadsheet_safe(text)) == text
    assert not spreadsheet_safe(text).startswith(("=", "+", "-", "@", "\t"))


@pytest.mark.parametrize(
    ("story_id", "created_at"),
    [("9" * 30, "2020-01-01T09:00:00+00:00"), ("7", "yesterday"), ("7", "2020-01-01T09:00:00")],
)
def test_it_checks_a_row_it_cannot_place_by_its_content(alice_client, story_id, created_at):
    header = ["title", "sentiment", "id", "created_at"]

    response = preview_of(alice_client, csv_text([["Slow", "idea", story_id, created_at]], header))

    assert response.context["preview"].to_import == 1
    assert "checked against earlier imports by its content instead" in response.text
