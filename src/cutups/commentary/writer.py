"""Commentary lines from templates: varied phrasing, only facts the play holds.

A line is built from parts (the situation, the action, the result, an aside), each phrased
by a template picked with a random generator seeded by the job's seed and the play, so the
same play and seed always read the same. :func:`draft_line` returns every version of the line
from longest to shortest (dropping parts), so a line that would not be spoken before the next
play can be shortened rather than cut off (:func:`fit_line`, then the speech stage measures).

Every number and name in a template comes from :class:`~cutups.timeline.PlayFacts` or the
row's text; :mod:`cutups.commentary.checker` proves it for every line written.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from cutups.commentary.facts import PlayContext, PlayRoles, spot_phrase
from cutups.timeline import PlayFacts

__all__ = ["WORD_SECONDS", "LineDraft", "draft_line", "estimate_seconds", "fit_line"]

WORD_SECONDS = 0.36
"""Seconds per spoken word, a little slower than the local voices measure (piper ~0.3 s,
espeak-ng ~0.34 s), so an estimate that fits rarely fails once measured."""
_PAUSE = 0.3

_DOWNS = {1: "first", 2: "second", 3: "third", 4: "fourth"}

Pick = Callable[[Sequence[str]], str]


@dataclass(frozen=True, slots=True)
class LineDraft:
    """One play's line in every length, longest first (never empty: at least one version)."""

    variants: tuple[str, ...]

    @property
    def text(self) -> str:
        return self.variants[0]


def estimate_seconds(text: str) -> float:
    """How long ``text`` takes to say, from its word count (before any speech exists)."""
    return _PAUSE + WORD_SECONDS * len(text.split())


def fit_line(draft: LineDraft, budget: float) -> str | None:
    """The longest version estimated to fit in ``budget`` seconds; None when none does."""
    for text in draft.variants:
        if estimate_seconds(text) <= budget:
            return text
    return None


def draft_line(play: PlayContext, *, seed: int) -> LineDraft:
    """Every version of the line for ``play``, longest first; deterministic given ``seed``."""
    facts = play.facts
    rng = random.Random(f"{seed}:{play.index}:{facts.row_id or ''}")

    def pick(options: Sequence[str]) -> str:
        return rng.choice(list(options))

    action = _action(facts, play.roles, pick) if facts.play_type else None
    if action is None:
        return _video_only(play, pick)
    situation = _situation(facts, pick)
    result = _result(facts, pick)
    aside = _aside(facts, pick)
    versions: list[list[str | None]] = [
        [situation, action, result, aside],
        [situation, action, result],
        [action, result],
        [action],
        [result],
    ]
    return LineDraft(_unique(_sentences(parts) for parts in versions))


def _unique(texts: Iterable[str]) -> tuple[str, ...]:
    seen: list[str] = []
    for text in texts:
        if text and text not in seen:
            seen.append(text)
    return tuple(seen)


def _sentences(parts: Sequence[str | None]) -> str:
    """Parts joined as sentences, each capitalised and ending in punctuation."""
    out = []
    for part in parts:
        if not part:
            continue
        text = part[0].upper() + part[1:]
        out.append(text if text[-1] in ".!?" else text + ".")
    return " ".join(out)


def _situation(facts: PlayFacts, pick: Pick) -> str | None:
    down, distance = facts.down, facts.distance
    if down not in _DOWNS or distance is None or distance < 1:
        return None
    goal = facts.yards_to_goal is not None and facts.yards_to_goal <= distance
    dd = f"{_DOWNS[down]} and {'goal' if goal else distance}"
    spot = spot_phrase(facts)
    team = facts.offense
    options = [dd]
    if team:
        options += [f"{dd} for {team}", f"{team} facing {dd}"]
    if spot and team:
        options += [f"{team}, {dd} from {spot[0]}"]
    if spot and not spot[0].startswith("their own"):
        options += [f"{dd} at {spot[0]}"]
    return pick(options)


def _gain_phrase(gain: int | None, pick: Pick) -> str | None:
    if gain is None:
        return None
    if gain == 0:
        return pick(["no gain", "nothing on the play"])
    if gain < 0:
        return pick([f"a loss of {-gain}", f"{-gain} yards lost"])
    return pick([f"{gain} yards", f"a gain of {gain}"]) if gain != 1 else "1 yard"


def _action(facts: PlayFacts, roles: PlayRoles, pick: Pick) -> str | None:
    kind = (facts.play_type or "").lower()
    for keys, phrase in _ACTIONS:
        if any(k in kind for k in keys):
            return phrase(facts, roles, pick)
    return None


def _rush(facts: PlayFacts, roles: PlayRoles, pick: Pick) -> str:
    who, gain = roles.actor, facts.yards_gained
    if "touchdown" in (facts.play_type or "").lower():
        return _touchdown(facts, roles, pick)
    if who is None:
        return pick(["a handoff", "they keep it on the ground"])
    if gain is None:
        return pick([f"{who} carries", f"handoff to {who}"])
    if gain < 0:
        return pick([f"{who} is dropped for a loss of {-gain}", f"{who} loses {-gain}"])
    if gain == 0:
        return pick([f"{who} is stopped for no gain", f"{who} gets nothing"])
    return pick([f"{who} runs for {_yards(gain)}", f"{who} picks up {_yards(gain)}",
                 f"handoff to {who}, {_gain_phrase(gain, pick)}"])  # fmt: skip


def _yards(n: int) -> str:
    return "1 yard" if n == 1 else f"{n} yards"


