"""Who gets what, on every page, with each method: the table the walk in test_matrix.py checks.

Personas (tests/access/world.py): anonymous; alice, staff, who wrote the walk's stories (one
company-wide, one private) and attends hugo's series; bob, staff with no part in any of it; hugo,
who hosts the walk's series; holly, who hosts another; lena, a leader; ada, an admin.

Each POST carries a valid CSRF token and no data, so a form answers with its errors (200, or 400
on the meeting page), a button does its one thing and redirects (302), and a refusal says why
(403) or that there is nothing here for this person (404). A method a view does not take is 405.
"""

from tests.access.world import PERSONAS

Expected = int | str
ByPersona = dict[str, Expected]
Row = dict[str, ByPersona]  # method -> persona -> answer

SIGN_IN = "redirected to sign in"
ADMIN_SIGN_IN = "redirected to the admin's sign in"
ANY_SIGN_IN = "redirected to either sign-in page"
STORY_PAGE = "redirected to the story's page"
ELSEWHERE = "redirected, not to sign in"


def everyone(status: Expected, anonymous: Expected = SIGN_IN) -> ByPersona:
    return {"anonymous": anonymous} | dict.fromkeys(PERSONAS[1:], status)


def only(personas: str, status: Expected, others: Expected) -> ByPersona:
    """`status` for the named personas (space-separated), `others` for everyone signed in."""
    return everyone(others) | dict.fromkeys(personas.split(), status)


def page(get: ByPersona, post: ByPersona | None = None) -> dict[str, ByPersona]:
    """A page (GET) that takes no POST unless `post` says what each persona gets."""
    return {"GET": get, "POST": post or everyone(405)}


def button(post: ByPersona) -> dict[str, ByPersona]:
    """A POST-only address (a button or a form's target): GET is 405."""
    return {"GET": everyone(405), "POST": post}


def form(both: ByPersona, after: Expected = 200) -> dict[str, ByPersona]:
    """A form page: who may open it may send it (empty, it answers `after`); others are refused
    the same way both times."""
    sent = {persona: (after if status == 200 else status) for persona, status in both.items()}
    return {"GET": both, "POST": sent}


ADMINS = "ada"
HOSTS = "hugo holly ada"  # hosts (of any series) and admins set up meetings
THIS_SERIES = "hugo ada"  # this series' hosts and admins run its meetings
IN_THE_MEETING = "alice hugo ada"  # who sees the meeting: its hosts, attendees and admins
AUTHOR = "alice ada"  # the author of the walk's stories, and admins
OPEN_405 = everyone(405, anonymous=405)  # a method refused on a page open to everyone

