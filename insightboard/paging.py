"""Lists a page at a time without counting the table: fetch one row more than a page.

The extra row says whether there is a next page; a COUNT over hundreds of thousands of stories
would cost more than the page itself. templates/includes/pagination.html draws the links.
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.http import HttpRequest

# Far beyond any real archive, and small enough that its OFFSET fits the database's integers.
LAST_PAGE = 1_000_000


@dataclass(frozen=True)
class Page[Row]:
    rows: list[Row]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def previous_number(self) -> int:
        return self.number - 1

    @property
    def next_number(self) -> int:
        return self.number + 1

    def __iter__(self) -> Iterator[Row]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


def page_of[Row](
    rows: "QuerySet[Any, Row] | Sequence[Row]", *, number: int, size: int
) -> Page[Row]:
    """Page `number` (from 1) of `size` rows, in one query for a queryset."""
    offset = (number - 1) * size
    fetched = list(rows[offset : offset + size + 1])
    return Page(rows=fetched[:size], number=number, has_next=len(fetched) > size)


class PageForm(forms.Form):
    page = forms.IntegerField(required=False, min_value=1, max_value=LAST_PAGE)


def page_number(request: HttpRequest) -> int:
    """The page asked for; a forged or bad one is the first page, not an error."""
    form = PageForm(request.GET)
    return (form.cleaned_data.get("page") or 1) if form.is_valid() else 1


@dataclass(frozen=True)
class Tally:
    """How many rows match, counted no further than a cap: shows as "42", or "1,000+" past it."""

    shown: int
    more: bool

    def __str__(self) -> str:
        return f"{self.shown:,}{'+' if self.more else ''}"


def tally(rows: "QuerySet[Any, Any]", *, cap: int) -> Tally:
    """Count the rows up to `cap` in one query that stops at cap + 1 rows, so a big table costs
    no more than a page of it."""
    counted = rows.order_by().values("pk")[: cap + 1].count()
    return Tally(shown=min(counted, cap), more=counted > cap)
