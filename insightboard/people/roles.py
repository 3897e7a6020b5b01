"""Roles are Django groups; everyone signed in is staff, the groups add what they may do."""

import functools
from collections.abc import Callable
from enum import StrEnum
from typing import Concatenate

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse


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


ADMIN_REFUSAL = (
    "Only admins can do this. An InsightBoard admin at your company can do it for you, "
    "or give you the role."
)


def admin_required[R: HttpRequest, **P](
    view: Callable[Concatenate[R, P], HttpResponse],
) -> Callable[Concatenate[R, P], HttpResponse]:
    """Pages only admins open. Like every refusal of something a person can see but may not do,
    it answers 403 with the reason (the 403 page shows it); what they may not even see is 404."""

    def admins_only(request: R, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        if not is_admin(request.user):
            raise PermissionDenied(ADMIN_REFUSAL)
        return view(request, *args, **kwargs)

    functools.update_wrapper(admins_only, view)
    return admins_only
