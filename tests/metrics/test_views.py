"""The metrics pages: everyone reads each metric's last weeks as a chart with the change in words
and an icon; only admins define metrics and record a week's value by form."""

from decimal import Decimal

import pytest
from django.urls import reverse

from insightboard.metrics.models import GoodDirection, Metric, MetricValue
from tests.metrics.factories import THIS_WEEK, MetricFactory, record, weeks_ago
from tests.metrics.pages import record_url, text_of, upload

pytestmark = pytest.mark.django_db

SIZES = [1, 50]


# --- The metrics page ---------------------------------------------------------------------------


def test_it_says_what_to_do_when_there_are_no_metrics(alice_client, ada_client):
    staff = alice_client.get(reverse("metrics:list"))
    admin = ada_client.get(reverse("metrics:list"))

    assert "No metrics yet: an admin can add the first." in staff.text
    assert reverse("metrics:create") not in staff.text
    assert "No metrics yet: an admin can add the first." in admin.text
    assert "Add the first metric" in admin.text


def test_it_says_when_a_metric_has_no_values_yet(alice_client):
    MetricFactory()

    response = alice_client.get(reverse("metrics:list"))

    assert "No values recorded yet." in response.text
    assert "<svg" not in response.text


def test_it_shows_the_latest_value_and_the_change_in_words_and_icon(alice_client):
    nps = MetricFactory(name="Repeat purchases", unit="%")
    wait = MetricFactory(name="Wait", unit="minutes", good_direction=GoodDirection.DOWN)
    record(nps, {0: "42", 1: "40"})
    record(wait, {0: "6.5", 1: "5"})

    response = alice_client.get(reverse("metrics:list"))
    words = text_of(response)

    assert response.status_code == 200
    assert "42%" in words
    assert "▲ Up 2 points on the week before (40%), +5.0%: better." in words
    assert "▲ Up 1.5 minutes on the week before (5 minutes), +30.0%: worse." in words
    assert 'class="metric-change better"' in response.text
    assert 'class="metric-change worse"' in response.text


def test_it_draws_an_accessible_chart_without_inline_styles(alice_client):
    nps = MetricFactory()
    record(nps, {0: "42", 1: "40", 2: "41"})

    response = alice_client.get(reverse("metrics:list"))

    assert 'role="img"' in response.text
    assert (
        f'aria-labelledby="metric-{nps.pk}-chart-title metric-{nps.pk}-chart-desc"' in response.text
    )
    assert "<title id=" in response.text
    assert "From 41 in the week of 2 Nov to 42 in the week of 16 Nov" in response.text
    assert "Values by week" in response.text  # the table with every value
    assert "style=" not in response.text
    assert "<polyline" in response.text


def test_it_escapes_what_admins_typed(alice_client):
    nasty = MetricFactory(
        name='<script>alert("m")</script>', unit="<b>u</b>", description="<img src=x>"
    )
    record(nasty, {0: "1", 1: "2"})

    response = alice_client.get(reverse("metrics:list"))

    assert "<script>alert" not in response.text
    assert "<b>u</b>" not in response.text
    assert "<img src=x>" not in response.text
    assert "&lt;script&gt;alert(&quot;m&quot;)&lt;/script&gt;" in response.text


@pytest.mark.parametrize("size", SIZES)
def test_it_shows_the_metrics_page_in_constant_queries(
    alice_client, django_assert_num_queries, size
):
    for number in range(size):
        record(
            MetricFactory(name=f"Metric {number}", unit="%"), {ago: str(ago) for ago in range(8)}
        )

    # Session, person, two permission reads, the metrics, their values, the header's profile.
    with django_assert_num_queries(7):
        response = alice_client.get(reverse("metrics:list"))

    assert response.status_code == 200
    assert response.text.count('class="metric-card"') == size


# --- Who may change metrics ---------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["alice_client", "hugo_client", "lena_client"])
def test_it_refuses_everyone_but_admins_and_writes_nothing(request, persona):
    client = request.getfixturevalue(persona)
    nps = MetricFactory()
    pages = [
        reverse("metrics:create"),
        reverse("metrics:edit", args=[nps.pk]),
        reverse("metrics:record", args=[nps.pk]),
        reverse("metrics:upload"),
    ]

    assert [client.get(page).status_code for page in pages] == [403] * 4
    assert client.post(pages[0], {"name": "Forged", "good_direction": "up"}).status_code == 403
    assert client.post(pages[1], {"name": "Renamed", "good_direction": "up"}).status_code == 403
    assert client.post(pages[2], {"week": "2026-11-16", "value": "1"}).status_code == 403
    assert upload(client, "metric,week,value\nNet Promoter Score,2026-11-16,1\n").status_code == 403
    assert list(Metric.objects.values_list("name", flat=True)) == ["Net Promoter Score"]
    assert not MetricValue.objects.exists()


# --- Defining metrics ---------------------------------------------------------------------------


def test_it_lets_an_admin_add_a_metric_and_go_on_to_record_it(ada_client):
    response = ada_client.post(
        reverse("metrics:create"),
        {"name": "  Repeat purchases ", "unit": " % ", "good_direction": "up", "description": ""},
        follow=True,
    )

    metric = Metric.objects.get()
    assert (metric.name, metric.unit, metric.good_direction) == ("Repeat purchases", "%", "up")
    assert response.redirect_chain[-1][0] == reverse("metrics:record", args=[metric.pk])
    assert "Added “Repeat purchases”. Record its first value." in response.text


