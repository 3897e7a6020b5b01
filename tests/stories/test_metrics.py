"""Customer metrics: admins define them and record a value a week (by form or CSV); everyone sees
each metric's last weeks as a chart, with the change on the week before in words and an icon."""

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from insightboard.metrics.charts import metric_chart
from insightboard.metrics.models import GoodDirection, Metric, MetricValue
from insightboard.metrics.numbers import amount, difference, figure, parse_value, parse_week
from insightboard.metrics.selectors import Verdict, metrics_overview
from insightboard.metrics.services import metric_value_record
from insightboard.metrics.uploads import UPLOAD_MAX_ROWS, metric_upload_read, preview_sign
from insightboard.weeks import week_start as week_of

pytestmark = pytest.mark.django_db

# A Wednesday: this week began on Monday 16 Nov 2026.
NOW = datetime.datetime(2026, 11, 18, 12, 0, tzinfo=datetime.UTC)
TODAY = NOW.date()
THIS_WEEK = datetime.date(2026, 11, 16)
WEEK = datetime.timedelta(days=7)
SIZES = [1, 50]


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


def weeks_ago(count: int) -> datetime.date:
    return THIS_WEEK - WEEK * count


def make_metric(name: str = "Net Promoter Score", **fields) -> Metric:
    return Metric.objects.create(name=name, **fields)


def record(metric: Metric, values: dict[int, str]) -> None:
    """Values by how many weeks ago they were."""
    for ago, value in values.items():
        MetricValue.objects.create(metric=metric, week=weeks_ago(ago), value=Decimal(value))


def csv_file(text: str | bytes, name: str = "values.csv") -> SimpleUploadedFile:
    content = text.encode() if isinstance(text, str) else text
    return SimpleUploadedFile(name, content, content_type="text/csv")


def upload(client, text: str | bytes):
    return client.post(reverse("metrics:upload"), {"file": csv_file(text)})


