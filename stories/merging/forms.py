from typing import Any

from django import forms

from stories.forms import LARGEST_ID
from stories.merging.selectors import merge_problem
from stories.models import Story


class MergeForm(forms.Form):
    """Two story numbers: the duplicate and the story to keep; either may be chosen first."""

    source = forms.IntegerField(
        label="Duplicate to merge away",
        required=False,
        min_value=1,
        max_value=LARGEST_ID,
        help_text="Its number, as in the address of its page: /stories/123/.",
    )
    target = forms.IntegerField(
        label="Story to keep",
        required=False,
        min_value=1,
        max_value=LARGEST_ID,
        help_text="The one everyone will see from now on.",
    )

    def story(self, name: str) -> Story | None:
        number = self.cleaned_data.get(name)
        if number is None:
            return None
        story = Story.objects.filter(pk=number).first()
        if story is None:
            self.add_error(name, f"There is no story #{number}. Check the number, or search below.")
        return story

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        source, target = self.story("source"), self.story("target")
        cleaned["source_story"], cleaned["target_story"] = source, target
        if source and target:
            problem = merge_problem(source=source, target=target)
            if problem:
                self.add_error(None, problem)
        return cleaned
