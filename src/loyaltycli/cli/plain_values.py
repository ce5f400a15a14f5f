"""Parameters that are plain text, whole numbers or flags are taken as Click already converted them.

Typer 0.29 checks every parameter's value with a Pydantic TypeAdapter, so any command with an argument
imported Pydantic (about 90 ms, a third of the start-up of `purchase`). Our commands take their values as
text and parse them themselves (money, dates, member keys), so for `str`, `int`, `bool`, their `| None`
and `list[...]` forms Click's value is all there is (a whole number is read from its digits here, and a
wrong one is refused in the reader's language). Any other value, or a Typer without this hook, goes
through Typer's own check unchanged.
"""

from __future__ import annotations

import re
import types
import typing
from typing import Any

from loyaltycli.cli.helptext import commands
from loyaltycli.i18n import _

_PLAIN = (str, int, bool)


def pass_plain_values(root: Any) -> None:
    """Give every plain parameter of the tree a coercion that keeps Click's value (once per tree)."""
    if getattr(root, "_loyalty_plain", False):
        return
    plain = _plain_coercion()
    if plain is None:
        return
    try:
        for command in commands(root):
            for param in [*command.params, getattr(command, "_help_option", None)]:  # --help is kept aside
                if getattr(param, "_runtime_param", False) is None and _is_plain(param.type_descriptor.annotation):
                    param._runtime_param = plain(param.type_descriptor)
    except (AttributeError, TypeError):  # a Typer whose internals moved: the parameters left keep its checks
        return
    root._loyalty_plain = True


def _is_plain(annotation: Any) -> bool:
    if annotation in _PLAIN:
        return True
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        others = [arg for arg in args if arg is not type(None)]
        return len(others) == 1 and _is_plain(others[0])
    return origin is list and args in ((str,), (int,))


def _plain_coercion() -> Any:
    """A Typer RuntimeParam that returns Click's value, falling back to Typer's own for anything else."""
    try:
        from typer._coercion import RuntimeParam, build_runtime_param
    except ImportError:  # a Typer without runtime coercion: nothing to replace
        return None

    class PlainValue(RuntimeParam):
        descriptor: Any  # set once, in __init__ (the dataclass above is frozen)

        def __init__(self, descriptor: Any) -> None:
            super().__init__(parameter_info=descriptor.parameter_info, annotation=descriptor.annotation)
            object.__setattr__(self, "descriptor", descriptor)

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            wanted = _without_none(self.annotation)
            if typing.get_origin(wanted) is list:
                if isinstance(value, tuple | list):
                    items = [_plain(typing.get_args(wanted)[0], item, param, ctx) for item in value]
                    if not any(item is _NOT_PLAIN for item in items):
                        return items
            else:
                plain = _plain(wanted, value, param, ctx)
                if plain is not _NOT_PLAIN:
                    return plain
            return build_runtime_param(self.descriptor)._coerce_value(value, param=param, ctx=ctx)

    return PlainValue


_NOT_PLAIN = object()
_WHOLE = re.compile(r"[+-]?[0-9]+")


def _plain(kind: Any, value: Any, param: Any, ctx: Any) -> Any:
    """Click's value as `kind`; a whole number arrives as text (Typer 0.29 gives Click no int type) and is read
    here, with the error in the reader's language; `_NOT_PLAIN` leaves anything else to Typer."""
    if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
        return value
    if kind is int and isinstance(value, str):
        if _WHOLE.fullmatch(value):
            return int(value)
        import typer

        raise typer.BadParameter(_("{value!r} is not a whole number").format(value=value), ctx=ctx, param=param)
    return _NOT_PLAIN


def _without_none(annotation: Any) -> Any:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return next(arg for arg in typing.get_args(annotation) if arg is not type(None))
    return annotation
