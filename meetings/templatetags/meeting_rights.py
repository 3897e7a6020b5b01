"""What a person may do with a meeting, asked from templates with the functions the views ask
(meetings.permissions): a control is shown exactly to those its view lets use it."""

from django import template
from django.contrib.auth.models import AnonymousUser, User

from meetings import permissions
from meetings.models import ActionItem, Meeting, MeetingSeries

register = template.Library()


@register.filter
def may_edit_series(person: User | AnonymousUser, series: MeetingSeries) -> bool:
    return permissions.may_edit_series(person, series)


@register.filter
def may_tick(person: User | AnonymousUser, action: ActionItem) -> bool:
    return permissions.may_tick(person, action)


@register.filter
def may_share_empathy(person: User | AnonymousUser, meeting: Meeting) -> bool:
    return permissions.may_share_empathy(person, meeting)
