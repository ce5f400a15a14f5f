"""The house rules: the domain stays pure, no import cycles, every command has help, fast start-up."""

from __future__ import annotations

import ast
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer

import loyaltycli
from loyaltycli.cli import app

SRC = Path(loyaltycli.__file__).parent
FORBIDDEN_IN_DOMAIN = {
    "sqlalchemy",
    "sqlmodel",
    "typer",
    "rich",
    "alembic",
    "loyaltycli.storage",
    "loyaltycli.services",
    "loyaltycli.cli",
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", sorted((SRC / "domain").glob("*.py")), ids=lambda p: p.name)
def test_domain_imports_nothing_of_the_outer_layers(path: Path) -> None:
    bad = {m for m in imported_modules(path) if any(m == f or m.startswith(f + ".") for f in FORBIDDEN_IN_DOMAIN)}
    assert not bad, f"{path.name} imports {bad}"


def test_domain_never_reads_the_clock() -> None:
    for path in (SRC / "domain").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert ".now(" not in text and ".today(" not in text and "utcnow" not in text, path.name


def test_services_do_not_import_the_cli() -> None:
    for path in (SRC / "services").glob("*.py"):
        assert not any(m.startswith("loyaltycli.cli") for m in imported_modules(path)), path.name


MODULES = [
    m.name
    for m in pkgutil.walk_packages([str(SRC)], "loyaltycli.")
    if "migrations" not in m.name and not m.name.endswith("__main__")
]


IMPORT_EACH_ALONE = """
import importlib, sys
failed = []
for name in sys.argv[1:]:
    for loaded in [m for m in sys.modules if m == "loyaltycli" or m.startswith("loyaltycli.")]:
        if not (getattr(sys.modules[loaded], "__file__", None) or "").endswith(".so"):
            del sys.modules[loaded]  # a module compiled by mypyc cannot be imported twice: it stays
    try:
        importlib.import_module(name)
    except Exception as error:
        failed.append(f"{name}: {type(error).__name__}: {error}")
print("\\n".join(failed))
"""


def test_every_module_imports_on_its_own() -> None:
    """An import cycle shows up as an ImportError when a module is imported first: each module is imported
    with none of the project's modules loaded (libraries stay loaded, in one interpreter, for speed)."""
    result = subprocess.run([sys.executable, "-c", IMPORT_EACH_ALONE, *MODULES], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_the_import_check_finds_a_cycle(tmp_path: Path) -> None:
    """Planted: two modules importing a name from each other fail when either is imported first."""
    package = tmp_path / "loyaltycli_cycle"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from loyaltycli_cycle.b import B\nA = 1\n")
    (package / "b.py").write_text("from loyaltycli_cycle.a import A\nB = 2\n")
    script = IMPORT_EACH_ALONE.replace('m == "loyaltycli" or m.startswith("loyaltycli.")', 'm.startswith("loyaltycli")')
    result = subprocess.run(
        [sys.executable, "-c", script, "loyaltycli_cycle.a"], capture_output=True, text=True, cwd=tmp_path
    )
    assert "ImportError" in result.stdout


def walk(group: typer.Typer, prefix: str = "") -> list[tuple[str, object]]:
    import typer.main

    command = typer.main.get_command(group)
    found: list[tuple[str, object]] = []

    def visit(cmd: object, path: str) -> None:
        found.append((path, cmd))
        for name, sub in getattr(cmd, "commands", {}).items():
            visit(sub, f"{path} {name}".strip())

    visit(command, prefix)
    return found


def test_every_command_has_help_text() -> None:
    missing = [path for path, cmd in walk(app) if path and not (getattr(cmd, "help", None) or "").strip()]
    assert missing == []


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--db", "shop.db", "member", "show", "M1"], "member"),
        (["--db=shop.db", "--debug", "purchase", "M1", "5"], "purchase"),
        (["--help"], None),
        (["--version"], None),
        ([], None),
    ],
)
def test_the_command_run_is_told_from_its_arguments(args: list[str], named: str | None) -> None:
    from loyaltycli.cli import command_named

    assert command_named(args) == named