def text_of(response) -> str:
    """The page's words, tags stripped and spaces squeezed, to check sentences people read."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", response.text))


# --- The overview selector ----------------------------------------------------------------------


def test_it_gives_each_metric_its_last_weeks_oldest_first_with_gaps():
    nps = make_metric(unit="")
    record(nps, {0: "42", 1: "40", 3: "35", 9: "10"})

    [overview] = metrics_overview(weeks=4)

    assert [week.week for week in overview.weeks] == [
        weeks_ago(3),
        weeks_ago(2),
        weeks_ago(1),
        THIS_WEEK,
    ]
    assert [week.value for week in overview.weeks] == [Decimal(35), None, Decimal(40), Decimal(42)]
    assert overview.latest.week == THIS_WEEK
    assert overview.previous.week == weeks_ago(1)
    assert overview.recorded_weeks == 3


def test_it_compares_the_latest_week_with_the_week_before():
    nps = make_metric(unit="%")
    record(nps, {0: "42", 1: "40"})

    [overview] = metrics_overview()

    assert overview.change.absolute == Decimal(2)
    assert overview.change.percent == Decimal("5.0")
    assert overview.change.direction == "up"
    assert overview.change.verdict == Verdict.BETTER
    assert overview.latest_text == "42%"
    assert overview.change_text == "Up 2 points on the week before (40%), +5.0%"


def test_it_calls_a_fall_better_when_lower_is_better():
    wait = make_metric("Wait on the phone", unit="minutes", good_direction=GoodDirection.DOWN)
    rises = make_metric("Refunds", unit="£", good_direction=GoodDirection.DOWN)
    record(wait, {0: "3.5", 1: "5"})
    record(rises, {0: "1200", 1: "1000"})

    by_name = {overview.metric.name: overview for overview in metrics_overview()}

    assert by_name["Wait on the phone"].change.verdict == Verdict.BETTER
    assert by_name["Wait on the phone"].change_text == (
        "Down 1.5 minutes on the week before (5 minutes), -30.0%"
    )
    assert by_name["Refunds"].change.verdict == Verdict.WORSE
    assert by_name["Refunds"].change_text == "Up £200 on the week before (£1,000), +20.0%"


def test_it_says_same_when_nothing_moved_and_nothing_without_the_week_before():
    flat = make_metric("Flat")
    lonely = make_metric("Lonely")
    record(flat, {0: "7", 1: "7"})
    record(lonely, {0: "7", 2: "6"})

    by_name = {overview.metric.name: overview for overview in metrics_overview()}

    assert by_name["Flat"].change.verdict == Verdict.SAME
    assert by_name["Flat"].change_text == "No change on the week before"
    assert by_name["Lonely"].previous is None
    assert by_name["Lonely"].change is None


def test_it_compares_the_oldest_week_shown_with_the_week_before_the_window():
    nps = make_metric()
    record(nps, {3: "30", 4: "20"})

    [overview] = metrics_overview(weeks=4)

    assert overview.latest.week == weeks_ago(3)
    assert overview.previous.value == Decimal(20)
    assert overview.change.absolute == Decimal(10)
    assert Decimal(20) not in [week.value for week in overview.weeks]


def test_it_leaves_the_percentage_out_after_a_zero_week():
    complaints = make_metric("Complaints", good_direction=GoodDirection.DOWN)
    record(complaints, {0: "3", 1: "0"})

    [overview] = metrics_overview()

    assert overview.change.percent is None
    assert overview.change_text == "Up 3 on the week before (0)"


def test_it_reads_the_weeks_up_to_a_given_day():
    nps = make_metric()
    record(nps, {0: "42", 1: "40", 2: "38"})

    [overview] = metrics_overview(weeks=2, until=weeks_ago(1) + datetime.timedelta(days=6))

    assert overview.latest.week == weeks_ago(1)
    assert overview.latest.value == Decimal(40)
    assert overview.previous.value == Decimal(38)


@pytest.mark.parametrize("size", SIZES)
def test_it_reads_the_overview_in_two_queries(django_assert_num_queries, size):
    for number in range(size):
        record(make_metric(f"Metric {number}"), {ago: str(ago) for ago in range(8)})

    with django_assert_num_queries(2):
        overviews = metrics_overview()

    assert len(overviews) == size
    assert all(overview.recorded_weeks == 8 for overview in overviews)


# --- Reading and writing numbers ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("42", "42"),
        (" -3.5 ", "-3.5"),
        ("1,234.5", "1234.5"),
        ("1e3", "1000"),
        ("0.123456", "0.1235"),
        ("99999999999.9999", "99999999999.9999"),
    ],
)
def test_it_reads_numbers_as_people_type_them(typed, value):
    assert parse_value(typed) == Decimal(value)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Give a value"),
        ("forty", "“forty” is not a number"),
        ("42,5", "use a dot for decimals"),
        ("NaN", "is not a number"),
        ("Infinity", "is not a number"),
        ("100000000000", "is too large"),
        ("-1e20", "is too large"),
        ("9" * 5000, "is not a number we can record"),
    ],
)
def test_it_refuses_what_is_not_a_number_it_can_keep(typed, message):
    from insightboard.metrics.numbers import MetricInputError

    with pytest.raises(MetricInputError, match=message):
        parse_value(typed)


def test_it_counts_any_day_in_the_week_it_falls_in():
    assert parse_week("2026-11-22", today=TODAY) == THIS_WEEK  # a Sunday
    assert parse_week("2026-W47", today=TODAY) == THIS_WEEK
    assert week_of(datetime.date(2026, 11, 16)) == THIS_WEEK


def test_it_writes_values_with_their_units():
    assert figure(Decimal("1234.5000")) == "1,234.5"
    assert figure(Decimal("100.0000")) == "100"
    assert figure(Decimal("-0.0000")) == "0"
    assert amount(Decimal("42.0000"), "%") == "42%"
    assert amount(Decimal("-5"), "£") == "-£5"
    assert amount(Decimal("3.5"), "minutes") == "3.5 minutes"
    assert difference(Decimal("-1"), "%") == "1 point"


def test_it_records_only_mondays_in_the_service():
    from insightboard.metrics.services import MetricWeekError

    with pytest.raises(MetricWeekError):
        metric_value_record(
            metric=make_metric(), week=THIS_WEEK + WEEK / 7, value=Decimal(1), person=None
        )


# --- The chart ----------------------------------------------------------------------------------


def test_it_draws_the_weeks_with_a_gap_where_one_was_not_recorded():
    nps = make_metric(unit="%")
    record(nps, {0: "40", 1: "50", 3: "30", 4: "20"})

    [overview] = metrics_overview(weeks=5)
    chart = metric_chart(overview)

    assert len(chart.points) == 4
    assert len(chart.lines) == 2  # 4 and 3 weeks ago, then last week and this one
    lowest, highest = chart.points[0], chart.points[2]
    assert lowest.y > highest.y  # lower values sit lower in the picture
    assert chart.points[-1].latest
    assert chart.title == "Net Promoter Score, the last 5 weeks"
    assert chart.description == (
        "From 20% in the week of 19 Oct to 40% in the week of 16 Nov; "
        "lowest 20%, highest 50%. 1 week not recorded."
    )


def test_it_puts_a_flat_series_in_the_middle():
    nps = make_metric()
    record(nps, {0: "5", 1: "5"})

    [overview] = metrics_overview(weeks=2)
    chart = metric_chart(overview)

    assert {point.y for point in chart.points} == {chart.height / 2}


# --- The metrics page ---------------------------------------------------------------------------


def test_it_says_what_to_do_when_there_are_no_metrics(alice_client, ada_client):
    staff = alice_client.get(reverse("metrics:list"))
    admin = ada_client.get(reverse("metrics:list"))

    assert "No metrics yet: an admin can add the first." in staff.text
    assert reverse("metrics:create") not in staff.text
    assert "No metrics yet: an admin can add the first." in admin.text
    assert "Add the first metric" in admin.text


def test_it_says_when_a_metric_has_no_values_yet(alice_client):
    make_metric()

    response = alice_client.get(reverse("metrics:list"))

    assert "No values recorded yet." in response.text
    assert "<svg" not in response.text


def test_it_shows_the_latest_value_and_the_change_in_words_and_icon(alice_client):
    nps = make_metric("Repeat purchases", unit="%")
    wait = make_metric("Wait", unit="minutes", good_direction=GoodDirection.DOWN)
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
    nps = make_metric()
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
    nasty = make_metric('<script>alert("m")</script>', unit="<b>u</b>", description="<img src=x>")
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
        record(make_metric(f"Metric {number}", unit="%"), {ago: str(ago) for ago in range(8)})

    # Session, person, two permission reads, the metrics, their values, the header's profile.
    with django_assert_num_queries(7):
        response = alice_client.get(reverse("metrics:list"))

    assert response.status_code == 200
    assert response.text.count('class="metric-card"') == size


# --- Who may change metrics ---------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["alice_client", "hugo_client", "lena_client"])
def test_it_refuses_everyone_but_admins_and_writes_nothing(request, persona):
    client = request.getfixturevalue(persona)
    nps = make_metric()
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
    make_metric("NPS")

    response = ada_client.post(
        reverse("metrics:create"), {"name": "nps", "good_direction": "up"}
    )

    assert response.status_code == 200
    assert "There is already a metric called “NPS”." in response.text
    assert 'value="nps"' in response.text
    assert Metric.objects.count() == 1


def test_it_keeps_the_saved_name_on_the_page_when_a_rename_is_refused(ada_client):
    make_metric("NPS")
    other = make_metric("Wait")

    response = ada_client.post(
        reverse("metrics:edit", args=[other.pk]), {"name": "NPS", "good_direction": "up"}
    )

    assert "Edit “Wait”" in response.text
    other.refresh_from_db()
    assert other.name == "Wait"


def test_it_lets_an_admin_change_which_direction_is_good(ada_client):
    wait = make_metric("Wait", good_direction=GoodDirection.UP)

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


def record_url(metric: Metric) -> str:
    return reverse("metrics:record", args=[metric.pk])


def test_it_records_a_value_for_the_week_of_any_day_and_says_so(ada_client, ada):
    nps = make_metric(unit="%")

    response = ada_client.post(record_url(nps), {"week": "2026-11-18", "value": "42"}, follow=True)

    value = MetricValue.objects.get()
    assert (value.week, value.value, value.recorded_by) == (THIS_WEEK, Decimal(42), ada)
    assert "Recorded 42% for Net Promoter Score in the week of 16 Nov." in response.text


def test_it_corrects_a_week_that_already_has_a_value(ada_client):
    nps = make_metric(unit="%")
    record(nps, {0: "40"})

    response = ada_client.post(record_url(nps), {"week": "2026-11-16", "value": "42"}, follow=True)

    assert MetricValue.objects.get().value == Decimal(42)
    assert "Corrected Net Promoter Score in the week of 16 Nov: 40% → 42%." in response.text


def test_it_says_nothing_changed_when_the_value_was_already_so(ada_client):
    nps = make_metric()
    record(nps, {1: "40"})

    response = ada_client.post(
        record_url(nps), {"week": "2026-11-10", "value": "40.0"}, follow=True
    )

    assert (
        "Net Promoter Score was already 40 in the week of 9 Nov: nothing changed." in response.text
    )


def test_it_offers_this_week_and_prefills_a_correction(ada_client):
    nps = make_metric()
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
    nps = make_metric()

    response = ada_client.post(record_url(nps), {"week": week, "value": value})

    assert response.status_code == 200
    assert message in response.text
    assert "Nothing you typed was lost." in response.text
    if value:
        assert f'value="{value}"' in response.text
    assert not MetricValue.objects.exists()


def test_it_records_a_huge_but_allowed_value(ada_client):
    nps = make_metric()

    ada_client.post(record_url(nps), {"week": "2026-11-16", "value": "-99999999999.9999"})

    # It reads back exactly on both databases (SQLite keeps it as a float) and the page shows it.
    assert MetricValue.objects.get().value == Decimal("-99999999999.9999")
    assert "-99,999,999,999.9999" in ada_client.get(reverse("metrics:list")).text


def test_it_answers_a_missing_metric_with_not_found(ada_client):
    assert ada_client.get(reverse("metrics:record", args=[999999])).status_code == 404
    assert ada_client.get(reverse("metrics:edit", args=[999999])).status_code == 404


# --- Recording values by CSV --------------------------------------------------------------------

GOOD_CSV = """metric,week,value
Net Promoter Score,2026-11-16,42
Net Promoter Score,2026-11-09,40
wait on the phone,2026-W46,6.5
"""


@pytest.fixture
def csv_metrics():
    return make_metric(unit="%"), make_metric("Wait on the phone", unit="minutes")


def test_it_previews_an_upload_and_writes_nothing_until_confirmed(ada_client, ada, csv_metrics):
    nps, _ = csv_metrics
    record(nps, {1: "38"})

    preview = upload(ada_client, GOOD_CSV)

    assert preview.status_code == 200
    words = text_of(preview)
    assert "All 3 rows can be recorded" in words
    assert "2 new, 1 correction." in words
    assert "Corrects 38%" in words
    assert "Record 3 values" in words
    assert MetricValue.objects.get().value == Decimal(38)

    signed = preview.context["preview"]
    done = ada_client.post(reverse("metrics:upload"), {"preview": signed}, follow=True)

    assert "Recorded 3 values: 2 new, 1 corrected." in done.text
    assert sorted(MetricValue.objects.values_list("metric__name", "week", "value")) == [
        ("Net Promoter Score", weeks_ago(1), Decimal(40)),
        ("Net Promoter Score", THIS_WEEK, Decimal(42)),
        ("Wait on the phone", weeks_ago(1), Decimal("6.5")),
    ]
    assert set(MetricValue.objects.values_list("recorded_by", flat=True)) == {ada.pk}


def test_it_records_a_confirmed_upload_once_when_confirmed_twice(ada_client, csv_metrics):
    signed = upload(ada_client, GOOD_CSV).context["preview"]
    ada_client.post(reverse("metrics:upload"), {"preview": signed})

    again = ada_client.post(reverse("metrics:upload"), {"preview": signed}, follow=True)

    assert "Nothing changed: every value in the file was already recorded." in again.text
    assert MetricValue.objects.count() == 3


def test_it_adds_nothing_when_the_same_file_comes_again(ada_client, csv_metrics):
    first = upload(ada_client, GOOD_CSV)
    ada_client.post(reverse("metrics:upload"), {"preview": first.context["preview"]})

    again = upload(ada_client, GOOD_CSV)

    assert "Nothing to change" in again.text
    assert 'name="preview"' not in again.text
    assert MetricValue.objects.count() == 3


def test_it_reports_every_bad_row_by_row_and_column_and_writes_nothing(ada_client, csv_metrics):
    text = """Metric , Week,Value,comment
