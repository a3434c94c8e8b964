"""The fact checker: every claim a commentary line makes, verified against the play's facts.

A line (from the templates or an LLM) is read for the claims commentary makes: down and
distance ("third and 7", "1st & goal"), the spot ("the Texas 47", "their own 20"), the score
("Michigan 7, Texas 3", "7-3"), the quarter, the clock, every other number (digits or words:
"forty-seven"), every proper name, and the events it reports (touchdown, interception, sack,
first down, no gain...). Each must agree with :class:`~cutups.timeline.PlayFacts` or the
row's text; :func:`check_line` returns what does not, so a line with no violation states
nothing the data does not hold.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from cutups.commentary.facts import PlayContext, name_tokens
from cutups.timeline import PlayFacts

__all__ = ["Violation", "check_line", "grounded_numbers", "spoken_numbers"]

_UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
          "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
          "eighteen", "nineteen"]  # fmt: skip
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_WORD_VALUE = {w: n for n, w in enumerate(_UNITS)} | {w: 10 * n for n, w in enumerate(_TENS) if w}
_NUMBER = (
    r"(?:\d+|(?:"
    + "|".join(t for t in _TENS if t)
    + r")(?:[- ](?:"
    + "|".join(_UNITS[1:10])
    + r"))?|"
    + "|".join(sorted(_UNITS, key=len, reverse=True))
    + r")"
)
_ORDINAL = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3,
            "4th": 4}  # fmt: skip
_ORD = r"(first|second|third|fourth|1st|2nd|3rd|4th)"

_DOWN_DISTANCE = re.compile(rf"\b{_ORD}(?:\s+down)?\s+(?:and|&)\s+(goal|{_NUMBER})\b", re.I)
_QUARTER = re.compile(rf"\b{_ORD}\s+(?:quarter|period)\b", re.I)
_CLOCK = re.compile(r"\b(\d{1,2}):(\d{2})\b")
_SCORE_DASH = re.compile(rf"\b({_NUMBER})\s*(?:-|to)\s*({_NUMBER})\b", re.I)
_OWN_SPOT = re.compile(rf"\b(?:their|its|his|the)\s+own\s+({_NUMBER})\b", re.I)
_ANY_NUMBER = re.compile(rf"\b{_NUMBER}\b", re.I)

_EVENTS: tuple[tuple[str, str], ...] = (
    (r"touchdown|end zone|\bscores\b|takes it in", "touchdown"),
    (r"intercept|picked off", "intercept"),
    (r"fumble", "fumble"),
    (r"\bsack", "sack"),
    (r"incomplete", "incomplet"),
    (r"\bfirst down\b(?!\s+and)|moves the chains", "1st down"),
    (r"\bpunt", "punt"),
    (r"kicks? (?:it )?off|kickoff", "kickoff"),
    (r"field goal|\bfg\b", "field goal|fg"),
    (r"\bsafety\b", "safety"),
    (r"penalty|\bflag\b", "penalty"),
    (r"touchback", "touchback"),
    (r"extra point|\bpat\b", "extra point|kick\\)|pat"),
)
_GAIN_CLAIMS: tuple[tuple[str, str], ...] = (
    (r"no gain|nothing on the play|gets nothing", "zero"),
    (r"\bloss\b|\blost\b|\bloses\b|dropped for", "negative"),
)
_KICK_RESULT: tuple[tuple[str, str], ...] = (
    (r"\bno good\b|\bmisses\b|\bmissed\b", "missed|blocked"),
    (r"(?<!no )\bis good\b|knocks it through", "good"),
)

_COMMON_WORDS = """
a an and the this that these those it its it's here there they their he she we what but so
now then on off in out up down back over under from for to at by with of first second third
fourth fifth touchdown intercepted interception incomplete fumble sack sacked safety penalty
flag kickoff punt handoff complete completed pass extra great big nice huge wow oh what's
that's there's here's he's she's they're one two three four five six seven eight nine ten no
nothing another again still just about
"""
_COMMON = frozenset(_COMMON_WORDS.split())
"""Words that may open a sentence capitalised without being anyone's name."""


@dataclass(frozen=True, slots=True)
class Violation:
    """One claim the facts do not back: what kind, the words, and why."""

    kind: str
    claim: str
    reason: str

    def line(self) -> str:
        return f"{self.kind} {self.claim!r}: {self.reason}"


def _number(text: str) -> int:
    word = text.lower().replace("-", " ").split()
    if word[0].isdigit():
        return int(word[0])
    return sum(_WORD_VALUE[w] for w in word)


def spoken_numbers(text: str) -> tuple[int, ...]:
    """Every number in ``text``, digits or words ("forty-seven" -> 47)."""
    return tuple(_number(m.group(0)) for m in _ANY_NUMBER.finditer(text))


def grounded_numbers(play: PlayContext) -> frozenset[int]:
    """Every number a line may say about ``play``."""
    f = play.facts
    values = {f.distance, f.down, f.period, f.offense_score, f.defense_score, play.play_seconds}
    if f.yards_gained is not None:
        values.add(abs(f.yards_gained))
    if f.yards_to_goal is not None:
        values |= {f.yards_to_goal, 100 - f.yards_to_goal}
    if f.clock:
        values |= {int(p) for p in f.clock.split(":") if p.isdigit()}
    values |= set(spoken_numbers(f.text or ""))
    return frozenset(v for v in values if v is not None)


