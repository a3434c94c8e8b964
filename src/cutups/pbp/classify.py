"""Play types: normalize them to CFBD's vocabulary and decide which rows are plays with a clip.

CFBD and ESPN share one play-type vocabulary ("Rush", "Pass Reception", "Kickoff Return
(Offense)", ...) with small spelling drifts; :func:`normalize_play_type` maps those onto the CFBD
spelling. :func:`classify` then sorts a row into :class:`~cutups.pbp.model.PlayKind`:

* **By type** for almost every row: scrimmage types are ``SNAP``; kickoffs, punts, field goals,
  extra points and their returns/blocks are ``KICK``; timeouts, period ends, coin tosses are
  ``NOT_A_PLAY``.
* **By text** for ``Penalty`` and ``Uncategorized`` rows, whose type says nothing about the snap.
  The feed writes two shapes of penalty row:

  1. The play ran and a flag flew: the description comes first, then ``PENALTY``
     ("Smith run for 5 yds to the X40, PENALTY ALA holding 10 yards ..., NO PLAY").
     Any play verb (run, rush, pass, sacked, punt, kickoff, ...) *before* the word "penalty"
     means there was a snap: ``SNAP``, or ``KICK`` when the verb is a kick.
  2. Only the foul ("Texas Penalty, False Start (-5 Yards) to the TEX 21"). Then the foul's name
     decides: live-ball fouls can only happen during a play (holding, pass interference,
     roughing the passer, illegal motion/shift/formation, targeting, ...) so a snap happened:
     ``SNAP`` (``KICK`` for kick fouls such as running into the kicker). Pre-snap and dead-ball
     fouls (false start, delay of game, offside, encroachment, substitution, unsportsmanlike,
     personal foul) and unknown fouls are ``NOT_A_PLAY``.

  Offside is the judgement call: in college the play may run on a defensive offside, but when it
  does the feed usually writes shape 1, so a bare "Defensive Offside" row is most often a whistle
  before the snap. A personal foul or unsportsmanlike conduct in shape 2 is almost always after
  the whistle, on a play that has its own row.
"""

from __future__ import annotations

import re

from cutups.pbp.model import PlayKind

__all__ = ["classify", "describes_kick", "describes_snap", "normalize_play_type"]

_SNAP_TYPES = frozenset(
    {
        "Rush",
        "Rushing Touchdown",
        "Pass",
        "Pass Reception",
        "Pass Completion",
        "Pass Incompletion",
        "Passing Touchdown",
        "Sack",
        "Safety",
        "Fumble Recovery (Own)",
        "Fumble Recovery (Opponent)",
        "Fumble Return Touchdown",
        "Pass Interception Return",
        "Interception Return Touchdown",
        "Two Point Pass",
        "Two Point Rush",
        "2pt Conversion",
        "Defensive 2pt Conversion",
        "Offensive 1pt Safety",
    }
)
_KICK_TYPES = frozenset(
    {
        "Kickoff",
        "Kickoff Return (Offense)",
        "Kickoff Return (Defense)",
        "Kickoff Return Touchdown",
        "Kickoff Team Fumble Recovery",
        "Kickoff Team Fumble Recovery Touchdown",
        "Punt",
        "Punt Return",
        "Punt Return Touchdown",
        "Blocked Punt",
        "Blocked Punt Touchdown",
        "Punt Team Fumble Recovery",
        "Punt Team Fumble Recovery Touchdown",
        "Field Goal Good",
        "Field Goal Missed",
        "Blocked Field Goal",
        "Blocked Field Goal Touchdown",
        "Missed Field Goal Return",
        "Missed Field Goal Return Touchdown",
        "Extra Point Good",
        "Extra Point Missed",
        "Blocked PAT",
    }
)
_NOT_A_PLAY_TYPES = frozenset(
    {
        "Timeout",
        "End Period",
        "End of Half",
        "End of Regulation",
        "End of Game",
        "Coin Toss",
        "Start of Period",
        "Two-Minute Warning",
    }
)
# Types whose rows are classified from their text.
_TEXT_TYPES = frozenset({"Penalty", "Uncategorized", "placeholder", ""})

_CANONICAL = {t.casefold(): t for t in _SNAP_TYPES | _KICK_TYPES | _NOT_A_PLAY_TYPES | _TEXT_TYPES}
# Spellings seen in ESPN feeds and older CFBD seasons, keyed casefolded.
_ALIASES = {
    "kickoff return": "Kickoff Return (Offense)",
    "end of quarter": "End Period",
    "end of period": "End Period",
    "end quarter": "End Period",
    "halftime": "End of Half",
    "end game": "End of Game",
    "official timeout": "Timeout",
    "interception": "Pass Interception Return",
    "pass interception": "Pass Interception Return",
    "interception return": "Pass Interception Return",
    "two-point conversion": "2pt Conversion",
    "two point conversion": "2pt Conversion",
    "two-point pass": "Two Point Pass",
    "two-point rush": "Two Point Rush",
    "two minute warning": "Two-Minute Warning",
    "pat good": "Extra Point Good",
    "pat missed": "Extra Point Missed",
    "missed field goal": "Field Goal Missed",
    "blocked extra point": "Blocked PAT",
}

