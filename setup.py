"""Builds loyaltycli, compiling its pure hot modules with mypyc where a C compiler is there.

Everything else about the package is in pyproject.toml. The modules listed here are the rules a receipt goes
through (earning, plans, allocation, money) and the readers of a sales file: pure Python, compiled to C
extensions the way black and mypy ship theirs. Without a C compiler, without mypyc, with LOYALTY_PURE=1 set,
or if the C does not build, the same modules are installed as plain Python and behave the same (README,
"Compiled modules").
"""

from __future__ import annotations

import os
import shutil
import sysconfig
from typing import Any

from setuptools import setup
from setuptools.command.build_ext import build_ext

COMPILED = [
    "src/loyaltycli/domain/allocation.py",
    "src/loyaltycli/domain/member_state.py",
    "src/loyaltycli/domain/money.py",
    "src/loyaltycli/domain/points.py",
    "src/loyaltycli/domain/purchase_plans.py",
    "src/loyaltycli/domain/receipts.py",
    "src/loyaltycli/importers/receipts.py",
    "src/loyaltycli/importers/values.py",
]


def compiled_modules() -> list[Any]:
    if os.environ.get("LOYALTY_PURE"):
        return []
    compiler = (sysconfig.get_config_var("CC") or "cc").split()[0]
    if shutil.which(compiler) is None:
        return []
    try:
        from mypyc.build import mypycify
    except ImportError:
        return []
    try:
        # The build has mypy but not the package's dependencies (nor the pydantic plugin pyproject.toml names
        # for the type check): no config file, and their types taken as Any.
        extensions = mypycify(["--config-file=", "--ignore-missing-imports", *COMPILED], opt_level="3")
    except (Exception, SystemExit) as exc:  # a construct mypyc cannot compile: install the pure modules
        print(f"loyaltycli: not compiling ({exc}); the pure Python modules are installed")
        return []
    return list(extensions)


class BuildOrFallBack(build_ext):
    """Builds the compiled modules; if the C does not build, removes what did and installs pure Python."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as exc:
            print(f"loyaltycli: the compiled modules did not build ({exc}); the pure Python modules are installed")
            for built in self.get_outputs():
                if os.path.exists(built):
                    os.remove(built)
            self.extensions = []


setup(ext_modules=compiled_modules(), cmdclass={"build_ext": BuildOrFallBack})
