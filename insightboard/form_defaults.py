"""A field the model has a default for is not one the person must fill in.

Django's model forms make such a field required (the model column is not blank), so the form
said "(required)" beside a channel or a date that already had a value and would have been
filled in anyway. With `BlankMeansDefault` the field is optional: left blank, a new row takes
the model's default and a saved one keeps its value. Only what the person must write says
"(required)".
"""

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db import models


class BlankMeansDefault(forms.BaseModelForm):  # type: ignore[type-arg]
    """A model-form mixin: fields with a model default are optional and default when blank."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, model_field in self.defaulted_fields().items():
            field = self.fields[name]
            field.required = False
            # Before the form's own clean_<name>, which may count on a value.
            field.clean = self.default_when_blank(field, model_field)  # type: ignore[method-assign, assignment]

    def defaulted_fields(self) -> dict[str, models.Field[Any, Any]]:
        found: dict[str, models.Field[Any, Any]] = {}
        for name in self.fields:
            try:
                model_field = self._meta.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if isinstance(model_field, models.Field) and model_field.has_default():
                found[name] = model_field
        return found

    def default_when_blank(
        self, field: forms.Field, model_field: models.Field[Any, Any]
    ) -> Callable[[Any], Any]:
        clean = field.clean

        def clean_or_default(value: Any) -> Any:
            cleaned = clean(value)
            if cleaned not in field.empty_values:
                return cleaned
            # Editing, a field emptied keeps what it was; a new row takes the default.
            if self.instance.pk is not None:
                return getattr(self.instance, model_field.attname)
            return model_field.get_default()

        return clean_or_default