# "FG" and "PAT" only in capitals: "Pat" is a first name.
_KICK_WORDS = re.compile(
    r"\b(?:(?i:kick(?:ed|s|off)?|kicks? off|onside|punt(?:s|ed)?|field goal|extra point)|FG|PAT)\b"
)
_SNAP_WORDS = re.compile(
    r"\b(rush(?:ed|es)?|runs?|ran|pass(?:ed|es)?|sacked|scrambled?|scrambles|kneels?|spiked?"
    r"|intercepted|fumbled?|fumbles|for (?:a )?(?:gain|loss|no gain)|for -?\d+ (?:yds?|yards?))\b",
    re.IGNORECASE,
)
_PENALTY_WORD = re.compile(r"\bpenalty\b", re.IGNORECASE)
# Fouls that can only happen once the ball is live.
_LIVE_KICK_FOULS = re.compile(
    r"running into (?:the )?kicker|roughing (?:the )?(?:kicker|holder|punter)"
    r"|(?:fair |kick )?catch interference|illegal wedge",
    re.IGNORECASE,
)
_LIVE_FOULS = re.compile(
    r"holding|pass interference|roughing|face ?mask|targeting|illegal block|block(?:ing)? in the"
    r" back|block(?:ing)? below the waist|clipping|chop block|intentional grounding|illegal forward"
    r" pass|ineligible|horse ?collar|illegal use of hands|illegal motion|illegal shift|illegal"
    r" formation|illegal participation|illegal touching|illegal contact|tripping|hurdling",
    re.IGNORECASE,
)


def normalize_play_type(raw: str) -> str:
    """The CFBD spelling of a play type ("kickoff return" -> "Kickoff Return (Offense)").

    Unknown types come back stripped but otherwise unchanged, so nothing is lost.
    """
    text = " ".join(raw.split())
    key = text.casefold()
    return _CANONICAL.get(key) or _ALIASES.get(key) or text


def describes_kick(text: str) -> bool:
    """Whether the part of ``text`` before any "penalty" describes a kick being made."""
    return _KICK_WORDS.search(_before_penalty(text)) is not None


def describes_snap(text: str) -> bool:
    """Whether the part of ``text`` before any "penalty" describes a scrimmage play running."""
    return _SNAP_WORDS.search(_before_penalty(text)) is not None


def _before_penalty(text: str) -> str:
    match = _PENALTY_WORD.search(text)
    return text[: match.start()] if match else text


def _after_penalty(text: str) -> str:
    match = _PENALTY_WORD.search(text)
    return text[match.end() :] if match else text


def classify(play_type: str, text: str) -> PlayKind:
    """Snap, kick or not a play, for a normalized play type and the row's description.

    Arguments:
        play_type: Normalized play type (see :func:`normalize_play_type`).
        text: The row's description.

    Returns:
        The row's kind; the module docstring lists the rules.
    """
    if play_type in _SNAP_TYPES:
        return PlayKind.SNAP
    if play_type in _KICK_TYPES:
        return PlayKind.KICK
    if play_type in _NOT_A_PLAY_TYPES:
        return PlayKind.NOT_A_PLAY
    if play_type not in _TEXT_TYPES:
        by_type = _classify_unknown_type(play_type)
        if by_type is not None:
            return by_type
    return _classify_text(text)


def _classify_unknown_type(play_type: str) -> PlayKind | None:
    lowered = play_type.casefold()
    if any(word in lowered for word in ("timeout", "end of", "end period", "coin toss", "warning")):
        return PlayKind.NOT_A_PLAY
    if _KICK_WORDS.search(play_type):
        return PlayKind.KICK
    snap_words = ("rush", "pass", "sack", "fumble", "interception", "touchdown", "safety", "2pt")
    if any(word in lowered for word in snap_words) or "two point" in lowered:
        return PlayKind.SNAP
    return None


def _classify_text(text: str) -> PlayKind:
    if describes_kick(text):
        return PlayKind.KICK
    if describes_snap(text):
        return PlayKind.SNAP
    foul = _after_penalty(text)
    if _LIVE_KICK_FOULS.search(foul):
        return PlayKind.KICK
    if _LIVE_FOULS.search(foul):
        return PlayKind.SNAP
    return PlayKind.NOT_A_PLAY
