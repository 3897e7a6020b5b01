"""The demo company's meeting series: who hosts and attends, what they focus on, and what their
past meetings decided. People are named by first name, as in `people.PEOPLE`."""

import datetime
from dataclasses import dataclass

from meetings.models import Cadence, Weekday


@dataclass(frozen=True)
class DemoAction:
    text: str
    owner: str  # A demo person's first name, as in people.PEOPLE.
    done: bool = False
    due_after_days: int = 7  # Counted from the meeting.


@dataclass(frozen=True)
class PastMeeting:
    """A meeting that already happened: it opened with a story and decided something."""

    takeaway: str
    resonated_with: int
    empathy_sharer: str
    actions: tuple[DemoAction, ...] = ()


@dataclass(frozen=True)
class DemoSeries:
    name: str
    team: str
    hosts: tuple[str, ...]
    attendees: tuple[str, ...]
    weekday: Weekday
    starts_at: datetime.time
    ends_at: datetime.time
    focus_tags: tuple[str, ...]
    cadence: Cadence = Cadence.WEEKLY
    history: tuple[PastMeeting, ...] = ()  # Oldest first, one per past slot.
    next_opener_kept: bool = False  # Show both states: the next meeting has its opener, or not.


# Rotation picks whoever shared longest ago, so the histories below make the demo host, Hugo,
# the next to share at the huddle, and Priya the next at the product weekly.
SERIES = (
    DemoSeries(
        name="Monday customer huddle",
        team="Support",
        hosts=("Hugo",),
        attendees=("Alice", "Maria", "Omar", "Tom"),
        weekday=Weekday.MONDAY,
        starts_at=datetime.time(9, 30),
        ends_at=datetime.time(10, 0),
        focus_tags=("checkout", "onboarding"),
        history=(
            PastMeeting(
                takeaway=(
                    "People reach checkout and stall on the delivery options: make the cheapest "
                    "one the default and say when it arrives."
                ),
                resonated_with=4,
                empathy_sharer="Alice",
                actions=(
                    DemoAction(
                        "Write up the delivery-options confusion for Product", "Maria", True
                    ),
                    DemoAction(
                        "Ring back the three customers who gave up at checkout",
                        "Hugo",
                        due_after_days=5,
                    ),
                ),
            ),
            PastMeeting(
                takeaway=(
                    "New customers do not expect a part-month first bill: say so in the welcome "
                    "email, in plain words."
                ),
                resonated_with=5,
                empathy_sharer="Maria",
                actions=(
                    DemoAction(
                        "Draft a plainer welcome email that explains the first bill", "Hugo"
                    ),
                    DemoAction("Check the welcome emails read well on a phone", "Omar", True, 2),
                ),
            ),
        ),
    ),
    DemoSeries(
        name="Product weekly",
        team="Product",
        hosts=("Priya",),
        attendees=("Elena", "Kenji", "Nina", "Sofia", "Hugo"),
        weekday=Weekday.THURSDAY,
        starts_at=datetime.time(14, 0),
        ends_at=datetime.time(14, 45),
        focus_tags=("mobile-app", "notifications"),
        history=(
            PastMeeting(
                takeaway=(
                    "Some customers get every notification twice and switch them all off: fix "
                    "it before the next release."
                ),
                resonated_with=3,
                empathy_sharer="Hugo",
                actions=(
                    DemoAction("Reproduce the double notification on Android", "Kenji", True, 3),
                    DemoAction(
                        "Send Product the support calls about double notifications",
                        "Hugo",
                        due_after_days=10,
                    ),
                ),
            ),
        ),
        next_opener_kept=True,
    ),
    DemoSeries(
        name="Leadership customer hour",
        team="Leadership",
        hosts=("Grace",),
        attendees=("Lena", "Daniel", "Ada"),
        weekday=Weekday.FRIDAY,
        starts_at=datetime.time(11, 0),
        ends_at=datetime.time(12, 0),
        focus_tags=("cancellation", "pricing"),
        cadence=Cadence.FORTNIGHTLY,
    ),
)