def test_it_refuses_a_name_another_metric_has_in_any_case(ada_client):
    MetricFactory(name="NPS")

    response = ada_client.post(reverse("metrics:create"), {"name": "nps", "good_direction": "up"})

    assert response.status_code == 200
    assert "There is already a metric called “NPS”." in response.text
    assert 'value="nps"' in response.text
    assert Metric.objects.count() == 1


def test_it_keeps_the_saved_name_on_the_page_when_a_rename_is_refused(ada_client):
    MetricFactory(name="NPS")
    other = MetricFactory(name="Wait")

    response = ada_client.post(
        reverse("metrics:edit", args=[other.pk]), {"name": "NPS", "good_direction": "up"}
    )

    assert "Edit “Wait”" in response.text
    other.refresh_from_db()
    assert other.name == "Wait"


def test_it_lets_an_admin_change_which_direction_is_good(ada_client):
    wait = MetricFactory(name="Wait", good_direction=GoodDirection.UP)

    response = ada_client.post(
        reverse("metrics:edit", args=[wait.pk]),
        {"name": "Wait", "unit": "minutes", "good_direction": "down"},
    )

    assert response["Location"] == reverse("metrics:list")
    wait.refresh_from_db()
    assert (wait.unit, wait.good_direction) == ("minutes", "down")


def test_it_asks_which_direction_is_good_in_words(ada_client):
    response = ada_client.post(reverse("metrics:create"), {"name": "NPS"})

    assert "Say whether higher or lower is better." in response.text
    assert not Metric.objects.exists()


# --- Recording values by form -------------------------------------------------------------------


def test_it_records_a_value_for_the_week_of_any_day_and_says_so(ada_client, ada):
    nps = MetricFactory(unit="%")

    response = ada_client.post(record_url(nps), {"week": "2026-11-18", "value": "42"}, follow=True)

    value = MetricValue.objects.get()
    assert (value.week, value.value, value.recorded_by) == (THIS_WEEK, Decimal(42), ada)
    assert "Recorded 42% for Net Promoter Score in the week of 16 Nov." in response.text


def test_it_corrects_a_week_that_already_has_a_value(ada_client):
    nps = MetricFactory(unit="%")
    record(nps, {0: "40"})

    response = ada_client.post(record_url(nps), {"week": "2026-11-16", "value": "42"}, follow=True)

    assert MetricValue.objects.get().value == Decimal(42)
    assert "Corrected Net Promoter Score in the week of 16 Nov: 40% → 42%." in response.text


def test_it_says_nothing_changed_when_the_value_was_already_so(ada_client):
    nps = MetricFactory()
    record(nps, {1: "40"})

    response = ada_client.post(
        record_url(nps), {"week": "2026-11-10", "value": "40.0"}, follow=True
    )

    assert (
        "Net Promoter Score was already 40 in the week of 9 Nov: nothing changed." in response.text
    )


def test_it_offers_this_week_and_prefills_a_correction(ada_client):
    nps = MetricFactory()
    record(nps, {2: "38.5"})

    fresh = ada_client.get(record_url(nps))
    correction = ada_client.get(record_url(nps), {"week": "2026-11-04"})
    nonsense = ada_client.get(record_url(nps), {"week": "not-a-date"})

    assert 'value="2026-11-16"' in fresh.text
    assert 'value="2026-11-02"' in correction.text
    assert 'value="38.5"' in correction.text
    assert f'href="?week={weeks_ago(2):%Y-%m-%d}"' in fresh.text
    assert 'value="2026-11-16"' in nonsense.text


@pytest.mark.parametrize(
    ("week", "value", "message"),
    [
        ("2026-11-16", "forty-two", "“forty-two” is not a number: write it like 42 or 3.5."),
        ("2026-11-16", "42,5", "use a dot for decimals"),
        ("2026-11-16", "123456789012345678", "is too large"),
        ("2026-11-16", "", "Give a value, for example 42 or 3.5."),
        ("16th of November", "42", "That is not a date"),
        ("2026-13-45", "42", "That is not a date"),
        ("", "42", "Choose the week: any day in it."),
        ("2026-11-23", "42", "The week of 23 Nov has not started yet"),
    ],
)
def test_it_explains_bad_input_and_keeps_what_was_typed(ada_client, week, value, message):
    nps = MetricFactory()

    response = ada_client.post(record_url(nps), {"week": week, "value": value})

    assert response.status_code == 200
    assert message in response.text
    assert "Nothing you typed was lost." in response.text
    if value:
        assert f'value="{value}"' in response.text
    assert not MetricValue.objects.exists()


def test_it_records_a_huge_but_allowed_value(ada_client):
    nps = MetricFactory()

    ada_client.post(record_url(nps), {"week": "2026-11-16", "value": "-99999999999.9999"})

    # It reads back exactly on both databases (SQLite keeps it as a float) and the page shows it.
    assert MetricValue.objects.get().value == Decimal("-99999999999.9999")
    assert "-99,999,999,999.9999" in ada_client.get(reverse("metrics:list")).text


def test_it_answers_a_missing_metric_with_not_found(ada_client):
    assert ada_client.get(reverse("metrics:record", args=[999999])).status_code == 404
    assert ada_client.get(reverse("metrics:edit", args=[999999])).status_code == 404
