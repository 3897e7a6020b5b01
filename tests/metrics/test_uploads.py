"""Recording values by CSV: every row checked and previewed before anything is written, the preview
signed for the admin who uploaded it, and the same file twice recorded once."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core import signing
from django.urls import reverse

from insightboard.metrics.models import Metric, MetricValue
from insightboard.metrics.uploads import UPLOAD_MAX_ROWS, metric_upload_read, preview_sign
from tests.metrics.factories import NOW, THIS_WEEK, TODAY, MetricFactory, record, weeks_ago
from tests.metrics.pages import text_of, upload
from tests.people.factories import PersonFactory

pytestmark = pytest.mark.django_db


# --- Recording values by CSV --------------------------------------------------------------------

GOOD_CSV = """metric,week,value
Net Promoter Score,2026-11-16,42
Net Promoter Score,2026-11-09,40
wait on the phone,2026-W46,6.5
"""


@pytest.fixture
def csv_metrics():
    return MetricFactory(unit="%"), MetricFactory(name="Wait on the phone", unit="minutes")


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

    forged_response = ada_client.post(reverse("metrics:upload"), {"preview": forged}, follow=True)
    nonsense = ada_client.post(reverse("metrics:upload"), {"preview": "x"}, follow=True)

    assert "That preview has expired" in forged_response.text
    assert "That preview has expired" in nonsense.text
    assert not MetricValue.objects.exists()


def test_it_refuses_a_preview_signed_for_another_admin(ada_client, csv_metrics):
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
