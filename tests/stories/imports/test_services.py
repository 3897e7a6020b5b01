"""CSV import, writing: every valid row once confirmed, and importing the same file again adds
nothing."""

import pytest
from django.urls import reverse

from stories.imports import runs
from stories.models import Story, StoryImport
from tests.stories.factories import StoryFactory
from tests.stories.imports.files import (
    GOOD_ROWS,
    confirm,
    csv_text,
    preview_of,
)

pytestmark = pytest.mark.django_db


# --- Importing once ------------------------------------------------------------------------------


def test_it_imports_a_row_repeated_in_the_file_once(alice_client):
    rows = [GOOD_ROWS[0], GOOD_ROWS[1], [" i waited 40  MINUTES to cancel ", *GOOD_ROWS[0][1:]]]
    response = preview_of(alice_client, csv_text(rows))

    preview = response.context["preview"]
    assert (preview.to_import, preview.duplicates) == (2, 1)
    assert [(note.row, note.message) for note in preview.notices] == [
        (4, "The same as row 2: it is imported once.")
    ]
    confirm(alice_client, StoryImport.objects.get())
    assert Story.objects.count() == 2


def test_it_adds_nothing_when_the_same_file_is_imported_again(alice_client):
    content = csv_text(GOOD_ROWS)
    preview_of(alice_client, content)
    confirm(alice_client, StoryImport.objects.get())

    response = preview_of(alice_client, content)
    assert response.context["preview"].already_imported == 2
    assert response.context["preview"].to_import == 0
    assert "Every row of this file was imported before" in response.text
    response = confirm(alice_client, StoryImport.objects.latest("pk"))

    assert Story.objects.count() == 2
    page = alice_client.get(response["Location"])
    assert page.context["outcome"].already_imported == 2
    assert "0 insights added." in page.text


def test_it_knows_a_row_by_its_source_id_even_when_its_words_change(alice_client, alice):
    header = ["title", "sentiment", "source_id"]
    preview_of(alice_client, csv_text([["Slow refund", "frustration", "T-1"]], header))
    confirm(alice_client, StoryImport.objects.get())

    edited = [["Slow refund (edited)", "frustration", "T-1"], ["Kind agent", "success", "T-2"]]
    response = preview_of(alice_client, csv_text(edited, header))
    confirm(alice_client, StoryImport.objects.latest("pk"))

    assert response.context["preview"].already_imported == 1
    assert sorted(Story.objects.values_list("import_key", flat=True)) == ["src:T-1", "src:T-2"]
    assert Story.objects.get(import_key="src:T-1").title == "Slow refund"


def test_it_lets_two_people_import_the_same_file(alice_client, bob_client):
    content = csv_text(GOOD_ROWS)
    preview_of(alice_client, content)
    confirm(alice_client, StoryImport.objects.get())

    response = preview_of(bob_client, content)
    confirm(bob_client, StoryImport.objects.latest("pk"))

    assert response.context["preview"].to_import == 2
    assert Story.objects.count() == 4


def test_it_imports_a_file_once_however_often_it_is_confirmed(alice_client):
    preview_of(alice_client, csv_text(GOOD_ROWS))
    story_import = StoryImport.objects.get()
    confirm(alice_client, story_import)

    response = confirm(alice_client, story_import)

    assert response["Location"] == reverse("stories:import_preview", args=[story_import.pk])
    page = alice_client.get(response["Location"]).text
    assert "This file was imported already on" in page
    assert "2 insights added" in page
    assert Story.objects.count() == 2


def test_it_skips_a_row_another_upload_writes_between_the_check_and_the_write(
    alice_client, alice, monkeypatch
):
    preview_of(alice_client, csv_text(GOOD_ROWS))
    story_import = StoryImport.objects.get()
    checked = runs.row_outcomes

    def racing(*args, **kwargs):
        for batch in checked(*args, **kwargs):
            # Another upload of the same row commits between the check and the insert.
            StoryFactory(author=alice, title="Theirs", import_key=batch[0].row.import_key)
            yield batch

    monkeypatch.setattr(runs, "row_outcomes", racing)
    response = confirm(alice_client, story_import)
    monkeypatch.undo()

    page = alice_client.get(response["Location"])
    assert page.context["outcome"].already_imported == 1
    assert "1 insight added." in page.text
    assert sorted(Story.objects.values_list("title", flat=True)) == [
        "The app found my parcel in seconds",
        "Theirs",
    ]


def test_it_imports_nothing_from_a_file_with_no_valid_row(alice_client):
    preview_of(alice_client, csv_text([["", "idea", "", "", "", "", ""]]))
    story_import = StoryImport.objects.get()

    response = confirm(alice_client, story_import)

    page = alice_client.get(response["Location"])
    assert "Nothing was imported: no row of this file is valid." in page.text
    assert page.context["outcome"].rows_with_problems == 1
    assert Story.objects.count() == 0


@pytest.mark.parametrize("persona", ["bob", "ada"])
def test_it_keeps_an_upload_to_the_person_who_made_it(request, alice_client, persona):
    from tests.conftest import client_for

    preview_of(alice_client, csv_text(GOOD_ROWS))
    story_import = StoryImport.objects.get()
    other = client_for(request.getfixturevalue(persona))

    assert other.get(reverse("stories:import_preview", args=[story_import.pk])).status_code == 404
    assert confirm(other, story_import).status_code == 404
    assert Story.objects.count() == 0


def test_it_refuses_a_confirm_by_get(alice_client):
    preview_of(alice_client, csv_text(GOOD_ROWS))

    response = alice_client.get(
        reverse("stories:import_confirm", args=[StoryImport.objects.get().pk])
    )

    assert response.status_code == 405
    assert Story.objects.count() == 0


def test_it_clears_a_persons_day_old_unconfirmed_uploads(alice_client, alice, bob):
    old = StoryImport.objects.create(person=alice, filename="old.csv", content="title\n")
    StoryImport.objects.filter(pk=old.pk).update(created_at=old.created_at.replace(year=2020))
    bobs = StoryImport.objects.create(person=bob, filename="bob.csv", content="title\n")
    StoryImport.objects.filter(pk=bobs.pk).update(created_at=old.created_at.replace(year=2020))

    preview_of(alice_client, csv_text(GOOD_ROWS))

    assert not StoryImport.objects.filter(pk=old.pk).exists()
    assert StoryImport.objects.filter(pk=bobs.pk).exists()


def test_it_counts_a_story_already_in_the_app_only_when_imported(alice_client, alice):
    StoryFactory(author=alice, title="I waited 40 minutes to cancel", sentiment="frustration")

    response = preview_of(alice_client, csv_text(GOOD_ROWS))

    # A story typed into the form has no import key: the file's row is new to the import.
    assert response.context["preview"].to_import == 2


def test_it_explains_an_upload_that_no_longer_reads_instead_of_failing(alice_client, alice):
    story_import = StoryImport.objects.create(person=alice, filename="old.csv", content="title\n")
    preview = reverse("stories:import_preview", args=[story_import.pk])

    page = alice_client.get(preview)
    response = confirm(alice_client, story_import)

    assert "The first row has no “sentiment” column." in page.text
    assert response["Location"] == preview
    assert Story.objects.count() == 0