def test_a_command_starts_with_only_its_own_group_built() -> None:
    """Typer builds click parameters for every command it holds; a run holds only the one it runs."""
    from loyaltycli.cli import app_for

    shown = app_for(["--db", "x.db", "member", "show", "M1"])
    assert [g.name for g in shown.registered_groups] == ["member"] and shown.registered_commands == []
    member = shown.registered_groups[0].typer_instance
    assert member is not None and [c.name for c in member.registered_commands] == ["show"]
    assert [c.name for c in app_for(["purchase", "M1", "5"]).registered_commands] == ["purchase"]
    assert app_for(["--help"]) is app and app_for(["no-such-command"]) is app
    assert len(app.registered_commands) > 10  # the whole app is untouched


def test_help_does_not_import_the_database_layer() -> None:
    code = "import sys; from loyaltycli.cli import app; print('sqlalchemy' in sys.modules, 'sqlmodel' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split()[0] == "False"


def test_no_module_uses_the_orm() -> None:
    """Issue 29: storage works with SQLAlchemy Core alone; importing and configuring the ORM was a quarter
    of the start-up of `member show`, `purchase` and `redeem`."""
    offenders = [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if any(m == "sqlalchemy.orm" or m.startswith("sqlalchemy.orm.") for m in imported_modules(path))
    ]
    assert offenders == []


def test_everyday_commands_run_without_loading_the_orm_or_pydantic(tmp_path: Path) -> None:
    """The everyday commands, run as `loyalty` runs them, leave `sqlalchemy.orm` and Pydantic unloaded (a
    library could still pull them in where no module of ours names them: Typer 0.29 would, for every
    argument, without `cli/plain_values.py`; a stored programme is rebuilt without Pydantic)."""
    program = tmp_path / "p.toml"
    program.write_text(
        '[program]\nname = "Shop"\ncurrency = "EUR"\ntimezone = "Europe/Berlin"\n'
        '[[rewards]]\nid = "coffee"\nname = "Coffee"\npoints = 1\nkind = "experience"\n',
        encoding="utf-8",
    )
    db = str(tmp_path / "shop.db")
    run = [sys.executable, "-m", "loyaltycli", "--db", db]
    subprocess.run([*run, "init", "--program", str(program)], check=True, capture_output=True)
    subprocess.run([*run, "enroll", "Anna", "--email", "anna@example.com"], check=True, capture_output=True)
    probe = (
        "import sys, runpy\n"
        "sys.argv = ['loyalty', *sys.argv[1:]]\n"
        "try:\n    runpy.run_module('loyaltycli', run_name='__main__')\n"
        "except SystemExit as exc:\n    assert not exc.code, exc.code\n"
        "print('ORM', 'sqlalchemy.orm' in sys.modules, file=sys.stderr)\n"
        "print('PYDANTIC', 'pydantic' in sys.modules, file=sys.stderr)\n"
    )
    for command in (["purchase", "anna@example.com", "12.50"], ["redeem", "anna@example.com", "coffee"]):
        command += ["--json"]
        for args in (command, ["member", "show", "anna@example.com"]):
            result = subprocess.run([sys.executable, "-c", probe, "--db", db, *args], capture_output=True, text=True)
            assert result.returncode == 0, result.stderr
            assert "ORM False" in result.stderr, (args, result.stderr[-300:])
            assert "PYDANTIC False" in result.stderr, (args, result.stderr[-300:])
    whole_number = ["member", "list", "--lapsed", "30"]  # Typer 0.29 hands Click's int options over as text
    result = subprocess.run([sys.executable, "-c", probe, "--db", db, *whole_number], capture_output=True, text=True)
    assert result.returncode == 0 and "PYDANTIC False" in result.stderr, result.stderr[-300:]


def test_only_the_programme_file_reader_imports_pydantic() -> None:
    """Pydantic validates a programme file; the stored programme every command loads is rebuilt without it."""
    offenders = [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if any(m == "pydantic" or m.startswith("pydantic.") for m in imported_modules(path))
    ]
    assert sorted(offenders) == ["domain/program.py", "domain/program_file.py"]  # program.py: in `Checked` only


def test_only_the_counter_screen_imports_textual() -> None:
    """Textual is for `loyalty counter` alone: every other command starts without it."""
    offenders = [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if "counter" not in path.relative_to(SRC).parts
        and any(m == "textual" or m.startswith("textual.") for m in imported_modules(path))
    ]
    assert offenders == []
    code = "import sys; from loyaltycli.cli import app; print('textual' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


