"""Roles are Django groups; everyone signed in is staff, the groups add what they may do."""

from enum import StrEnum

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


class Role(StrEnum):
    HOSTS = "Hosts"
    LEADERS = "Leaders"
    ADMINS = "Admins"


# Each group holds one of these (see people/migrations/0002_roles.py); superusers hold all.
HOST_PERMISSION = "people.host_meetings"
LEADER_PERMISSION = "people.file_executive_reports"
ADMIN_PERMISSION = "people.manage_everything"


def is_admin(user: AbstractBaseUser | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.has_perm(ADMIN_PERMISSION))
