"""The digest's pages: the archive of every week and one week's frozen digest, for everyone
signed in; the Digest page where admins (and leaders, if an admin allows it) preview, test, send
and follow a week's digest; and unsubscribing from a link in the email (a GET only asks;
changing anything takes a POST)."""

import datetime
import logging
import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import User
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db.models.fields.json import KT
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csp import get_nonce
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.csp import CSP
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csp import csp_override
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from insightboard.digest import runs
from insightboard.digest.forms import (
    DeliveryFilterForm,
    DigestPolicyForm,
    DistributionAddressForm,
    WeekForm,
)
from insightboard.digest.messages import (
    DigestMessage,
    address_of,
    host_of,
    shared_parts,
    visible_contents,
)
from insightboard.digest.models import (
    Delivery,
    DeliveryStatus,
    Digest,
    DigestPolicy,
    DigestStatus,
    DistributionAddress,
)
from insightboard.digest.presentation import shown
from insightboard.digest.relay import PermanentFailure, TemporaryFailure
from insightboard.digest.selectors import delivery_page, progress_of
from insightboard.digest.services import address_unsubscribe
from insightboard.digest.tasks import enqueue_batches
from insightboard.htmx import HtmxHttpRequest
from insightboard.paging import page_number, page_of
from insightboard.people.models import display_name
from insightboard.people.roles import LEADER_PERMISSION, is_admin, signed_in
from insightboard.submissions.decorators import submitted_once
from insightboard.weeks import (
    NotAWeek,
    last_complete_week,
    this_week,
    week_dates,
    week_from_label,
    week_label,
)

logger = logging.getLogger(__name__)

ARCHIVE_PAGE = 52  # a year of weeks
# While a digest is sending, its progress is asked for this often.
POLL_SECONDS = 2


# --- The archive, for everyone signed in -------------------------------------------------------


@require_GET
def archive(request: HttpRequest) -> HttpResponse:
    """Every week there is a record of: sent, skipped and why, failed and why."""
    digests = Digest.objects.annotate(verdict=KT("contents__verdict")).only(
        "week", "status", "reason", "sent_at", "compiled_at", "send_started_at"
    )
    page = page_of(digests, number=page_number(request), size=ARCHIVE_PAGE)
    person = signed_in(request)
    context = {"page": page, "may_send": may_send(person, DigestPolicy.current())}
    return render(request, "digest/archive.html", context)


@require_GET
def week(request: HttpRequest, label: str) -> HttpResponse:
    try:
        monday = week_from_label(label)
    except NotAWeek:
        raise Http404("No such week.") from None
    digest = Digest.objects.filter(week=monday).first()
    if digest is None:
        raise Http404("There is no digest for that week.")
    contents = shown(visible_contents(digest.contents)) if digest.contents else None
    person = signed_in(request)
    context = {
        "digest": digest,
        "contents": contents,
        "may_send": may_send(person, DigestPolicy.current()),
    }
    return render(request, "digest/week.html", context)


# --- The Digest page, for admins and (if allowed) leaders ---------------------------------------


def may_send(person: User, policy: DigestPolicy) -> bool:
    """Admins may preview and send the digest; leaders too when an admin allows it."""
    return is_admin(person) or (policy.leaders_may_send and person.has_perm(LEADER_PERMISSION))


def digest_sender(request: HttpRequest) -> tuple[User, DigestPolicy]:
    person = signed_in(request)
    policy = DigestPolicy.current()
    if not may_send(person, policy):
        raise PermissionDenied(
            "Only admins can preview and send the digest (and leaders, when an admin lets them)."
        )
    return person, policy


def digest_admin(request: HttpRequest) -> User:
    person = signed_in(request)
    if not is_admin(person):
        raise PermissionDenied("Only admins can change who gets the digest and who may send it.")
    return person


def manage_url(week: str, anchor: str = "") -> str:
    return f"{reverse('digest:manage')}?week={week}{f'#{anchor}' if anchor else ''}"


@vary_on_headers("HX-Request")
@require_GET
def manage(request: HtmxHttpRequest) -> HttpResponse:
    """A week's digest (the last complete week unless another is asked for): where it stands,
    sending it, its preview, the delivery log, and for admins the lists and the policy.

    While it sends, htmx asks this page for its progress every few seconds and gets the
    progress alone; the answer that finds it finished brings the status and the whole delivery
    log along (out of band), and stops the polling."""
    person, policy = digest_sender(request)
    week_form = WeekForm(request.GET)
    context = week_context(request, week_form.monday)
    if request.htmx:
        html = render_to_string("digest/manage.html#progress", context, request)
        digest = context["digest"]
        if digest is None or digest.status != DigestStatus.SENDING:
            context |= delivery_log(request, digest) | {"oob": True}
            html += render_to_string("digest/manage.html#status", context, request)
            html += render_to_string("digest/manage.html#deliveries", context, request)
        return HttpResponse(html)
    return manage_page(request, person=person, policy=policy, week_form=week_form)