# ---------------------------------------------------------------- layers (issue 13): arrows point inward
LAYER_RULES = {
    # layer: packages it must never import (at the top of a module or inside a function)
    "domain": (
        "loyaltycli.services",
        "loyaltycli.storage",
        "loyaltycli.cli",
        "loyaltycli.counter",
        "loyaltycli.importers",
    ),
    "storage": ("loyaltycli.services", "loyaltycli.cli", "loyaltycli.counter"),
    "importers": ("loyaltycli.services", "loyaltycli.cli", "loyaltycli.counter"),
    "services": ("loyaltycli.cli", "loyaltycli.counter"),
    "reports": ("loyaltycli.cli", "loyaltycli.counter", "loyaltycli.storage"),
    "counter": ("loyaltycli.cli", "loyaltycli.storage", "sqlalchemy", "sqlmodel"),
}
# Services never import the table definitions, SQLAlchemy or SQLModel: storage owns SQL, and services get
# their transaction and records from `storage/records.py`. (The list of exceptions is empty; it was 16.)
SERVICES_WITH_QUERIES: set[str] = set()
QUERY_MODULES = ("loyaltycli.storage.models", "sqlalchemy", "sqlmodel")


def names_imported(node: ast.AST) -> list[str]:
    """The modules an import statement names (anywhere: at the top or inside a function)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.module:
        return [node.module]
    return []


def layer_violations(sources: dict[str, str]) -> list[str]:
    """`sources`: module path (relative to the package) -> its text; every import that points outward."""
    found = []
    for path, text in sources.items():
        layer = path.split("/")[0]
        forbidden = LAYER_RULES.get(layer, ())
        for node in ast.walk(ast.parse(text)):
            names = names_imported(node)
            for name in names:
                if any(name == f or name.startswith(f + ".") for f in forbidden):
                    found.append(f"{path}:{node.lineno} imports {name}")
    return found


def package_sources() -> dict[str, str]:
    return {
        str(path.relative_to(SRC)): path.read_text(encoding="utf-8")
        for path in SRC.rglob("*.py")
        if "migrations" not in path.parts
    }


def test_every_import_points_inward() -> None:
    assert layer_violations(package_sources()) == []


def test_the_layer_rule_finds_a_planted_violation() -> None:
    """A test of the test: an import made inside a function, pointing back up, is found."""
    planted = {"storage/planted.py": "def rows():\n    from loyaltycli.services.members import MemberRow\n"}
    assert layer_violations(planted) == ["storage/planted.py:2 imports loyaltycli.services.members"]


def services_that_query(sources: dict[str, str]) -> set[str]:
    """Service modules that import the models, SQLAlchemy or SQLModel (at the top or inside a function)."""
    found = set()
    for path, text in sources.items():
        if not path.startswith("services/"):
            continue
        for node in ast.walk(ast.parse(text)):
            names = names_imported(node)
            if any(n == m or n.startswith(m + ".") for n in names for m in QUERY_MODULES):
                found.add(path.split("/")[1])
    return found


def test_services_build_no_queries() -> None:
    querying = services_that_query(package_sources())
    assert querying <= SERVICES_WITH_QUERIES, f"services that query the models: {querying - SERVICES_WITH_QUERIES}"


def test_the_query_rule_finds_a_planted_import() -> None:
    """A test of the test: SQLAlchemy imported inside a function of a service is found."""
    planted = {
        "services/planted.py": "def f(tx):\n    from sqlalchemy import select\n",
        "services/clean.py": "from loyaltycli.storage.records import Transaction\n",
    }
    assert services_that_query(planted) == {"planted.py"}


def reaches_into_transactions(sources: dict[str, str]) -> list[str]:
    """Places outside storage that open the transaction storage handed out (its `conn`), or call a
    connection's methods on it: services pass a `Transaction` back to storage and do nothing else with it."""
    session_methods = {"conn", "orm", "flush", "refresh", "expire", "expire_all", "connection", "execute", "scalar"}
    session_methods |= {"scalars", "get", "add", "rollback", "commit", "begin", "get_bind"}
    found = []
    for path, text in sources.items():
        if path.startswith("storage/"):
            continue
        for node in ast.walk(ast.parse(text)):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in ("tx", "outer", "session")
                and node.attr in session_methods
            ):
                found.append(f"{path}:{node.lineno} {node.value.id}.{node.attr}")
    return sorted(found)


