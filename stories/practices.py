"""Pages for practices 2 and 3 and the kudos wall: empathy exercise, executive report, Leaders'
corner, Customer kudos. The writes are in stories/practice_services.py."""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from insightboard.people.models import display_name
from insightboard.people.roles import signed_in
from stories import practice_services
from stories.forms import LAST_PAGE
from stories.models import (
    BODY_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    EmpathyAnswers,
    ExecutiveReport,
    Experience,
    Kind,
    ReportPlace,
    Sentiment,
    Story,
    StoryQuerySet,
    WouldStay,
)
from stories.selectors import reacted_story_ids

PAGE_SIZE = 20
MAX_CONVERSATIONS = 1000


# --- Forms --------------------------------------------------------------------------------------


class EmpathyForm(forms.ModelForm[EmpathyAnswers]):
    """The exercise's six questions, in the order a person thinks them through, then a headline."""

    experience = forms.ChoiceField(
        label="Was it a positive or a negative experience?",
        choices=Experience.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose positive, negative or a bit of both.",
            "invalid_choice": "Choose positive, negative or a bit of both.",
        },
    )
    would_stay = forms.ChoiceField(
        label="Would it make you keep doing business with them?",
        choices=WouldStay.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Say whether you would keep doing business with them.",
            "invalid_choice": "Choose yes, no or not sure.",
        },
    )
    title = forms.CharField(
        label="A headline for it",
        required=False,
        max_length=practice_services.HEADLINE_MAX_LENGTH,
        help_text="Optional: one line others see in lists, for example “Monzo fixed my card in "
        "two minutes”. Left empty, it reads “My experience with …”.",
    )

    class Meta:
        model = EmpathyAnswers
        fields = [
            "company",
            "experience",
            "what_made_it",
            "why_it_stood_out",
            "would_stay",
            "meaning_for_us",
        ]
        labels = {
            "company": "Which company or service was it?",
            "what_made_it": "What made it so?",
            "why_it_stood_out": "Why did it stand out in your mind?",
            "meaning_for_us": "What does it mean for our company?",
        }
        help_texts = {
            "company": "A shop, a bank, an app, a plumber: anyone you were a customer of lately.",
            "meaning_for_us": "Something we do the same way, or could learn from.",
        }
        widgets = {
            "what_made_it": forms.Textarea(attrs={"rows": 3}),
            "why_it_stood_out": forms.Textarea(attrs={"rows": 3}),
            "meaning_for_us": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "company": {"required": "Name the company or service you were a customer of."},
            "what_made_it": {"required": "Say what made it good or bad."},
            "why_it_stood_out": {"required": "Say why it stood out for you."},
            "meaning_for_us": {"required": "Say what it means for our company."},
        }


class OwnerChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{display_name(obj)} ({obj.email})" if obj.email else display_name(obj)