def week_context(request: HttpRequest, monday: datetime.date) -> dict[str, Any]:
    """Where the week's digest stands: what the page and its progress partial both show."""
    digest = Digest.objects.filter(week=monday).first()
    label = week_label(monday)
    return {
        "week": monday,
        "label": label,
        "dates": week_dates(monday),
        "complete": monday <= last_complete_week(),
        "digest": digest,
        "progress": progress_of(digest),
        "poll_seconds": POLL_SECONDS,
        # Polling keeps the page's own filters, so the log it brings at the end matches.
        "poll_url": request.get_full_path() if request.method == "GET" else manage_url(label),
    }


def manage_page(
    request: HttpRequest,
    *,
    person: User,
    policy: DigestPolicy,
    week_form: WeekForm,
    list_form: DistributionAddressForm | None = None,
) -> HttpResponse:
    context = week_context(request, week_form.monday)
    digest = context["digest"]
    admin = is_admin(person)
    context |= delivery_log(request, digest) | {
        "week_form": week_form,
        "this_week": week_label(this_week()),
        "can_send_now": context["complete"]
        and (digest is None or digest.status in (DigestStatus.COMPILED, DigestStatus.FAILED)),
        "is_admin": admin,
        "lists": list(DistributionAddress.objects.all()) if admin else [],
        "list_form": list_form or DistributionAddressForm(),
        "policy_form": DigestPolicyForm(instance=policy),
        "preview_url": f"{reverse('digest:preview')}?week={context['label']}",
    }
    return render(request, "digest/manage.html", context)


def delivery_log(request: HttpRequest, digest: Digest | None) -> dict[str, Any]:
    filters = DeliveryFilterForm(request.GET)
    page = delivery_page(digest, statuses=filters.statuses, number=page_number(request))
    return {"filters": filters, "deliveries": page}


def digest_to_show(monday: Any) -> Digest:
    """The week's stored digest when it has contents (what was or will be sent, frozen);
    otherwise the digest as it stands now, stored nowhere."""
    digest = Digest.objects.filter(week=monday).first()
    if digest is not None and digest.contents:
        return digest
    return runs.digest_preview(week=monday)


# The email carries its CSS inline and nothing else: no scripts (but one with this response's
# nonce, and there is none), no images, no fonts, no forms; only the Digest page may frame it.
PREVIEW_POLICY = {
    "default-src": [CSP.NONE],
    "script-src": [CSP.NONCE],
    "style-src": [CSP.UNSAFE_INLINE],
    "frame-ancestors": [CSP.SELF],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.NONE],
}


@xframe_options_sameorigin
@csp_override(PREVIEW_POLICY)
@require_GET
def preview(request: HttpRequest) -> HttpResponse:
    """The email exactly as the person asking would get it (HTML, or ?format=text), for the Digest
    page's preview frame. Nothing is recorded."""
    person, _ = digest_sender(request)
    monday = WeekForm(request.GET).monday
    str(get_nonce(request))  # the policy names a nonce only once one was made
    try:
        digest = digest_to_show(monday)
        parts = shared_parts(digest)
    except Exception:
        logger.exception("The digest preview for the week of %s could not be built", monday)
        return HttpResponse(
            "The preview could not be built: the error is in the server's log. The digest "
            "itself fails the same way, and the archive will say so.",
            content_type="text/plain; charset=utf-8",
            status=500,
        )
    message = DigestMessage.personal(
        parts,
        recipient=person.email or "preview@invalid",
        name=display_name(person),
        person_id=person.pk,
        message_id=f"<preview.{uuid.uuid4().hex}@{host_of(settings.SITE_URL)}>",
        date=timezone.now(),
    )
    if request.GET.get("format") == "text":
        return HttpResponse(message.text, content_type="text/plain; charset=utf-8")
    # Links open in the whole window, not inside the preview frame.
    html = message.html.replace("<head>", '<head><base target="_top">', 1)
    return HttpResponse(html, content_type="text/html; charset=utf-8")


@require_POST
@submitted_once
def send_test(request: HttpRequest) -> HttpResponse:
    """A copy marked as a test, to the person asking alone: nothing is recorded or counted."""
    person, _ = digest_sender(request)
    monday = WeekForm(request.POST).monday
    label = week_label(monday)
    if not person.email:
        messages.error(request, "Your account has no email address to send the test to.")
        return redirect(manage_url(label))
    try:
        runs.send_test(digest_to_show(monday), to=person.email, person=person)
    except (TemporaryFailure, PermanentFailure) as problem:
        messages.error(request, f"The mail server did not take the test: {problem.text}")
    else:
        messages.success(
            request,
            f"Sent a test copy to {person.email}. It is marked as a test; nobody else got it and "
            "it changes nothing about the real send.",
        )
    return redirect(manage_url(label))


