"""Play-type normalization and the snap / kick / not-a-play rules, table-driven."""

from __future__ import annotations

import pytest

from cutups.pbp import PlayKind, classify, normalize_play_type

SNAP, KICK, NONE = PlayKind.SNAP, PlayKind.KICK, PlayKind.NOT_A_PLAY


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("Rush", "Rush", id="canonical"),
        pytest.param("  pass   reception ", "Pass Reception", id="case-and-space"),
        pytest.param("Kickoff Return", "Kickoff Return (Offense)", id="espn-kick-return"),
        pytest.param("End of Quarter", "End Period", id="end-of-quarter"),
        pytest.param("Official Timeout", "Timeout", id="official-timeout"),
        pytest.param("Interception", "Pass Interception Return", id="interception"),
        pytest.param("Two-Point Conversion", "2pt Conversion", id="two-point"),
        pytest.param("Statue of Liberty", "Statue of Liberty", id="unknown-kept"),
    ],
)
def test_normalize_play_type(raw: str, expected: str) -> None:
    assert normalize_play_type(raw) == expected


@pytest.mark.parametrize(
    ("play_type", "text", "kind"),
    [
        # By type.
        pytest.param("Rush", "A run for 3 yds", SNAP, id="rush"),
        pytest.param("Sack", "", SNAP, id="sack"),
        pytest.param("Fumble Recovery (Opponent)", "", SNAP, id="fumble"),
        pytest.param("Pass Interception Return", "", SNAP, id="interception"),
        pytest.param("Passing Touchdown", "... for a TD (X KICK)", SNAP, id="td-with-pat-text"),
        pytest.param("Two Point Rush", "", SNAP, id="two-point"),
        pytest.param("Safety", "", SNAP, id="safety"),
        pytest.param("Kickoff", "", KICK, id="kickoff"),
        pytest.param("Kickoff Return (Offense)", "", KICK, id="kickoff-return"),
        pytest.param("Punt", "", KICK, id="punt"),
        pytest.param("Blocked Punt", "", KICK, id="blocked-punt"),
        pytest.param("Field Goal Missed", "", KICK, id="fg-missed"),
        pytest.param("Blocked Field Goal Touchdown", "", KICK, id="blocked-fg-td"),
        pytest.param("Extra Point Good", "", KICK, id="xp"),
        pytest.param("Timeout", "Timeout Texas, clock 2:00", NONE, id="timeout"),
        pytest.param("End Period", "End of 1st Quarter", NONE, id="end-period"),
        pytest.param("End of Half", "End of 2nd Quarter", NONE, id="end-half"),
        pytest.param("End of Game", "End of 4th Quarter", NONE, id="end-game"),
        pytest.param("Coin Toss", "Texas wins the toss", NONE, id="coin-toss"),
        # Penalty rows, shape 1: the play is described before the flag.
        pytest.param(
            "Penalty",
            "Kai Dash run for 12 yds to the X40, PENALTY X holding 10 yards, NO PLAY.",
            SNAP,
            id="penalty-run-then-flag",
        ),
        pytest.param(
            "Penalty",
            "Jo Arm pass incomplete to Ty Hands, PENALTY Y pass interference 15 yards",
            SNAP,
            id="penalty-pass-then-flag",
        ),
        pytest.param(
            "Penalty",
            "Jo Arm sacked by Ed Rush for a loss of 7 yards, PENALTY Y face mask",
            SNAP,
            id="penalty-sack-then-flag",
        ),
        pytest.param(
            "Penalty",
            "Lee Boot punt for 40 yds, PENALTY X illegal block in the back 10 yards",
            KICK,
            id="penalty-punt-then-flag",
        ),
        pytest.param(
            "Penalty",
            "Lee Boot kickoff for 60 yds, PENALTY X offside 5 yards, NO PLAY",
            KICK,
            id="penalty-kickoff-then-flag",
        ),
        # Penalty rows, shape 2: only the foul; its name decides.
        pytest.param(
            "Penalty", "Texas Penalty, False Start (-5 Yards) to the TEX 21", NONE, id="false-start"
        ),
        pytest.param("Penalty", "Texas Penalty, Delay of Game (-5 Yards)", NONE, id="delay"),
        pytest.param(
            "Penalty",
            "UGA Penalty, Defensive Offside (Al Fast) to the X 25",
            NONE,
            id="offside-compact",
        ),
        pytest.param(
            "Penalty", "X Penalty, Substitution Infraction (-4 Yards)", NONE, id="substitution"
        ),
        pytest.param(
            "Penalty", "X Penalty, Unsportsmanlike Conduct (-15 Yards)", NONE, id="unsportsmanlike"
        ),
        pytest.param("Penalty", "X Penalty, Encroachment (5 Yards)", NONE, id="encroachment"),
        pytest.param(
            "Penalty",
            "X Penalty, Defensive Holding (Jo Grab) for a 1ST down",
            SNAP,
            id="defensive-holding",
        ),
        pytest.param(
            "Penalty", "X Penalty, Offensive Holding (-10 Yards)", SNAP, id="offensive-holding"
        ),
        pytest.param(
            "Penalty", "X Penalty, Defensive Pass Interference (15 Yards)", SNAP, id="dpi"
        ),
        pytest.param(
            "Penalty",
            "X Penalty, Roughing Passer (Big Al) for a 1ST down",
            SNAP,
            id="roughing-passer",
        ),
        pytest.param(
            "Penalty", "X Penalty, Illegal Shift (Jo Moves) to the X 39", SNAP, id="illegal-shift"
        ),
        pytest.param(
            "Penalty",
            "X Penalty, Running Into the Kicker (5 Yards)",
            KICK,
            id="running-into-kicker",
        ),
        pytest.param(
            "Penalty",
            "X Penalty, Kick Catch Interference (15 Yards)",
            KICK,
            id="kick-catch-interference",
        ),
        pytest.param("Penalty", "X Penalty, Mystery Foul (5 Yards)", NONE, id="unknown-foul"),
        pytest.param("Penalty", "Pat Smith Penalty, False Start", NONE, id="pat-is-a-name"),
        pytest.param(
            "Penalty", "Holding, offense, 10 yards, replay down", SNAP, id="no-penalty-word"
        ),
        # Uncategorized and unknown types.
        pytest.param(
            "Uncategorized",
            "Jo Arm pass complete to Ty Hands for 5 yds",
            SNAP,
            id="uncategorized-pass",
        ),
        pytest.param("Uncategorized", "Injury timeout", NONE, id="uncategorized-nothing"),
        pytest.param("Punt Return Touchdown", "", KICK, id="known-kick-type"),
        pytest.param("Fake Punt Run", "", KICK, id="unknown-type-with-punt"),
        pytest.param("Rush Option Keeper", "", SNAP, id="unknown-type-with-rush"),
        pytest.param("Two-Minute Warning", "", NONE, id="two-minute-warning"),
        pytest.param("Media Timeout", "", NONE, id="unknown-timeout-type"),
    ],
)
def test_classify(play_type: str, text: str, kind: PlayKind) -> None:
    assert classify(normalize_play_type(play_type), text) is kind