def check_line(text: str, play: PlayContext) -> tuple[Violation, ...]:
    """What in ``text`` the facts of ``play`` do not hold (empty: the line is grounded)."""
    rest, found = text, []
    for checker in (_downs, _quarters, _clocks, _spots, _scores):
        rest, claims = checker(rest, play.facts)
        found += claims
    found += _numbers(rest, play)
    found += _events(text, play.facts)
    found += _names(text, play.facts)
    return tuple(found)


def _blank(text: str, match: re.Match[str]) -> str:
    """``text`` with a checked claim blanked out, so its numbers are not checked twice."""
    return text[: match.start()] + " " * (match.end() - match.start()) + text[match.end() :]


Checked = tuple[str, list[Violation]]


def _downs(text: str, f: PlayFacts) -> Checked:
    out = []
    for m in list(_DOWN_DISTANCE.finditer(text)):
        down, to_go = _ORDINAL[m.group(1).lower()], m.group(2).lower()
        if f.down != down:
            out.append(Violation("down", m.group(0), f"the play was on down {f.down}"))
        elif to_go == "goal":
            if f.yards_to_goal is None or f.distance is None or f.yards_to_goal > f.distance:
                out.append(Violation("distance", m.group(0), "not goal to go"))
        elif _number(to_go) != f.distance:
            out.append(Violation("distance", m.group(0), f"distance was {f.distance}"))
        text = _blank(text, m)
    return text, out


def _quarters(text: str, f: PlayFacts) -> Checked:
    out = []
    for m in list(_QUARTER.finditer(text)):
        if _ORDINAL[m.group(1).lower()] != f.period:
            out.append(Violation("quarter", m.group(0), f"the period was {f.period}"))
        text = _blank(text, m)
    return text, out


def _clocks(text: str, f: PlayFacts) -> Checked:
    out = []
    for m in list(_CLOCK.finditer(text)):
        listed = f.clock.lstrip("0") if f.clock else None
        if listed is None or m.group(0).lstrip("0") != listed:
            out.append(Violation("clock", m.group(0), f"the listed clock was {f.clock}"))
        text = _blank(text, m)
    return text, out


def _team_number(text: str, team: str, *, spot: bool) -> Iterator[re.Match[str]]:
    """``TEAM N`` after "the" (a spot) or not after it (a score)."""
    lead = r"\bthe\s+" if spot else r"(?<!the )\b"
    return re.finditer(rf"{lead}{re.escape(team)}\s+({_NUMBER})\b", text, re.I)


def _spots(text: str, f: PlayFacts) -> Checked:
    out, ytg = [], f.yards_to_goal
    for team, own in ((f.defense, False), (f.offense, True)):
        for m in list(_team_number(text, team, spot=True) if team else ()):
            want = None if ytg is None else (100 - ytg if own else ytg)
            if ytg is None or _number(m.group(1)) != want or (own != (ytg > 50) and ytg != 50):
                out.append(Violation("spot", m.group(0), f"yards to goal was {ytg}"))
            text = _blank(text, m)
    for m in list(_OWN_SPOT.finditer(text)):
        if ytg is None or ytg <= 50 or _number(m.group(1)) != 100 - ytg:
            out.append(Violation("spot", m.group(0), f"yards to goal was {ytg}"))
        text = _blank(text, m)
    return text, out


def _scores(text: str, f: PlayFacts) -> Checked:
    out = []
    for team, score in ((f.offense, f.offense_score), (f.defense, f.defense_score)):
        for m in list(_team_number(text, team, spot=False) if team else ()):
            if _number(m.group(1)) != score:
                out.append(Violation("score", m.group(0), f"{team} had {score}"))
            text = _blank(text, m)
    scores = {f.offense_score, f.defense_score}
    for m in list(_SCORE_DASH.finditer(text)):
        if {_number(m.group(1)), _number(m.group(2))} != scores:
            listed = f"{f.offense_score}-{f.defense_score}"
            out.append(Violation("score", m.group(0), f"the listed score was {listed}"))
        text = _blank(text, m)
    return text, out


def _numbers(text: str, play: PlayContext) -> list[Violation]:
    allowed = grounded_numbers(play)
    return [
        Violation("number", m.group(0), "no fact of the play holds it")
        for m in _ANY_NUMBER.finditer(text)
        if _number(m.group(0)) not in allowed
    ]


def _events(text: str, f: PlayFacts) -> list[Violation]:
    said, known = text.lower(), f"{f.play_type or ''} {f.text or ''}".lower()
    out = [
        Violation("event", hit.group(0), f"the play-by-play does not say {support!r}")
        for pattern, support in _EVENTS + _KICK_RESULT
        if (hit := re.search(pattern, said)) and not re.search(support, known)
    ]
    gain = f.yards_gained
    for pattern, sign in _GAIN_CLAIMS:
        hit = re.search(pattern, said)
        if hit and (gain is None or (gain != 0 if sign == "zero" else gain >= 0)):
            out.append(Violation("gain", hit.group(0), f"the gain was {gain}"))
    return out


def _names(text: str, f: PlayFacts) -> list[Violation]:
    known, out = name_tokens(f), []
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        for n, m in enumerate(re.finditer(r"[A-Za-z][A-Za-z.'\-]*", sentence)):
            word = m.group(0)
            bare = word.strip(".'-").lower().removesuffix("'s")
            if not word[0].isupper() or bare in known or bare == "i":
                continue
            if n == 0 and bare in _COMMON:
                continue
            out.append(Violation("name", word, "no one by that name is in the play-by-play"))
    return out
