"""Command-line parsing that reads a negative number as a value, not as an unknown option.

`loyalty adjust M000001 --reason typo -20` means minus twenty points; a plain
Click parser would call `-20` "No such option: -2".  Only tokens that are
numbers are affected: a misspelt option is still an error.
"""

from __future__ import annotations

import re
from typing import Any

from typer._click.parser import _OptionParser
from typer.core import TyperCommand

_NEGATIVE_NUMBER = re.compile(r"-\d[\d.,]*")


class _NumberFriendlyParser(_OptionParser):
    def _process_opts(self, arg: str, state: Any) -> None:
        if _NEGATIVE_NUMBER.fullmatch(arg):
            state.largs.append(arg)
            return
        super()._process_opts(arg, state)


class NumberFriendlyCommand(TyperCommand):
    """A command whose positional arguments may be negative numbers."""

    def make_parser(self, ctx: Any) -> _OptionParser:
        parser = _NumberFriendlyParser(ctx)
        for param in self.get_params(ctx):
            param.add_to_parser(parser, ctx)
        return parser