class ExecutiveReportForm(forms.ModelForm[ExecutiveReport]):
    """What a leader heard (the story) and how to use it (the report), on one form."""

    conversations = forms.IntegerField(
        label="How many conversations?",
        min_value=1,
        max_value=MAX_CONVERSATIONS,
        initial=1,
        error_messages={
            "required": "Say how many conversations it was.",
            "invalid": "Enter a whole number of conversations.",
            "min_value": "At least one conversation: that is what you report on.",
            "max_value": f"Up to {MAX_CONVERSATIONS} conversations in one report.",
        },
    )
    place = forms.ChoiceField(
        label="Where?",
        choices=ReportPlace.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose where the conversations happened.",
            "invalid_choice": "Choose one of the listed places.",
        },
    )
    happened_on = forms.DateField(
        label="When",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="The day of the (last) conversation; today if left empty.",
        error_messages={"invalid": "Enter a date such as 2026-11-18."},
    )
    title = forms.CharField(
        label="What did you hear?",
        max_length=TITLE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The headline: a quote or one sentence.",
        error_messages={"required": "Write the headline: what you heard, in a sentence."},
    )
    sentiment = forms.ChoiceField(
        label="Was it a success, a frustration or an idea?",
        choices=Sentiment.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose success, frustration or idea.",
            "invalid_choice": "Choose success, frustration or idea.",
        },
    )
    body = forms.CharField(
        label="The detail",
        required=False,
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Optional: the story behind it. Markdown works: **bold**, lists, links.",
        error_messages={
            "max_length": "Keep the detail to at most %(limit_value)d characters "
            "(this has %(show_value)d): trim it or link to the full text."
        },
    )
    action_owner = OwnerChoiceField(
        label="Who should own the action?",
        queryset=User.objects.none(),
        empty_label=None,
        help_text="Someone who can make it happen; it can be you.",
        error_messages={
            "required": "Choose who owns the suggested action.",
            "invalid_choice": "Choose the owner from the list.",
        },
    )

    class Meta:
        model = ExecutiveReport
        fields = [
            "spoke_with",
            "conversations",
            "place",
            "insight",
            "suggested_action",
            "action_owner",
        ]
        labels = {
            "spoke_with": "Who did you speak with?",
            "insight": "What is the usable insight?",
            "suggested_action": "What do you suggest we do?",
        }
        help_texts = {
            "spoke_with": "Customers, organisations or segments, e.g. “three florists in Leeds”.",
            "insight": "What we should take from it, in words a team can act on.",
        }
        widgets = {"insight": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "spoke_with": {"required": "Say who you spoke with."},
            "insight": {"required": "Write the usable insight."},
            "suggested_action": {"required": "Suggest an action."},
        }

    def __init__(self, *args: Any, leader: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only people who can still act can own an action.
        self.fields["action_owner"].queryset = (  # type: ignore[attr-defined]
            User.objects.filter(is_active=True)
            .select_related("profile")
            .order_by("profile__display_name", "pk")
        )
        if not self.is_bound:
            self.initial.setdefault("action_owner", leader.pk)


class PageForm(forms.Form):
    page = forms.IntegerField(required=False, min_value=1, max_value=LAST_PAGE)


def page_number(request: HttpRequest) -> int:
    """The page asked for; a forged or bad one is the first page, not an error."""
    form = PageForm(request.GET)
    return (form.cleaned_data.get("page") or 1) if form.is_valid() else 1


def one_page(stories: StoryQuerySet, page: int) -> tuple[list[Story], bool]:
    """A page of stories and whether there is another: one row more, never a COUNT."""
    offset = (page - 1) * PAGE_SIZE
    rows = list(stories[offset : offset + PAGE_SIZE + 1])
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


# --- Views --------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def empathy_create(request: HttpRequest) -> HttpResponse:
    form = EmpathyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        story = practice_services.empathy_exercise_create(
            author=signed_in(request), **form.cleaned_data
        )
        messages.success(request, "Thank you for sharing. That is customer empathy at work.")
        return redirect(story)
    return render(request, "stories/empathy_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def report_create(request: HttpRequest) -> HttpResponse:
    leader = signed_in(request)
    # Checked before the form is even built: a forged POST is refused, not validated.
    if not practice_services.may_file_reports(leader):
        raise PermissionDenied("Only leaders and admins file executive reports.")
    form = ExecutiveReportForm(request.POST or None, leader=leader)
    if request.method == "POST" and form.is_valid():
        story = practice_services.executive_report_create(author=leader, **form.cleaned_data)
        messages.success(request, "Filed. It is in the Leaders' corner for everyone to read.")
        return redirect(story)
    return render(request, "stories/executive_form.html", {"form": form})


@require_GET
def leaders(request: HttpRequest) -> HttpResponse:
    page = page_number(request)
    reports = (
        Story.objects.visible_to(request.user)
        .filter(kind=Kind.EXECUTIVE, report__isnull=False, merged_into__isnull=True)
        .select_related("author__profile", "report__action_owner__profile")
        .order_by("-created_at", "-id")
    )
    stories, has_next = one_page(reports, page)
    context = {
        "stories": stories,
        "page": page,
        "has_next": has_next,
        "cadences": practice_services.leaders_cadence(today=timezone.localdate()),
        "every_days": settings.INSIGHTBOARD_LEADER_REPORT_DAYS,
        "may_file": practice_services.may_file_reports(signed_in(request)),
    }
    return render(request, "stories/leaders.html", context)


@require_GET
def kudos(request: HttpRequest) -> HttpResponse:
    page = page_number(request)
    shout_outs = (
        Story.objects.company_wide()
        .filter(sentiment=Sentiment.SUCCESS, merged_into__isnull=True)
        .exclude(shout_out_to="")
        .for_listing()
        .order_by("-created_at", "-id")
    )
    stories, has_next = one_page(shout_outs, page)
    context = {
        "stories": stories,
        "page": page,
        "has_next": has_next,
        "reacted": reacted_story_ids(signed_in(request), stories),
    }
    return render(request, "stories/kudos.html", context)
