"""Who may do what with meetings, one function per question.

Views ask here and refuse with 403 and the reason (PermissionDenied) what a person can see but
may not do; what they may not even see is a 404, from the visible_to querysets. Templates ask the
same functions (meetings/templatetags/meeting_rights.py), so a control shows only to those its
view lets use it.
"""

from django.contrib.auth.models import AnonymousUser, User

from insightboard.people.roles import HOST_PERMISSION, is_admin
from meetings.models import ActionItem, Meeting, MeetingSeries, Opener


def may_set_up_meetings(person: User | AnonymousUser) -> bool:
    """Hosts and admins set up series and one-off meetings."""
    return person.has_perm(HOST_PERMISSION) or is_admin(person)


def may_edit_series(person: User | AnonymousUser, series: MeetingSeries) -> bool:
    """The series' hosts and admins change it."""
    if is_admin(person):
        return True
    # The hosts a page already fetched (prefetch_related), so a list of series asks nothing more.
    return isinstance(person, User) and any(host.pk == person.pk for host in series.hosts.all())


def may_host(person: User | AnonymousUser, meeting: Meeting) -> bool:
    """Hosts of the series (or whoever set up a one-off) and admins run the meeting."""
    if is_admin(person):
        return True
    if not isinstance(person, User):
        return False
    if meeting.series is None:
        return meeting.created_by_id == person.pk
    return may_edit_series(person, meeting.series)


def may_replace_opener(person: User | AnonymousUser, meeting: Meeting, opener: Opener) -> bool:
    """A host chooses another opener for a meeting ahead whose story was deleted or made private
    since it was kept; not its author, who still sees it and can share it again."""
    if opener.story is not None and opener.story.author_id == person.pk:
        return False
    return opener.may_be_replaced(meeting) and may_host(person, meeting)


def may_tick(person: User | AnonymousUser, action: ActionItem) -> bool:
    """An action's owner ticks it off, even without attending; so do the meeting's hosts."""
    return action.owner_id == person.pk or may_host(person, action.meeting)


def may_share_empathy(person: User | AnonymousUser, meeting: Meeting) -> bool:
    """Whoever's turn it is shares their experience; a host may write it down for them."""
    return meeting.empathy_sharer_id == person.pk or may_host(person, meeting)