def _pass(facts: PlayFacts, roles: PlayRoles, pick: Pick) -> str:
    kind = (facts.play_type or "").lower()
    if "touchdown" in kind:
        return _touchdown(facts, roles, pick)
    qb, target, gain = roles.actor, roles.other, facts.yards_gained
    if "incompletion" in kind or "incomplete" in kind:
        if qb and target:
            return pick([f"{qb} throws for {target}, incomplete",
                         f"the pass for {target} falls incomplete"])  # fmt: skip
        return pick(["the pass falls incomplete", "incomplete"])
    if "interception" in kind:
        if qb and target:
            return pick([f"{qb} is picked off by {target}", f"intercepted! {target} has it"])
        return "the pass is intercepted"
    gained = _gain_phrase(gain, pick)
    if qb and target:
        line = pick([f"{qb} finds {target}", f"{qb} to {target}", f"complete to {target}"])
        return f"{line}, {gained}" if gained else line
    return "a completed pass" + (f", {gained}" if gained else "")


def _touchdown(facts: PlayFacts, roles: PlayRoles, pick: Pick) -> str:
    kind = (facts.play_type or "").lower()
    team = facts.offense
    shout = f"touchdown, {team}!" if team and kind.startswith(("rushing", "passing")) else ""
    shout = shout or "touchdown!"
    who, other = roles.actor, roles.other
    if kind.startswith("passing") and who and other:
        return pick([f"{other} finds {who} in the end zone, {shout}", f"{other} to {who}, {shout}"])
    if kind.startswith("rushing") and who:
        return pick([f"{who} takes it in, {shout}", f"{who} scores, {shout}"])
    return shout


def _sack(facts: PlayFacts, roles: PlayRoles, pick: Pick) -> str:
    qb, by = roles.actor, roles.other
    if qb and by:
        return pick([f"{qb} is sacked by {by}", f"{by} gets to {qb}, a sack"])
    return "a sack on the play"


def _punt(facts: PlayFacts, roles: PlayRoles, pick: Pick) -> str:
    who, returner = roles.actor, roles.other
    first = pick([f"{who} punts it away", f"a punt from {who}"]) if who else "they punt"
    return f"{first}, fielded by {returner}" if returner else first


def _kickoff(facts: PlayFacts, roles: PlayRoles, pick: Pick) -> str:
    who, returner = roles.actor, roles.other
    first = pick([f"{who} kicks it off", f"the kickoff from {who}"]) if who else "the kickoff"
    if "touchback" in (facts.text or "").lower():
        return f"{first}, touchback"
    return f"{first}, returned by {returner}" if returner else first


def _field_goal(facts: PlayFacts, roles: PlayRoles, pick: Pick) -> str:
    kind = (facts.play_type or "").lower()
    length = re.search(r"\b(\d+) [Yy]d (?:FG|Field Goal)", facts.text or "")
    try_ = f"the {length.group(1)} yard try" if length else "the kick"
    who = roles.actor
    if "missed" in kind or "blocked" in kind:
        return pick([f"{try_} is no good", f"{who} misses" if who else f"{try_} misses"])
    return pick([f"{try_} is good", f"{who} knocks it through" if who else f"{try_} is good"])


def _penalty(facts: PlayFacts, roles: PlayRoles, pick: Pick) -> str:
    return pick(["a flag on the play", "there's a penalty flag"])


def _fumble(facts: PlayFacts, roles: PlayRoles, pick: Pick) -> str:
    return pick(["fumble on the play!", "the ball is on the ground, fumble!"])


def _extra_point(facts: PlayFacts, roles: PlayRoles, pick: Pick) -> str:
    return pick(["the extra point try", "here's the extra point"])


def _safety(facts: PlayFacts, roles: PlayRoles, pick: Pick) -> str:
    return pick(["safety!", "that's a safety"])


_ACTIONS: tuple[tuple[tuple[str, ...], Callable[[PlayFacts, PlayRoles, Pick], str]], ...] = (
    (("return touchdown", "blocked punt touchdown", "blocked field goal touchdown"), _touchdown),
    (("fumble",), _fumble),
    (("pass", "interception"), _pass),
    (("rush",), _rush),
    (("sack",), _sack),
    (("punt",), _punt),
    (("kickoff",), _kickoff),
    (("field goal",), _field_goal),
    (("extra point",), _extra_point),
    (("penalty",), _penalty),
    (("safety",), _safety),
    (("touchdown",), _touchdown),
)


def _result(facts: PlayFacts, pick: Pick) -> str | None:
    if "1st down" in (facts.text or "").lower() and "penalty" not in (facts.text or "").lower():
        return pick(["first down!", "that's a first down", "and that moves the chains"])
    return None


def _aside(facts: PlayFacts, pick: Pick) -> str | None:
    """The score, now and then (never on a scoring play: the row may list it before or
    after the points)."""
    us, them = facts.offense_score, facts.defense_score
    kind = (facts.play_type or "").lower()
    if us is None or them is None or not facts.offense or not facts.defense:
        return None
    if "touchdown" in kind or "goal" in kind or "safety" in kind or "extra" in kind:
        return None
    if pick(["say", "skip", "skip"]) == "skip":
        return None
    return f"{facts.offense} {us}, {facts.defense} {them}"


def _video_only(play: PlayContext, pick: Pick) -> LineDraft:
    first = pick(["here's the snap", "and the ball is snapped", "they snap it"])
    seconds = play.play_seconds
    if seconds is None or seconds < 2:
        return LineDraft((_sentences([first]),))
    long = pick([f"about {seconds} seconds of action", f"a {seconds} second play"])
    return LineDraft((_sentences([first, long]), _sentences([first])))