def test_only_storage_looks_inside_a_transaction() -> None:
    assert reaches_into_transactions(package_sources()) == []


def test_the_transaction_rule_finds_planted_uses() -> None:
    planted = {
        "services/planted.py": "def f(tx):\n    tx.conn.execute(q)\n    tx.flush()\n",
        "storage/fine.py": "def f(tx):\n    tx.conn.execute(q)\n",
    }
    assert reaches_into_transactions(planted) == ["services/planted.py:2 tx.conn", "services/planted.py:3 tx.flush"]


ORM_NAMES = {"Member", "Receipt", "Voucher", "LedgerEntry", "PointLot", "LotUse", "StampCount", "VoucherUse"}
ORM_NAMES |= {"ProgramVersion", "ConsentEvent", "Session", "Connection", "Row", "Any"}


def storage_names_used_outside(sources: dict[str, str]) -> set[tuple[str, str]]:
    """(storage module, name) of every storage function or class a module outside storage uses: imported by
    name, or reached as an attribute of an imported storage module."""
    used = set()
    for path, text in sources.items():
        if path.startswith("storage/"):
            continue
        aliases = {}
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.ImportFrom) and node.module == "loyaltycli.storage":
                aliases.update({a.asname or a.name: a.name for a in node.names})
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("loyaltycli.storage."):
                used.update((node.module.rsplit(".", 1)[1], a.name) for a in node.names)
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases:
                used.add((aliases[node.value.id], node.attr))
    return used


def orm_values_handed_out(sources: dict[str, str]) -> list[str]:
    """Storage functions used outside storage whose parameters or result name an ORM class, a session or Any."""
    used = storage_names_used_outside(sources)
    found = []
    for path, text in sources.items():
        if not path.startswith("storage/") or path.count("/") > 1:
            continue
        module = path.removeprefix("storage/").removesuffix(".py")
        for node in ast.parse(text).body:
            if not isinstance(node, ast.FunctionDef) or (module, node.name) not in used:
                continue
            annotations = [a.annotation for a in node.args.args + node.args.kwonlyargs] + [node.returns]
            names = {n.id for a in annotations if a is not None for n in ast.walk(a) if isinstance(n, ast.Name)}
            if names & ORM_NAMES:
                found.append(f"{module}.{node.name}: {sorted(names & ORM_NAMES)}")
    return sorted(found)


def test_storage_hands_services_values_only() -> None:
    """Issue 28: services get frozen records and storage's Transaction: no ORM object, session or Any."""
    assert orm_values_handed_out(package_sources()) == []


def test_the_values_rule_finds_planted_orm_results() -> None:
    planted = {
        "storage/people.py": "def find(tx) -> Member: ...\ndef rows(tx) -> list[Any]: ...\ndef fine(tx) -> int: ...\n",
        "services/user.py": "from loyaltycli.storage import people\npeople.find(tx)\npeople.fine(tx)\n",
        "cli/user.py": "from loyaltycli.storage.people import rows\n",
    }
    assert orm_values_handed_out(planted) == ["people.find: ['Member']", "people.rows: ['Any']"]


PLAN_TYPES = {"Credit", "Debit", "CreditPlan", "VoucherPlan", "PurchasePlan", "StandaloneCredit"}


def plans_made_outside_the_domain(sources: dict[str, str]) -> list[str]:
    """Places outside `domain/` that build a plan themselves instead of asking `domain.plans` or
    `domain.purchase_plans` for it: every change of points is decided by a pure function (issue 28)."""
    found = []
    for path, text in sources.items():
        if path.startswith("domain/"):
            continue
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Call):
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                if name in PLAN_TYPES:
                    found.append(f"{path}:{node.lineno} builds a {name}")
    return sorted(found)


def test_every_plan_is_made_in_the_domain() -> None:
    assert plans_made_outside_the_domain(package_sources()) == []


