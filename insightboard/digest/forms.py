"""The Digest page's forms: which week, which deliveries, the distribution lists, who may send."""

import datetime

from django import forms
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone

from insightboard.digest.models import DeliveryStatus, DigestPolicy, DistributionAddress
from insightboard.weeks import NotAWeek, last_complete_week, this_week, week_from_label


class WeekForm(forms.Form):
    """A week named like 2026-W47; none means the last complete week."""

    week = forms.CharField(required=False, max_length=8)

    def __init__(self, *args: object, complete: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # Sending needs a week that has ended; a preview may show this week so far.
        self.complete = complete

    def clean_week(self) -> datetime.date:
        label = self.cleaned_data["week"].strip()
        if not label:
            return last_complete_week()
        try:
            monday = week_from_label(label)
        except NotAWeek as error:
            raise forms.ValidationError(str(error)) from None
        latest = last_complete_week() if self.complete else this_week()
        if monday > latest:
            raise forms.ValidationError(
                "That week has not ended yet: a digest is sent once its week is over."
                if self.complete
                else "That week has not begun yet."
            )
        return monday

    @property
    def monday(self) -> datetime.date:
        """The week asked for, or the last complete week when the form was left empty."""
        return self.cleaned_data["week"] if self.is_valid() else last_complete_week()


# Waiting covers the deliveries not sent yet and those being sent right now.
WAITING = "waiting"
SHOWN_STATUSES = {
    DeliveryStatus.SENT.value: [DeliveryStatus.SENT],
    DeliveryStatus.FAILED.value: [DeliveryStatus.FAILED],
    DeliveryStatus.SKIPPED.value: [DeliveryStatus.SKIPPED],
    WAITING: [DeliveryStatus.PENDING, DeliveryStatus.CLAIMED],
}


class DeliveryFilterForm(forms.Form):
    status = forms.ChoiceField(
        required=False,
        choices=[
            ("", "All"),
            (DeliveryStatus.SENT.value, "Sent"),
            (DeliveryStatus.FAILED.value, "Failed"),
            (DeliveryStatus.SKIPPED.value, "Skipped"),
            (WAITING, "Waiting"),
        ],
    )

    @property
    def statuses(self) -> list[DeliveryStatus]:
        """The delivery states to list; all of them for a forged or empty choice."""
        status = self.cleaned_data.get("status", "") if self.is_valid() else ""
        return SHOWN_STATUSES.get(status, list(DeliveryStatus))

    @property
    def chosen(self) -> str:
        return str(self.cleaned_data.get("status", "")) if self.is_valid() else ""


class DistributionAddressForm(forms.Form):
    address = forms.EmailField(
        label="Add a list address",
        max_length=254,
        help_text="A mailing list such as all-staff@ or a team's list.",
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )

    def clean_address(self) -> str:
        address = str(self.cleaned_data["address"]).strip().lower()
        if DistributionAddress.objects.filter(
            address__iexact=address, unsubscribed_at__isnull=True
        ).exists():
            raise forms.ValidationError(f"{address} already gets the digest.")
        return address

    def save(self, *, added_by: User) -> DistributionAddress:
        """Add the list once (a double click adds nothing more); a list that was unsubscribed
        through a link in the email is added back, since an admin asks for it again."""
        address = self.cleaned_data["address"]
        values = {"added_by": added_by, "added_at": timezone.now(), "unsubscribed_at": None}
        try:
            with transaction.atomic():
                entry, _ = DistributionAddress.objects.update_or_create(
                    address=address, defaults=values
                )
        except IntegrityError:  # added by a second click a moment ago
            entry = DistributionAddress.objects.get(address=address)
        return entry


class DigestPolicyForm(forms.ModelForm[DigestPolicy]):
    class Meta:
        model = DigestPolicy
        fields = ["leaders_may_send"]
        help_texts = {
            "leaders_may_send": "They can then preview the digest, send a test to themselves, "
            "send it now and resend it to one person. Admins always can."
        }
