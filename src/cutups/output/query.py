"""The playlist query language: which plays of a job to keep.

::

    odk = O and down = 3 and distance >= 7
    quarter in (1, 2) and not (play_type = "Pass Incompletion" or gain < 0)
    bucket != special_teams and yard_line > 0

- A **comparison** is ``field op value``: ``=``, ``!=``, ``<``, ``<=``, ``>``, ``>=``, or
  ``field in (v1, v2, ...)`` / ``field not in (...)``.
- Combine with ``and``, ``or``, ``not`` and parentheses; ``not`` binds tightest, then ``and``,
  then ``or``. Keywords are case-insensitive.
- A **value** is a number (``7``, ``-35``, ``62.5``), a quoted string (``"Pass Reception"``,
  ``'Ohio St'``; a backslash escapes the next character) or a bare word (``O``, ``team_offense``).
- Text compares case-insensitively, and only with ``=``, ``!=`` and ``in``; numbers with every
  operator.
- A play without the fact (no play-by-play, a kickoff's down) matches **no** comparison on it,
  ``!=`` included: ``down != 3`` keeps plays with a down other than 3; ``not down = 3`` also keeps
  plays without a down.

Fields (aliases after the slash) are the breakdown's columns (see
:mod:`cutups.output.exports.breakdown`): ``number``, ``odk``, ``quarter/qtr/period``,
``down/dn``, ``distance/dist``, ``yard_line/yard_ln`` (signed: negative in the offense's own
half), ``yards_to_goal``, ``gain/gn_ls``, ``play_type`` (as listed: ``Rush``, ``Pass
Reception``...), ``type`` (the breakdown's: ``Run``, ``Pass``, ``KO``, ``Punt Rec``...),
``result``, ``bucket``, ``score/confidence``, ``offense``, ``defense``.

Errors are :class:`~cutups.errors.QueryError` naming the column where the query goes wrong.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from cutups.errors import QueryError
from cutups.output.exports.model import ExportPlay

__all__ = ["FIELDS", "Field", "Query", "parse_query"]

Value = int | float | str
Kind = Literal["number", "text"]


@dataclass(frozen=True, slots=True)
class Field:
    """A fact of a play the query can test."""

    name: str
    kind: Kind
    get: Callable[[ExportPlay], Value | None]


def _fields() -> dict[str, Field]:
    specs: list[tuple[tuple[str, ...], Kind, Callable[[ExportPlay], Value | None]]] = [
        (("number",), "number", lambda p: p.number),
        (("odk",), "text", lambda p: p.odk),
        (("quarter", "qtr", "period"), "number", lambda p: p.facts.period),
        (("down", "dn"), "number", lambda p: p.facts.down),
        (("distance", "dist"), "number", lambda p: p.facts.distance),
        (("yard_line", "yard_ln"), "number", lambda p: p.yard_line),
        (("yards_to_goal",), "number", lambda p: p.facts.yards_to_goal),
        (("gain", "gn_ls"), "number", lambda p: p.facts.yards_gained),
        (("play_type",), "text", lambda p: p.facts.play_type),
        (("type",), "text", lambda p: p.play_type or None),
        (("result",), "text", lambda p: p.result or None),
        (("bucket",), "text", lambda p: p.clip.bucket),
        (("score", "confidence"), "number", lambda p: p.clip.score),
        (("offense",), "text", lambda p: p.facts.offense),
        (("defense",), "text", lambda p: p.facts.defense),
    ]
    return {alias: Field(names[0], kind, get) for names, kind, get in specs for alias in names}


FIELDS = _fields()
"""Every field name and alias -> the field."""

_KEYWORDS = frozenset({"and", "or", "not", "in"})
_OPS = ("<=", ">=", "!=", "==", "=", "<", ">")
_TOKEN = re.compile(
    r"""(?P<space>\s+)
      | (?P<number>-?\d+(?:\.\d+)?(?![\w.]))
      | (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
      | (?P<word>[A-Za-z_][\w]*)
      | (?P<op><=|>=|!=|==|=|<|>)
      | (?P<punct>[(),])""",
    re.VERBOSE,
)


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # number, string, word, keyword, op, punct, end
    text: str
    column: int
    value: Value = ""


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            quote = text[pos] in "\"'"
            what = "an unterminated string" if quote else f"an unexpected {text[pos]!r}"
            raise QueryError(f"{what}", column=pos + 1)
        kind, raw = match.lastgroup or "", match.group()
        column, pos = pos + 1, match.end()
        if kind == "space":
            continue
        if kind == "number":
            tokens.append(_Token(kind, raw, column, float(raw) if "." in raw else int(raw)))
        elif kind == "string":
            tokens.append(_Token(kind, raw, column, re.sub(r"\\(.)", r"\1", raw[1:-1])))
        elif kind == "word" and raw.casefold() in _KEYWORDS:
            tokens.append(_Token("keyword", raw.casefold(), column))
        else:
            tokens.append(_Token(kind, raw, column, raw))
    tokens.append(_Token("end", "", len(text) + 1))
    return tokens


# -- the tree ---------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Compare:
    field: Field
    op: str  # =, !=, <, <=, >, >=, in, not in
    values: tuple[Value, ...]

    def test(self, play: ExportPlay) -> bool:
        have = self.field.get(play)
        if have is None:
            return False
        if isinstance(have, str):
            have = have.casefold()
        wanted = [v.casefold() if isinstance(v, str) else v for v in self.values]
        if self.op in ("in", "not in"):
            return (have in wanted) == (self.op == "in")
        want = wanted[0]
        if self.op == "=":
            return have == want
        if self.op == "!=":
            return have != want
        assert isinstance(have, int | float) and isinstance(want, int | float)
        return {"<": have < want, "<=": have <= want, ">": have > want, ">=": have >= want}[self.op]

    def __str__(self) -> str:
        shown = [_show(v) for v in self.values]
        if self.op in ("in", "not in"):
            return f"{self.field.name} {self.op} ({', '.join(shown)})"
        return f"{self.field.name} {self.op} {shown[0]}"


@dataclass(frozen=True, slots=True)
class _Not:
    inner: _Node

    def test(self, play: ExportPlay) -> bool:
        return not self.inner.test(play)

    def __str__(self) -> str:
        return f"not ({self.inner})"


@dataclass(frozen=True, slots=True)
class _Both:
    op: Literal["and", "or"]
    left: _Node
    right: _Node

    def test(self, play: ExportPlay) -> bool:
        if self.op == "and":
            return self.left.test(play) and self.right.test(play)
        return self.left.test(play) or self.right.test(play)

    def __str__(self) -> str:
        return f"({self.left} {self.op} {self.right})"


_Node = _Compare | _Not | _Both


def _show(value: Value) -> str:
    if isinstance(value, str):
        # casefolded: text compares case-insensitively, so "O" and "o" are the same query
        return '"' + value.casefold().replace("\\", "\\\\").replace('"', '\\"') + '"'
    return str(value)


# -- the parser -------------------------------------------------------------------------------
class _Parser:
    """Recursive descent over the tokens: or -> and -> not -> comparison | ( or )."""

    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.at = 0

    @property
    def token(self) -> _Token:
        return self.tokens[self.at]

    def take(self) -> _Token:
        token = self.token
        self.at += 1
        return token

    def accept(self, kind: str, text: str) -> bool:
        if self.token.kind == kind and self.token.text == text:
            self.at += 1
            return True
        return False

    def fail(self, expected: str) -> QueryError:
        token = self.token
        found = "the end of the query" if token.kind == "end" else repr(token.text)
        return QueryError(f"expected {expected}, found {found}", column=token.column)

    def query(self) -> _Node:
        if self.token.kind == "end":
            raise self.fail("a comparison such as: down = 3")
        node = self.either()
        if self.token.kind != "end":
            raise self.fail("'and', 'or' or the end of the query")
        return node

    def either(self) -> _Node:
        node = self.both()
        while self.accept("keyword", "or"):
            node = _Both("or", node, self.both())
        return node

    def both(self) -> _Node:
        node = self.negation()
        while self.accept("keyword", "and"):
            node = _Both("and", node, self.negation())
        return node

    def negation(self) -> _Node:
        if self.accept("keyword", "not"):
            return _Not(self.negation())
        if self.accept("punct", "("):
            node = self.either()
            if not self.accept("punct", ")"):
                raise self.fail("')'")
            return node
        return self.comparison()

    def comparison(self) -> _Node:
        token = self.token
        if token.kind != "word":
            raise self.fail("a field name")
        field = FIELDS.get(token.text.casefold())
        if field is None:
            names = ", ".join(sorted({f.name for f in FIELDS.values()}))
            raise QueryError(f"unknown field {token.text!r}; fields: {names}", column=token.column)
        self.take()
        if self.accept("keyword", "not"):
            if not self.accept("keyword", "in"):
                raise self.fail("'in' after 'not'")
            return _Compare(field, "not in", self.value_list(field))
        if self.accept("keyword", "in"):
            return _Compare(field, "in", self.value_list(field))
        if self.token.kind != "op":
            raise self.fail(f"an operator after {token.text!r} (= != < <= > >= in)")
        op = self.take()
        if field.kind == "text" and op.text not in ("=", "==", "!="):
            raise QueryError(
                f"{field.name} is text: compare it with =, != or in, not {op.text}",
                column=op.column,
            )
        return _Compare(field, "=" if op.text == "==" else op.text, (self.value(field),))

    def value_list(self, field: Field) -> tuple[Value, ...]:
        if not self.accept("punct", "("):
            raise self.fail("'(' to open the list after 'in'")
        values = [self.value(field)]
        while self.accept("punct", ","):
            values.append(self.value(field))
        if not self.accept("punct", ")"):
            raise self.fail("',' or ')' in the list")
        return tuple(values)

    def value(self, field: Field) -> Value:
        token = self.token
        if token.kind not in ("number", "string", "word"):
            raise self.fail(f"a value for {field.name}")
        if field.kind == "number" and token.kind != "number":
            raise QueryError(f"{field.name} is a number, not {token.text}", column=token.column)
        self.take()
        return token.value if field.kind == "number" else str(token.value)


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed query: :meth:`matches` one play, :meth:`select` the plays that match."""

    text: str
    """The query as written."""
    tree: _Node

    def matches(self, play: ExportPlay) -> bool:
        return self.tree.test(play)

    def select(self, plays: Iterable[ExportPlay]) -> list[ExportPlay]:
        return [p for p in plays if self.matches(p)]

    @property
    def canonical(self) -> str:
        """The query fully parenthesised, aliases resolved: equal for equal queries."""
        return str(self.tree)


def parse_query(text: str) -> Query:
    """Parse ``text``.

    Raises:
        QueryError: the query does not parse; the message names the column and what was
            expected there.
    """
    return Query(text, _Parser(text).query())
