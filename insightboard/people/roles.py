"""Roles are Django groups; everyone signed in is staff, the groups add what they may do."""

from enum import StrEnum

from django.contrib.auth.decorators import permission_required
from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest


class Role(StrEnum):
    HOSTS = "Hosts"
    LEADERS = "Leaders"
    ADMINS = "Admins"


# Each group holds one of these (see people/migrations/0002_roles.py); superusers hold all.
HOST_PERMISSION = "people.host_meetings"
LEADER_PERMISSION = "people.file_executive_reports"
ADMIN_PERMISSION = "people.manage_everything"


def signed_in(request: HttpRequest) -> User:
    """The person behind a request that LoginRequiredMiddleware let through."""
    assert isinstance(request.user, User)
    return request.user


def is_admin(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.has_perm(ADMIN_PERMISSION))


# Pages only admins open. Like every refusal of something a person can see but may not do, it
# answers 403 with the reason; what they may not even see answers 404.
admin_required = permission_required(ADMIN_PERMISSION, raise_exception=True)