def test_the_plan_rule_finds_planted_plans() -> None:
    planted = {
        "services/x.py": "def f():\n    return plans.Credit(1, 'adjust', 5, b, d, None)\n",
        "storage/y.py": "def g():\n    return [Debit(1, 'expire', 5, b, ())]\n",
        "domain/plans.py": "def h():\n    return Credit(1, 'adjust', 5, b, d, None)\n",
    }
    assert plans_made_outside_the_domain(planted) == [
        "services/x.py:2 builds a Credit",
        "storage/y.py:2 builds a Debit",
    ]


# ---------------------------------------------------------------- one writer (issue 13): the ledger's rows
LEDGER_MODELS = {"LedgerEntry", "PointLot", "LotUse"}
LEDGER_TABLES = ("ledger_entry", "point_lot", "lot_use")
THE_WRITER = "storage/posting.py"


def _names_a_ledger_model(node: ast.AST) -> bool:
    """`LedgerEntry`, or `table_of(PointLot)`."""
    if isinstance(node, ast.Name):
        return node.id in LEDGER_MODELS
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "table_of"
        and any(_names_a_ledger_model(arg) for arg in node.args)
    )


def ledger_inserts(sources: dict[str, str]) -> list[str]:
    """Every place outside the one writer that inserts ledger entries, lots or lot uses: building a model
    object (`LedgerEntry(...)`, for `session.add`), `insert(PointLot)`, `table_of(LotUse).insert()`,
    an `Inserter` for one of them, or SQL text that inserts into or copies to their tables."""
    found = []
    for path, text in sources.items():
        if path == THE_WRITER or path.endswith("models.py"):
            continue
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Call):
                func = node.func
                called = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
                if called in LEDGER_MODELS:
                    found.append(f"{path}:{node.lineno} builds a {called}")
                elif called in {"insert", "Inserter"} and any(_names_a_ledger_model(arg) for arg in node.args):
                    found.append(f"{path}:{node.lineno} inserts with {called}")
                elif called == "insert" and isinstance(func, ast.Attribute) and _names_a_ledger_model(func.value):
                    found.append(f"{path}:{node.lineno} inserts with .insert()")
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                sql = " ".join(node.value.lower().split())
                if any(f"into {t}" in sql or f"copy {t}" in sql for t in LEDGER_TABLES):
                    found.append(f"{path}:{node.lineno} has SQL that inserts into the ledger")
    return found


def test_only_the_one_writer_inserts_ledger_rows() -> None:
    assert ledger_inserts(package_sources()) == []


def test_the_one_writer_rule_finds_planted_inserts() -> None:
    """A test of the test: each way of inserting ledger rows behind the writer's back is found."""
    planted = {
        "services/orm.py": "def f(s):\n    s.add(LedgerEntry(points=1))\n",
        "storage/core.py": "def f(c):\n    c.execute(insert(PointLot), [])\n    c.execute(table_of(LotUse).insert())\n",
        "storage/bulk2.py": "def f(c):\n    Inserter(c, table_of(LedgerEntry), ())\n",
        "storage/raw.py": "SQL = 'INSERT INTO  lot_use (lot_pk) VALUES (?)'\n",
        THE_WRITER: "def f(s):\n    s.add(LedgerEntry(points=1))\n",
    }
    assert ledger_inserts(planted) == [
        "services/orm.py:2 builds a LedgerEntry",
        "storage/core.py:2 inserts with insert",
        "storage/core.py:3 inserts with .insert()",
        "storage/bulk2.py:2 inserts with Inserter",
        "storage/raw.py:1 has SQL that inserts into the ledger",
    ]


CACHED_BY_POSTING = ("remaining", "debt")
PLANNING_STATE = (
    "domain/member_state.py"  # a batch's in-memory picture of each member's debt (`plan_credit`), never stored
)


