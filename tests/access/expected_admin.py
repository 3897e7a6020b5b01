"""The admin is one rule: only admins get in (any method), everyone else is sent to sign in.
These are the admin pages whose answer to an admin is not a plain 200, or not a 200 to a POST."""

from tests.access.expected import ADMIN_SIGN_IN, ANY_SIGN_IN, STORY_PAGE, ByPersona, everyone
from tests.access.world import SIGNED_IN
from tests.url_walk import Route, has_no_row

# The read-only ledgers refuse any change: adding, deleting, and saving a change form.
READ_ONLY = {"GET": {"ada": 403}, "POST": {"ada": 403}}
READ_ONLY_CHANGE = {"POST": {"ada": 403}}
# django-axes' records: no adding; a change form is read-only, so sending it goes back to the list.
AXES_CHANGE = {"POST": {"ada": "redirected, not to sign in"}}

ADMIN_EXCEPTIONS: dict[str, dict[str, ByPersona]] = {
    "admin:login": {
        "GET": everyone("/admin/", anonymous=200) | dict.fromkeys(SIGNED_IN[:-1], 200),
        "POST": everyone(200, anonymous=200),
    },
    "admin:logout": {
        "GET": everyone("/admin/", anonymous=ADMIN_SIGN_IN) | {"ada": 405},
        "POST": everyone("/admin/", anonymous=ADMIN_SIGN_IN) | {"ada": "/accounts/login/"},
    },
    "admin:password_change_done": {"POST": {"ada": 405}},
    "admin:autocomplete": {"GET": {"ada": 403}, "POST": {"ada": 405}},  # needs its query string
    "admin:jsi18n": {"POST": {"ada": 405}},
    "admin:view_on_site": {"GET": {"ada": STORY_PAGE}, "POST": {"ada": STORY_PAGE}},
    "admin:axes_accessattempt_add": READ_ONLY,
    "admin:axes_accesslog_add": READ_ONLY,
    "admin:axes_accessfailurelog_add": READ_ONLY,
    "admin:axes_accessattempt_change": AXES_CHANGE,
    "admin:axes_accesslog_change": AXES_CHANGE,
    "admin:axes_accessfailurelog_change": AXES_CHANGE,
    # The digest's records are a ledger that sending depends on: read-only in the admin.
    "admin:digest_digest_add": READ_ONLY,
    "admin:digest_digest_delete": READ_ONLY,
    "admin:digest_digest_change": READ_ONLY_CHANGE,
    "admin:digest_delivery_add": READ_ONLY,
    "admin:digest_delivery_delete": READ_ONLY,
    "admin:digest_delivery_change": READ_ONLY_CHANGE,
    "admin:digest_featuredstory_add": READ_ONLY,
    "admin:digest_featuredstory_delete": READ_ONLY,
    "admin:digest_featuredstory_change": READ_ONLY_CHANGE,
    # One policy row, made when first needed: never added or deleted by hand; saving it works.
    "admin:digest_digestpolicy_add": READ_ONLY,
    "admin:digest_digestpolicy_delete": READ_ONLY,
    "admin:digest_digestpolicy_change": {"POST": {"ada": "redirected, not to sign in"}},
    # Background work waiting for the broker: the sweep and the workers' claims depend on it.
    "admin:outbox_handover_add": READ_ONLY,
    "admin:outbox_handover_delete": READ_ONLY,
    "admin:outbox_handover_change": READ_ONLY_CHANGE,
}


def admin_expectation(route: Route, method: str, persona: str) -> int | str:
    assert route.name is not None
    exceptions = ADMIN_EXCEPTIONS.get(route.name, {}).get(method, {})
    if persona in exceptions:
        return exceptions[persona]
    if persona == "anonymous":
        return ANY_SIGN_IN
    if persona != "ada":
        return ADMIN_SIGN_IN
    return "/admin/" if has_no_row(route) else 200
