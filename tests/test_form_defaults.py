"""A field the model has a default for is not marked "(required)": left blank, a new row takes
the default and a saved one keeps its value (insightboard/form_defaults.py)."""

import pytest

from meetings.forms import SeriesForm, TakeawayForm
from meetings.models import Cadence
from tests.meetings.factories import MeetingFactory

pytestmark = pytest.mark.django_db


def test_it_does_not_require_a_field_with_a_model_default():
    assert SeriesForm().fields["cadence"].required is False
    assert TakeawayForm().fields["resonated_with"].required is False
    assert SeriesForm().fields["name"].required is True


def test_it_keeps_a_saved_value_when_the_field_is_left_blank():
    meeting = MeetingFactory(resonated_with=4)

    form = TakeawayForm({"takeaway": "Call them back", "resonated_with": ""}, instance=meeting)

    assert form.is_valid(), form.errors
    assert form.cleaned_data["resonated_with"] == 4


def test_it_gives_a_new_row_the_model_default_when_left_blank():
    form = SeriesForm({"cadence": ""})

    form.is_valid()

    assert "cadence" not in form.errors
    assert form.cleaned_data["cadence"] == Cadence.WEEKLY