def cache_changes(sources: dict[str, str]) -> list[str]:
    """Every place outside the posting engine that changes a lot's `remaining` or a member's `debt`: an
    attribute assigned (`lot.remaining -= 1`), `.values(debt=...)`, or SQL text with `SET remaining`/`debt =`."""
    found = []
    for path, text in sources.items():
        if path in (THE_WRITER, PLANNING_STATE):
            continue
        for node in ast.walk(ast.parse(text)):
            targets: list[ast.expr] = []
            if isinstance(node, ast.Assign):
                targets = list(node.targets)
            elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
                targets = [node.target]
            for target in targets:
                if isinstance(target, ast.Attribute) and target.attr in CACHED_BY_POSTING:
                    found.append(f"{path}:{node.lineno} assigns .{target.attr}")
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "values":
                for keyword in node.keywords:
                    if keyword.arg in CACHED_BY_POSTING:
                        found.append(f"{path}:{node.lineno} sets {keyword.arg} with .values()")
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                sql = " ".join(node.value.lower().split())
                if "update " in sql and any(
                    f"set {name}" in sql or f", {name} =" in sql or f",{name}=" in sql for name in CACHED_BY_POSTING
                ):
                    found.append(f"{path}:{node.lineno} has SQL that sets remaining or debt")
    return found


def test_only_the_posting_engine_changes_remaining_and_debt() -> None:
    assert cache_changes(package_sources()) == []


def test_the_remaining_and_debt_rule_finds_planted_changes() -> None:
    planted = {
        "storage/ledger.py": "def f(lot, m):\n    lot.remaining -= 3\n    m.debt = 0\n",
        "storage/expiry.py": "def f(c):\n    c.execute(update(t).values(remaining=0))\n",
        "services/merge.py": "SQL = 'UPDATE member SET last_purchase_on = ?, debt = ? WHERE pk = ?'\n",
        "storage/raw.py": "SQL = 'update point_lot set remaining = 0'\n",
        THE_WRITER: "def f(lot):\n    lot.remaining -= 3\n",
    }
    assert cache_changes(planted) == [
        "storage/ledger.py:2 assigns .remaining",
        "storage/ledger.py:3 assigns .debt",
        "storage/expiry.py:2 sets remaining with .values()",
        "services/merge.py:1 has SQL that sets remaining or debt",
        "storage/raw.py:1 has SQL that sets remaining or debt",
    ]


def test_the_tier_window_is_worked_out_in_one_place() -> None:
    """`window_months` is read by domain/tiers.window_start only (and shown by the CLI and reports)."""
    readers = {
        path
        for path, text in package_sources().items()
        if ".window_months" in text and not path.startswith(("cli/", "domain/program.py", "services/reports.py"))
    }
    assert readers == {"domain/tiers.py"}


def test_voucher_days_and_the_last_activity_are_worked_out_in_one_place() -> None:
    """How long a voucher is valid (`voucher_days`) and what an inactivity policy counts from (the last purchase,
    else enrolment) are domain rules: `domain/rewards.voucher_valid_until`, `domain/expiry.last_activity`
    (read elsewhere only to show the programme, and as SQL's coalesce for lists)."""
    sources = package_sources()
    voucher_days = {p for p, t in sources.items() if ".voucher_days" in t and not p.startswith("cli/")}
    assert voucher_days == {"domain/rewards.py"}
    readers = {p for p, t in sources.items() if "last_purchase_on or" in t or "last_day or" in t}
    assert {p for p in readers if not p.startswith("cli/")} == {"domain/expiry.py"}


def test_money_is_written_with_two_decimals_in_one_place() -> None:
    """Amounts as text (`12.50`) come from domain/money (`format_cents`, `format_amount`); the HTML report and
    the cards' SVG format their own figures for drawing."""
    writers = {path for path, text in package_sources().items() if ":.2f}" in text}
    assert {path for path in writers if not path.startswith("reports/")} == {"domain/money.py"}


def test_phone_numbers_are_parsed_in_one_module() -> None:
    """phonenumbers (parsing, validity, written forms) is used by domain/phones.py alone; i18n picks the form
    to show from what it stored, and storage and services ask domain/phones."""
    users = {path for path, text in package_sources().items() if "import phonenumbers" in text}
    assert users == {"domain/phones.py", "domain/zones.py"}  # zones: its list of country codes, no number


TABLE_MODELS = {
    "Member": "member",
    "Receipt": "receipt",
    "Voucher": "voucher",
    "LedgerEntry": "ledger_entry",
    "PointLot": "point_lot",
    "LotUse": "lot_use",
    "StampCount": "stamp_count",
    "ProgramVersion": "program_version",
    "VoucherUse": "voucher_use",
    "ConsentEvent": "consent_event",
}