Net Promoter Score,2026-11-16,42,fine
Net Promoter Scor,2026-11-16,41,typo
Net Promoter Score,16/11/2026,41,a date in another order
Net Promoter Score,2026-11-09,forty,words
Net Promoter Score,2026-11-02,1e40,huge
Net Promoter Score,2026-11-18,43,same week as row 2
Net Promoter Score,2026-12-01,43,future
"=HYPERLINK(""http://evil.example"",""click"")",2026-11-16,1,formula
"""
    response = upload(ada_client, text)

    assert response.status_code == 200
    problems = [(p.row, p.column) for p in response.context["report"].problems]
    assert problems == [
        (3, "metric"),
        (4, "week"),
        (5, "value"),
        (6, "value"),
        (7, "week"),
        (8, "week"),
        (9, "metric"),
    ]
    words = text_of(response)
    assert "Nothing was recorded" in words
    assert "The file has 7 problems. Fix them in the file and upload it again." in words
    assert "There is no metric called “Net Promoter Scor”" in words
    assert "“16/11/2026” is not a date: write it as year-month-day, like 2025-11-17." in words
    assert "Row 2 already gives Net Promoter Score for the week of 16 Nov" in words
    assert "The week of 30 Nov has not started yet" in words
    assert "=HYPERLINK(&quot;http://evil.example&quot;" in response.text
    assert 'name="preview"' not in response.text
    assert not MetricValue.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty"),
        (b"\xef\xbb\xbf\n\n", "The file is empty"),
        (b"metric,week,value\n", "The file has a header row but no values under it."),
        (b"metric,date,amount\nNPS,2026-11-16,4\n", "week and value are missing"),
        (b"name,date,amount\nNPS,2026-11-16,4\n", "metric, week and value are missing"),
        (
            "metric,week,value\nNet Promoter Score,2026-11-16,4\nCaf\u00e9,2026-11-16,3\n".encode(
                "latin-1"
            ),
            "The file is not UTF-8 text",
        ),
        (
            b'metric,week,value\nNet Promoter Score,2026-11-16,"42\n',
            "check for a missing or stray quote",
        ),
        (
            b'metric,week,value\n"Net Promoter Score"x,2026-11-16,42\n',
            "check for a missing or stray quote",
        ),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "The file is not UTF-8 text"),
    ],
)
def test_it_explains_a_file_it_cannot_use(ada_client, csv_metrics, content, message):
    response = upload(ada_client, content)

    assert response.status_code == 200
    assert message in response.text
    assert 'name="preview"' not in response.text
    assert not MetricValue.objects.exists()


def test_it_names_the_row_with_the_bad_bytes():
    content = "metric,week,value\nNPS,2026-11-16,4\nCaf\u00e9,2026-11-16,3\n".encode("latin-1")

    report = metric_upload_read(content, today=TODAY)

    assert [(problem.row, problem.column) for problem in report.problems] == [(3, "")]


def test_it_reads_a_spreadsheet_export_with_a_byte_order_mark(csv_metrics):
    content = '\ufeffmetric,week,value\r\nNet Promoter Score,2026-11-16,"1,234"\r\n'.encode()

    report = metric_upload_read(content, today=TODAY)

    assert report.problems == []
    assert [row.value for row in report.rows] == [Decimal(1234)]


def test_it_refuses_a_cell_of_ten_megabytes(csv_metrics):
    content = b"metric,week,value\nNet Promoter Score,2026-11-16," + b"9" * 10_000_000 + b"\n"

    report = metric_upload_read(content, today=TODAY)

    assert report.rows == []
    assert len(report.problems) == 1


def test_it_refuses_a_file_too_big_to_upload(ada_client, csv_metrics):
    content = b"metric,week,value\n" + b"Net Promoter Score,2026-11-16,42\n" * 70_000

    response = upload(ada_client, content)

    assert "files can be at most 2 MB. Split it into smaller files." in response.text
    assert not MetricValue.objects.exists()


def test_it_stops_after_the_most_rows_one_file_may_hold(csv_metrics):
    rows = "".join(
        f"Net Promoter Score,{weeks_ago(n):%Y-%m-%d},{n}\n" for n in range(UPLOAD_MAX_ROWS + 1)
    )

    report = metric_upload_read(f"metric,week,value\n{rows}".encode(), today=TODAY)

    assert report.problems[-1].message == "The file has more than 10,000 rows: split it in two."


def test_it_lists_a_hundred_problems_and_counts_the_rest(ada_client, csv_metrics):
    rows = "".join(f"Nobody,2026-11-16,{n}\n" for n in range(150))

    response = upload(ada_client, f"metric,week,value\n{rows}")

    assert len(response.context["report"].problems) == 100
    assert "And 50 more problems not listed." in response.text


def test_it_refuses_a_forged_or_stale_preview(ada_client, csv_metrics):
    nps, _ = csv_metrics
    forged = signing.dumps([[nps.pk, "2026-11-16", "1"]], salt="someone else's", compress=True)

    forged_response = ada_client.post(
        reverse("metrics:upload"), {"preview": forged}, follow=True
    )
    nonsense = ada_client.post(reverse("metrics:upload"), {"preview": "x"}, follow=True)

    assert "That preview has expired" in forged_response.text
    assert "That preview has expired" in nonsense.text
    assert not MetricValue.objects.exists()


def test_it_refuses_a_preview_signed_for_another_admin(ada_client, csv_metrics):
    from tests.factories import PersonFactory

    other_admin = PersonFactory(roles=["Admins"])
    report = metric_upload_read(GOOD_CSV.encode(), today=TODAY)
    theirs = preview_sign(report.rows, person=other_admin)

    response = ada_client.post(reverse("metrics:upload"), {"preview": theirs}, follow=True)

    assert "That preview has expired" in response.text
    assert not MetricValue.objects.exists()


def test_it_refuses_a_preview_whose_metric_was_deleted_meanwhile(ada_client, csv_metrics):
    preview = upload(ada_client, GOOD_CSV)
    Metric.objects.filter(name="Wait on the phone").delete()

    response = ada_client.post(
        reverse("metrics:upload"), {"preview": preview.context["preview"]}, follow=True
    )

    assert "a metric in it was deleted meanwhile" in response.text
    assert not MetricValue.objects.exists()


def test_it_refuses_a_preview_after_an_hour(ada_client, csv_metrics):
    preview = upload(ada_client, GOOD_CSV)

    with time_machine.travel(NOW + datetime.timedelta(hours=2), tick=False):
        response = ada_client.post(
            reverse("metrics:upload"), {"preview": preview.context["preview"]}, follow=True
        )

    assert "That preview has expired" in response.text
    assert not MetricValue.objects.exists()


def test_it_asks_for_a_file_when_none_came(ada_client):
    response = ada_client.post(reverse("metrics:upload"), {})

    assert "Choose a CSV file to upload." in response.text


def test_it_explains_the_file_layout_with_the_real_metric_names(ada_client, csv_metrics):
    response = ada_client.get(reverse("metrics:upload"))

    assert "Net Promoter Score,2025-11-17,42" in response.text
    assert "Net Promoter Score, Wait on the phone" in response.text
