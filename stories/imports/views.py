"""Getting insights in (CSV upload, preview, confirm) and out (CSV and JSON export)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from insightboard.csv_upload import CsvUploadForm, UploadFileError
from insightboard.htmx import HtmxHttpRequest
from insightboard.people.roles import signed_in
from insightboard.submissions.decorators import submitted_once
from stories.forms import StoryFilterForm
from stories.imports import exports
from stories.imports.columns import IMPORT_COLUMNS
from stories.imports.rows import MAX_ROWS
from stories.imports.selectors import story_import_outcome, story_import_preview
from stories.imports.services import (
    MAX_UPLOAD_BYTES,
    ImportRefused,
    story_import_confirm,
    story_import_create,
)
from stories.models import StoryImport, StoryQuerySet
from stories.selectors import filtered_stories


def own_import(request: HttpRequest, import_id: int) -> StoryImport:
    """An upload of this person's; anyone else's (even for an admin) is a 404."""
    return get_object_or_404(StoryImport, pk=import_id, person=signed_in(request))


@require_http_methods(["GET", "POST"])
@submitted_once
def import_upload(request: HttpRequest) -> HttpResponse:
    posted = request.method == "POST"
    form = CsvUploadForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        max_bytes=MAX_UPLOAD_BYTES,
        help_text=f"UTF-8, at most {MAX_UPLOAD_BYTES // 1024 // 1024} MB and {MAX_ROWS:,} rows.",
    )
    if form.is_bound and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            story_import = story_import_create(
                person=signed_in(request), filename=upload.name or "upload.csv", data=upload.read()
            )
        except UploadFileError as error:
            form.add_error("file", str(error))
        else:
            return redirect("stories:import_preview", import_id=story_import.pk)
    context = {"form": form, "columns": IMPORT_COLUMNS}
    return render(request, "stories/import_upload.html", context)


@require_GET
def import_preview(request: HtmxHttpRequest, import_id: int) -> HttpResponse:
    """The file's preview until it is confirmed; then how its import goes, and what it did."""
    story_import = own_import(request, import_id)
    if story_import.confirmed_at is not None:
        return import_status(request, story_import)
    preview = problem = None
    try:
        preview = story_import_preview(story_import=story_import, person=signed_in(request))
    except UploadFileError as error:
        # Kept from before a rule changed: say what is wrong now rather than fail.
        problem = str(error)
    context = {"story_import": story_import, "preview": preview, "problem": problem}
    return render(request, "stories/import_preview.html", context)


def import_status(request: HtmxHttpRequest, story_import: StoryImport) -> HttpResponse:
    """The progress bar while a worker imports (htmx asks for the status part every second),
    then the outcome and the row-and-column report."""
    context = {"story_import": story_import, "outcome": story_import_outcome(story_import)}
    template = "stories/import_preview.html"
    response = render(request, f"{template}#status" if request.htmx else template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_POST
@submitted_once
def import_confirm(request: HttpRequest, import_id: int) -> HttpResponse:
    story_import = own_import(request, import_id)
    try:
        story_import_confirm(story_import=story_import, person=signed_in(request))
    except ImportRefused as refusal:
        messages.error(request, str(refusal))
    return redirect("stories:import_preview", import_id=story_import.pk)


def exported_stories(request: HttpRequest) -> StoryQuerySet:
    """The stories the list page would show with the same filters, every page of them."""
    return filtered_stories(request.user, StoryFilterForm(request.GET).story_filters())


def download(response: StreamingHttpResponse, extension: str) -> StreamingHttpResponse:
    filename = f"insightboard-insights-{timezone.localdate():%Y-%m-%d}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def export_csv(request: HttpRequest) -> StreamingHttpResponse:
    lines = exports.in_pieces(exports.csv_lines(exported_stories(request), request))
    return download(StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8"), "csv")


@require_GET
def export_json(request: HttpRequest) -> StreamingHttpResponse:
    chunks = exports.in_pieces(exports.json_chunks(exported_stories(request), request))
    return download(StreamingHttpResponse(chunks, content_type="application/json"), "json")
