"""Command-line flags made from a recipe's options model, so the CLI never lists them by hand.

Each field becomes ``--field-name`` (or the name in its ``json_schema_extra["cli"]``; False
keeps it off the command line) with its description as help. Values are checked against the
field's own constraints as they are parsed, so ``--pre -3`` is an argparse error like any other.
Supported field types: numbers, strings, booleans, Literal choices and tuples/lists of those
(a repeatable flag).
"""

from __future__ import annotations

import argparse
import types
from collections.abc import Callable, Mapping
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import TypeAdapter, ValidationError
from pydantic.fields import FieldInfo

from cutups.recipes.base import RecipeOptions

__all__ = ["add_option_flags", "option_values"]

_SCALARS = (int, float, str)


def _extra(info: FieldInfo) -> Mapping[str, Any]:
    extra = info.json_schema_extra
    return extra if isinstance(extra, Mapping) else {}


def _strip_optional(annotation: Any) -> Any:
    if get_origin(annotation) in (Union, types.UnionType):
        kept = [a for a in get_args(annotation) if a is not type(None)]
        if len(kept) == 1:
            return kept[0]
    return annotation


def _checker(annotation: Any, info: FieldInfo, name: str) -> Callable[[str], Any]:
    """An argparse ``type``: parse one value and check it against the field's constraints."""
    constrained: Any = Annotated[annotation, *info.metadata] if info.metadata else annotation
    adapter: TypeAdapter[Any] = TypeAdapter(constrained)

    def parse(text: str) -> Any:
        try:
            return adapter.validate_strings(text)
        except ValidationError as exc:
            raise argparse.ArgumentTypeError(
                f"{text!r}: {exc.errors()[0]['msg'].lower()}"
            ) from None

    parse.__name__ = name  # argparse names the type in its messages
    return parse


def _add_flag(parser: argparse._ActionsContainer, name: str, info: FieldInfo) -> None:
    extra = _extra(info)
    flag = extra.get("cli")
    if flag is False:
        return
    flag = flag or "--" + name.replace("_", "-")
    common: dict[str, Any] = {"dest": name, "help": info.description, "default": None}
    if "metavar" in extra:
        common["metavar"] = extra["metavar"]
    annotation = _strip_optional(info.annotation)
    repeated = get_origin(annotation) in (tuple, list)
    item = get_args(annotation)[0] if repeated else annotation
    if item is bool:
        parser.add_argument(flag, action=argparse.BooleanOptionalAction, **common)
        return
    kind: dict[str, Any] = {}
    if get_origin(item) is Literal:
        kind["choices"] = list(get_args(item))
    elif item in _SCALARS:
        kind["type"] = _checker(item, info, item.__name__)
    else:
        raise TypeError(f"option {name}: no command-line form for {info.annotation}")
    if repeated:
        common["action"] = "append"
    parser.add_argument(flag, **common, **kind)


def add_option_flags(parser: argparse._ActionsContainer, model: type[RecipeOptions]) -> None:
    """Add one flag per field of ``model`` to ``parser`` (an argparse parser or group)."""
    for name, info in model.model_fields.items():
        _add_flag(parser, name, info)


def option_values(args: argparse.Namespace, model: type[RecipeOptions]) -> dict[str, Any]:
    """The options given on the command line (unset flags left out, so defaults apply)."""
    values = {}
    for name in model.model_fields:
        value = getattr(args, name, None)
        if value is not None:
            values[name] = value
    return values
