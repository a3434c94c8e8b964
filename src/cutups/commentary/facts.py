"""What a commentary line may say about one play: its facts, and who the play-by-play names.

Everything a line states must come from here. :class:`PlayContext` bundles a play's
:class:`~cutups.timeline.PlayFacts` (from play-by-play, possibly empty) with what the video
alone tells (how long the play ran); :func:`play_roles` reads the players out of the row's
text with patterns for CFBD's and ESPN's phrasing ("A pass complete to B for 16 yds"), and
finds nothing rather than guessing when the text says something else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cutups.timeline import PlayFacts

__all__ = ["PlayContext", "PlayRoles", "name_tokens", "play_roles", "spot_phrase"]

_NAME = r"[A-Z][A-Za-z.'\-]*(?: (?:[A-Z][A-Za-z.'\-]*|III|II|IV))*"
"""A person as feeds write one: "TJ Finley", "K.D. Hutchinson", "Glenn Seabrooks III"."""

_ACTOR = re.compile(
    rf"^(?P<actor>{_NAME}) (?=run\b|rush\b|pass\b|punt\b|kickoff\b|sacked\b|\d+ [Yy]d\b)"
)
_SECOND = (
    re.compile(rf"\bcomplete to (?P<other>{_NAME}) for\b"),
    re.compile(rf"\bincomplete to (?P<other>{_NAME})"),
    re.compile(rf"\b[Yy]d pass from (?P<other>{_NAME})"),
    re.compile(rf"\bsacked by (?P<other>{_NAME})"),
    re.compile(rf"\bintercepted (?:by )?(?P<other>{_NAME}) return"),
    re.compile(rf", (?P<other>{_NAME}) returns? for\b"),
    re.compile(rf"\bfair catch by (?P<other>{_NAME})"),
)
_NOT_PEOPLE = frozenset({"TEAM", "Team", "PENALTY", "Penalty", "End", "Timeout"})


@dataclass(frozen=True, slots=True)
class PlayRoles:
    """The people a play-by-play row names: who had the ball first, and the other named player
    (receiver, target, passer of a touchdown catch, tackler on a sack, returner)."""

    actor: str | None = None
    other: str | None = None


@dataclass(frozen=True, slots=True)
class PlayContext:
    """One play as the commentary sees it: its facts plus what the video measured."""

    facts: PlayFacts
    play_seconds: int | None = None
    """Snap to whistle, rounded to the second (from the video)."""
    index: int = 0
    """The play's place in the job, from 0 (varies the phrasing, never stated)."""

    @property
    def roles(self) -> PlayRoles:
        return play_roles(self.facts.text or "")


def play_roles(text: str) -> PlayRoles:
    """The players ``text`` names in a role the templates use (none when the phrasing is not
    one of the known ones)."""
    found = _ACTOR.match(text)
    actor = found.group("actor") if found else None
    if actor in _NOT_PEOPLE:
        actor = None
    other = None
    for pattern in _SECOND:
        hit = pattern.search(text)
        if hit:
            other = hit.group("other")
            break
    if other in _NOT_PEOPLE:
        other = None
    return PlayRoles(actor=actor, other=other)


def name_tokens(facts: PlayFacts) -> frozenset[str]:
    """Every capitalised word the facts hold (players in the text, the two teams): the only
    proper names a line may use."""
    words: set[str] = set()
    for source in (facts.text, facts.offense, facts.defense):
        for word in re.findall(r"[A-Za-z][A-Za-z.'\-]*", source or ""):
            words.add(word.strip(".'-").lower())
    return frozenset(w for w in words if w)


def spot_phrase(facts: PlayFacts) -> tuple[str, int] | None:
    """The line of scrimmage as said aloud and its yard number: ``("the Texas 47", 47)``,
    ``("their own 20", 20)`` or ``("midfield", 50)``; None when unknown."""
    ytg = facts.yards_to_goal
    if ytg is None or not 0 < ytg < 100:
        return None
    if ytg == 50:
        return "midfield", 50
    if ytg > 50:
        return "their own " + str(100 - ytg), 100 - ytg
    return (f"the {facts.defense} {ytg}" if facts.defense else f"the {ytg}"), ytg
