"""English word lists the local planner scores with (lower case, no punctuation)."""

from __future__ import annotations

__all__ = [
    "EMPHASIS",
    "HOOK_OPENERS",
    "LIST_MARKERS",
    "LIST_NOUNS",
    "NUMBER_WORDS",
    "REACTION_MARKERS",
    "STOPWORDS",
]


def _words(text: str) -> list[str]:
    return text.split()


STOPWORDS = frozenset(
    _words(
        """
        a about above after again against all am an and any are aren't as at be because been before
        being below between both but by can can't cannot could couldn't did didn't do does doesn't
        doing don't down during each few for from further get gets got had hadn't has hasn't have
        haven't having he he'd he'll he's her here here's hers herself him himself his how how's i
        i'd i'll i'm i've if in into is isn't it it's its itself just know let's like me more most
        mustn't my myself no nor not now of off on once only or other ought our ours ourselves out
        over own really right same say said she she'd she'll she's should shouldn't so some such
        than that that's the their theirs them themselves then there there's these they they'd
        they'll they're they've thing things think this those through to too under until up very
        was wasn't we we'd we'll we're we've were weren't what what's when when's where where's
        which while who who's whom why why's will with won't would wouldn't yeah you you'd you'll
        you're you've your yours yourself yourselves going gonna want also even well okay actually
        maybe something anything everything kind sort lot much many one two three back still way
        make made go goes went come came take took see look mean means us every else
        """
    )
)

EMPHASIS = frozenset(
    _words(
        """
        never always everyone everybody nobody nothing everything biggest best worst most least
        secret truth truly honestly literally insane crazy incredible amazing huge massive
        important critical crucial mistake mistakes wrong absolutely completely totally ever only
        impossible shocking surprising surprised secretly forget stop must
        """
    )
)
"""Words speakers lean on when they make a point."""

HOOK_OPENERS = (
    "here's",
    "here is",
    "the secret",
    "the truth",
    "the problem",
    "the reason",
    "nobody",
    "no one",
    "most people",
    "stop",
    "why",
    "how",
    "what if",
    "imagine",
    "did you know",
    "let me tell you",
    "the biggest",
    "the best",
    "the worst",
    "never",
)
"""Openings that make a viewer stay: a promise, a question, a contradiction."""

LIST_MARKERS = frozenset(
    _words(
        """
        first firstly second secondly third thirdly fourth fifth finally lastly next
        """
    )
)

NUMBER_WORDS = frozenset(
    _words(
        """
        two three four five six seven eight nine ten
        """
    )
)

LIST_NOUNS = frozenset(
    _words(
        """
        things ways reasons tips steps mistakes rules lessons habits secrets ideas signs
        """
    )
)
"""A number followed by one of these announces a list ("three things", "5 mistakes")."""

REACTION_MARKERS = frozenset(
    _words(
        """
        haha hahaha laughter laughs laughing applause
        """
    )
)
"""Words recognisers write for laughter and applause."""