SITE: dict[str, dict[str, ByPersona]] = {
    "home": page(everyone(200)),
    "healthz": page(everyone(200, anonymous=200), post=OPEN_405),
    # --- Insights: everyone signed in logs, reads, reacts; only the author or an admin changes.
    "stories:list": page(everyone(200)),
    "stories:create": form(everyone(200)),
    "stories:tag_suggestions": page(everyone(200)),
    "stories:similar": page(everyone(200)),
    "stories:kudos": page(everyone(200)),
    "stories:detail": page(everyone(200)),
    "stories:edit": form(only(AUTHOR, 200, others=403)),
    "stories:delete": form(only(AUTHOR, 200, others=403), after="/stories/"),
    "stories:hear_too": button(everyone(STORY_PAGE)),  # the author is told, not counted
    "stories:same_as": button(everyone(STORY_PAGE)),
    # Getting insights in and out: an upload is its uploader's alone (the walk's is alice's).
    "stories:import": form(everyone(200)),
    "stories:import_preview": page(only("alice", 200, others=404)),
    "stories:import_confirm": button(only("alice", ELSEWHERE, others=404)),
    "stories:export_csv": page(everyone(200)),
    "stories:export_json": page(everyone(200)),
    # Duplicates: only admins merge and undo.
    "stories:merge": form(only(ADMINS, 200, others=403)),
    "stories:unmerge": button(only(ADMINS, "/stories/merge/", others=403)),
    # The walk's story is an insight: it has no empathy answers or report to correct.
    "stories:empathy_create": form(everyone(200)),
    "stories:empathy_edit": form(everyone(404)),
    "stories:report_edit": form(everyone(404)),
    # Executive reports: leaders and admins file them; everyone reads the Leaders' corner.
    "stories:report_create": form(only("lena ada", 200, others=403)),
    "stories:leaders": page(everyone(200)),
    # --- Customer metrics: everyone reads them; only admins define metrics and record values.
    "metrics:list": page(everyone(200)),
    "metrics:create": form(only(ADMINS, 200, others=403)),
    "metrics:edit": form(only(ADMINS, 200, others=403)),
    "metrics:record": form(only(ADMINS, 200, others=403)),
    "metrics:upload": form(only(ADMINS, 200, others=403)),
    # Their old addresses, from when metrics lived under /stories/metrics/: every method moves.
    "moved_metrics:list": form(everyone(301)),
    "moved_metrics:create": form(everyone(301)),
    "moved_metrics:edit": form(everyone(301)),
    "moved_metrics:record": form(everyone(301)),
    "moved_metrics:upload": form(everyone(301)),
    # --- Meetings: hugo hosts the walk's series and alice attends; bob, holly and lena see
    # nothing of it. Attendees see the meeting and share their empathy story; hosts run it.
    "meetings:list": page(everyone(200)),
    "meetings:series_create": form(only(HOSTS, 200, others=403)),
    "meetings:series_edit": form(only(THIS_SERIES, 200, others=404) | {"alice": 403}),
    "meetings:one_off_create": form(only(HOSTS, 200, others=403)),
    "meetings:detail": page(only(IN_THE_MEETING, 200, others=404)),
    "meetings:present": page(only(IN_THE_MEETING, 200, others=404)),
    "meetings:empathy": form(only(IN_THE_MEETING, 200, others=404)),
    "meetings:keep": button(only(THIS_SERIES, ELSEWHERE, others=404) | {"alice": 403}),
    "meetings:takeaway": button(only(THIS_SERIES, ELSEWHERE, others=404) | {"alice": 403}),
    "meetings:action_add": button(only(THIS_SERIES, 400, others=404) | {"alice": 403}),
    "meetings:action_toggle": button(only(THIS_SERIES, ELSEWHERE, others=404) | {"alice": 403}),
    "meetings:lineage": page(everyone(200)),
    # --- The weekly digest: everyone reads the archive; admins (and leaders, if an admin lets
    # them, which the walk's policy does not) preview and send it.
    "digest:archive": page(everyone(200)),
    "digest:week": page(everyone(200)),
    "digest:manage": page(only(ADMINS, 200, others=403)),
    "digest:preview": page(only(ADMINS, 200, others=403)),
    "digest:send_test": button(only(ADMINS, ELSEWHERE, others=403)),
    "digest:send_now": button(only(ADMINS, ELSEWHERE, others=403)),
    "digest:resend": button(only(ADMINS, ELSEWHERE, others=403)),
    "digest:list_add": button(only(ADMINS, 200, others=403)),
    "digest:list_remove": button(only(ADMINS, ELSEWHERE, others=403)),
    "digest:policy": button(only(ADMINS, ELSEWHERE, others=403)),
    # Unsubscribing needs no sign-in; the walk's token is forged.
    "digest:unsubscribe": form(everyone(400, anonymous=400)),
    # --- People: sign in, sign up, invitations, the profile and its API keys.
    "login": form(everyone("/", anonymous=200)),
    "logout": button(everyone("/accounts/login/")),
    "signup": form(everyone(200, anonymous=200)),
    # Without an address typed in this session, there is no "check your email" to show.
    "signup_sent": page(everyone("/accounts/signup/", anonymous="/accounts/signup/"), OPEN_405),
    # The walk's links are forged: they say the link has expired.
    "signup_confirm": page(everyone(200, anonymous=200), post=OPEN_405),
    "welcome": form(everyone(200, anonymous=200)),
    "invite": form(only(ADMINS, 200, others=403)),
    "invitation_resend": button(only(ADMINS, 404, others=403)),  # the walk has no invitation
    "profile": form(everyone(200)),
    "api_token_create": button(everyone(200)),  # a key needs a name: the profile says so
    "api_token_revoke": form(only("alice", 200, others=404), after=ELSEWHERE),  # alice's key
    "password_change": form(everyone(200)),
    "password_change_done": page(everyone(200)),
    "password_reset": form(everyone(200, anonymous=200)),
    "password_reset_done": page(everyone(200, anonymous=200), post=OPEN_405),
    "password_reset_confirm": form(everyone(200, anonymous=200)),
    "password_reset_complete": page(everyone(200, anonymous=200), post=OPEN_405),
    # --- The API, with a browser's session: reads only; writes need a key (test_api_matrix.py).
    "api:story_list": {"GET": everyone(200, anonymous=401), "POST": everyone(401, anonymous=401)},
    "api:story_create": {"GET": everyone(200, anonymous=401), "POST": everyone(401, anonymous=401)},
    "api:story_detail": page(everyone(200, anonymous=401), post=OPEN_405),
    "api:metric_list": page(everyone(200, anonymous=401), post=OPEN_405),
    "api:metric_value_record": {
        "GET": everyone(405, anonymous=405),
        "POST": everyone(401, anonymous=401),
    },
    "api:openapi-json": page(everyone(200, anonymous=200), post=OPEN_405),
    "api:openapi-view": page(everyone(200)),
    "api:api-root": form(everyone(404, anonymous=404)),
}

# The same pages about alice's private story: only she and admins get anywhere; for everyone
# else it is not there (404), whatever the method.
PRIVATE_STORY: dict[str, dict[str, ByPersona]] = {
    "stories:detail": page(only(AUTHOR, 200, others=404)),
    "stories:edit": form(only(AUTHOR, 200, others=404)),
    "stories:delete": form(only(AUTHOR, 200, others=404), after="/stories/"),
    "stories:hear_too": button(only(AUTHOR, STORY_PAGE, others=404)),
    # "This is the same as" points at company-wide insights only.
    "stories:same_as": button(everyone(404)),
    "stories:empathy_edit": form(everyone(404)),
    "stories:report_edit": form(everyone(404)),
    "meetings:lineage": page(only(AUTHOR, 200, others=404)),
    "api:story_detail": page(only(AUTHOR, 200, others=404) | {"anonymous": 401}, post=OPEN_405),
}