@require_POST
@submitted_once
def send_now(request: HttpRequest) -> HttpResponse:
    """Compile (if need be) and send a complete week's digest now. Safe to press twice: the
    week is compiled once and each person's delivery is made and sent once."""
    digest_sender(request)
    form = WeekForm(request.POST, complete=True)
    if not form.is_valid():
        messages.error(request, " ".join(str(error) for error in form.errors.get("week", [])))
        return redirect(reverse("digest:manage"))
    monday = form.cleaned_data["week"]
    label = week_label(monday)
    before = Digest.objects.filter(week=monday).values_list("status", flat=True).first()
    digest = runs.digest_send_now(week=monday)
    if digest.status == DigestStatus.SENDING:
        if before != DigestStatus.SENDING:
            enqueue_batches(digest)
        messages.success(request, f"Sending the digest for {digest.dates}. Follow it below.")
    elif digest.status == DigestStatus.SENT:
        messages.success(request, f"The digest for {digest.dates} was sent already.")
    elif digest.status == DigestStatus.SKIPPED:
        messages.error(request, f"Nothing was sent: {digest.reason}")
    else:
        messages.error(request, f"The digest could not be sent: {digest.reason}")
    return redirect(manage_url(label, "progress"))


@require_POST
@submitted_once
def resend(request: HttpRequest, delivery_id: int) -> HttpResponse:
    """Send one person's message again: the same message, with the same Message-ID."""
    digest_sender(request)
    delivery = get_object_or_404(Delivery.objects.select_related("digest"), pk=delivery_id)
    label = delivery.digest.label
    if delivery.status == DeliveryStatus.CLAIMED:
        messages.error(request, f"It is being sent to {delivery.address} right now.")
        return redirect(manage_url(label, "deliveries"))
    runs.delivery_resend(delivery=delivery)
    delivery.digest.refresh_from_db()
    enqueue_batches(delivery.digest)
    messages.success(request, f"Sending it again to {delivery.address}, with the same Message-ID.")
    return redirect(manage_url(label, "deliveries"))


@require_POST
@submitted_once
def list_add(request: HttpRequest) -> HttpResponse:
    person = digest_admin(request)
    form = DistributionAddressForm(request.POST)
    week_form = WeekForm(request.POST)
    if not form.is_valid():
        # The page again, with what was typed and what is wrong with it.
        return manage_page(
            request,
            person=person,
            policy=DigestPolicy.current(),
            week_form=week_form,
            list_form=form,
        )
    entry = form.save(added_by=person)
    messages.success(request, f"{entry.address} gets the digest from the next one on.")
    return redirect(manage_url(week_label(week_form.monday), "lists"))


@require_POST
def list_remove(request: HttpRequest, address_id: int) -> HttpResponse:
    digest_admin(request)
    entry = get_object_or_404(DistributionAddress, pk=address_id)
    entry.delete()
    week = WeekForm(request.POST).monday
    messages.success(request, f"{entry.address} gets no more digests.")
    return redirect(manage_url(week_label(week), "lists"))


@require_POST
def policy(request: HttpRequest) -> HttpResponse:
    digest_admin(request)
    form = DigestPolicyForm(request.POST, instance=DigestPolicy.current())
    if form.is_valid():  # a checkbox: always valid, unticked is False
        form.save()
    week = WeekForm(request.POST).monday
    messages.success(
        request,
        "Leaders may now preview and send the digest."
        if form.instance.leaders_may_send
        else "Only admins may preview and send the digest now.",
    )
    return redirect(manage_url(week_label(week), "policy"))


# --- Unsubscribing, with no sign-in --------------------------------------------------------------


@login_not_required
@csrf_exempt  # the one-click POST comes from a mail provider, with no session or cookie
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET: ask "stop the digest for this address?". POST (the email's one-click, RFC 8058, or
    the page's button): stop it; as often as it is asked, always 200."""
    try:
        address = address_of(token)
    except (signing.BadSignature, ValueError):
        # ValueError: a signature of ours over something that is not a token (another kind of
        # signed value with the same salt) decodes to nothing readable.
        return render(request, "digest/unsubscribe_invalid.html", status=400)
    done = request.method == "POST"
    if done:
        address_unsubscribe(address=address)
    return render(request, "digest/unsubscribe.html", {"address": address, "done": done})