def insert_sites(sources: dict[str, str]) -> dict[str, list[str]]:
    """Where each table gets rows: a model built (`Voucher(...)`), an `Inserter` or `insert()` of its table,
    or SQL text that inserts into it."""
    sites: dict[str, list[str]] = {}
    for path, text in sources.items():
        if path.endswith("models.py") or "migrations" in path:
            continue
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Call):
                func = node.func
                called = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
                if called in TABLE_MODELS:
                    sites.setdefault(TABLE_MODELS[called], []).append(f"{path}:{node.lineno}")
                if called in ("Inserter", "insert"):
                    named = {m for arg in node.args for m in TABLE_MODELS if re.search(rf"\b{m}\b", ast.unparse(arg))}
                    for model in named:
                        sites.setdefault(TABLE_MODELS[model], []).append(f"{path}:{node.lineno}")
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                for table in TABLE_MODELS.values():
                    if f"insert into {table} " in " ".join(node.value.lower().split()) + " ":
                        sites.setdefault(table, []).append(f"{path}:{node.lineno}")
    return sites


def test_each_table_has_one_insert_site() -> None:
    """Every table gets its rows from one place (issue 28), so a rule about what a row holds is kept there."""
    assert {table: found for table, found in insert_sites(package_sources()).items() if len(found) > 1} == {}


def test_the_insert_site_rule_finds_planted_inserts() -> None:
    planted = {
        "storage/a.py": "def f(s):\n    s.add(Voucher(code='x'))\n",
        "storage/b.py": "def f(c):\n    Inserter(c, table_of(Voucher), ())\n",
        "storage/c.py": "SQL = 'INSERT INTO stamp_count (member_pk) VALUES (?)'\n",
    }
    assert insert_sites(planted) == {"voucher": ["storage/a.py:2", "storage/b.py:2"], "stamp_count": ["storage/c.py:1"]}


def test_no_module_imports_sqlmodel() -> None:
    """The tables are SQLAlchemy's declarative classes: importing SQLModel (and building a Pydantic model over
    every table) cost each command ~100 ms of its start, for validation no row ever went through."""
    users = sorted(
        f"{path}:{node.lineno}"
        for path, text in package_sources().items()
        for node in ast.walk(ast.parse(text))
        if any(n == "sqlmodel" or n.startswith("sqlmodel.") for n in names_imported(node))
    )
    assert users == []


def unnamed_modules(root: Path) -> list[str]:
    """The modules under `root`'s packages that their package's docs.md does not name."""
    missing = []
    for docs in sorted(root.glob("*/docs.md")):
        text = docs.read_text(encoding="utf-8")
        for module in sorted(docs.parent.glob("*.py")):
            if module.name != "__init__.py" and module.name not in text:
                missing.append(f"{docs.parent.name}/{module.name}")
    return missing


def test_every_module_is_named_in_its_packages_docs() -> None:
    """A map per room (STYLE §7): a module missing from its package's docs.md fails (issue 28)."""
    assert unnamed_modules(SRC) == []


def test_the_docs_check_finds_a_planted_module(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "docs.md").write_text("- `named.py`: here.\n", encoding="utf-8")
    (tmp_path / "pkg" / "named.py").write_text("", encoding="utf-8")
    (tmp_path / "pkg" / "planted.py").write_text("", encoding="utf-8")
    assert unnamed_modules(tmp_path) == ["pkg/planted.py"]


def test_format_help_names_every_preset_from_the_registry() -> None:
    """`--format`'s help is built from the names registered in `importers`; they are the presets there are."""
    from loyaltycli.importers import CUSTOMER_PRESETS, SALES_PRESETS
    from loyaltycli.importers.customers import PRESETS
    from loyaltycli.importers.formats import FORMATS

    assert SALES_PRESETS == tuple(FORMATS)
    assert CUSTOMER_PRESETS == tuple(PRESETS)
    from typer.testing import CliRunner

    shown = " ".join(CliRunner().invoke(app, ["import", "--help"], env={"COLUMNS": "300"}).stdout.split())
    assert "generic, shopify, square, sumup or dsfinvk." in shown
