"""The ranking formula: evidence first, damped for thin evidence, a leader's report weighs in,
two items at most per author and per team, and the same order whatever order stories came in."""

import datetime
import random

from insightboard.digest.ranking import Candidate, score, top, why_it_is_here

WEEK_END = datetime.datetime(2026, 11, 23, tzinfo=datetime.UTC)


def candidate(story_id: int, **facts: object) -> Candidate:
    values: dict[str, object] = {
        "story_id": story_id,
        "author_id": story_id,
        "team": f"Team {story_id}",
        "logged_at": WEEK_END - datetime.timedelta(days=1),
        "hear_too": 0,
        "meetings": 0,
        "resonated": 0,
        "leader_reported": False,
    }
    return Candidate(**(values | facts))  # type: ignore[arg-type]


def ids(ranked) -> list[int]:
    return [item.candidate.story_id for item in ranked]


def test_it_never_lets_one_mention_outrank_five_unless_a_leader_reported_it():
    thin = candidate(1, meetings=10, resonated=500, logged_at=WEEK_END)
    solid = candidate(2, hear_too=4, logged_at=WEEK_END - datetime.timedelta(days=6))

    assert score(thin, WEEK_END) < score(solid, WEEK_END)
    assert ids(top([thin, solid], week_end=WEEK_END)) == [2, 1]

    reported = candidate(3, leader_reported=True, meetings=3, logged_at=WEEK_END)
    assert score(reported, WEEK_END) > score(solid, WEEK_END)


def test_it_ranks_more_people_hearing_it_too_first():
    ranked = top([candidate(1, hear_too=1), candidate(2, hear_too=3)], week_end=WEEK_END)

    assert ids(ranked) == [2, 1]


def test_it_counts_how_much_a_story_resonated_in_meetings():
    quiet = candidate(1, hear_too=2)
    discussed = candidate(2, hear_too=2, meetings=1, resonated=8)

    assert ids(top([quiet, discussed], week_end=WEEK_END)) == [2, 1]


def test_it_prefers_the_newer_of_two_equal_stories():
    older = candidate(1, hear_too=2, logged_at=WEEK_END - datetime.timedelta(days=5))
    newer = candidate(2, hear_too=2, logged_at=WEEK_END - datetime.timedelta(hours=2))

    assert ids(top([older, newer], week_end=WEEK_END)) == [2, 1]


def test_it_takes_at_most_two_items_from_one_author():
    prolific = [candidate(n, author_id=7, team="", hear_too=9 - n) for n in range(1, 5)]
    others = [candidate(n, hear_too=1) for n in range(10, 13)]

    ranked = top([*prolific, *others], week_end=WEEK_END)

    assert ids(ranked) == [1, 2, 10, 11, 12]


def test_it_takes_at_most_two_items_from_one_team():
    support = [candidate(n, team="Support", hear_too=9 - n) for n in range(1, 5)]
    others = [candidate(n, hear_too=1) for n in range(10, 13)]

    assert ids(top([*support, *others], week_end=WEEK_END)) == [1, 2, 10, 11, 12]


def test_it_ranks_the_same_whatever_order_the_stories_came_in():
    stories = [
        candidate(n, hear_too=n % 4, meetings=n % 3, author_id=n % 6, team=f"T{n % 5}")
        for n in range(1, 40)
    ]
    # Ties on everything but the id: the lower id comes first.
    stories += [candidate(100, hear_too=3), candidate(101, hear_too=3)]
    expected = ids(top(stories, week_end=WEEK_END))

    for seed in range(5):
        shuffled = stories[:]
        random.Random(seed).shuffle(shuffled)
        assert ids(top(shuffled, week_end=WEEK_END)) == expected


def test_it_says_why_each_item_is_there():
    heard = candidate(1, hear_too=4, meetings=2, resonated=9, leader_reported=True)

    assert why_it_is_here(heard, hearing_teams=3) == (
        "heard by 4 people in 3 teams; opened 2 meetings; resonated with 9 people; "
        "a leader reported it"
    )
    assert why_it_is_here(candidate(2), hearing_teams=0) == (
        "logged this week, nobody else has heard it yet"
    )
    assert why_it_is_here(candidate(3, hear_too=1), hearing_teams=1) == (
        "heard by 1 person in 1 team"
    )
