"""Reading sales exports: files, encodings, delimiters, presets of real tills and web shops.

Data flows: `csvfile.open_sales` checks and sniffs the file and yields raw
rows; a `formats.Format` maps each row's columns onto the fields of SPEC §4
and parses them (`values`); `services.imports` groups rows into receipts and
books them with the same planner as `purchase`.

The presets' names are registered here, where `--help` reads them without
loading the presets themselves (tests check they name every preset).
"""

SALES_PRESETS = ("generic", "shopify", "square", "sumup", "dsfinvk")
CUSTOMER_PRESETS = ("generic", "shopify")


def named_list(names: tuple[str, ...]) -> str:
    """`a, b or c.`: the help text of a `--format` (the catalogue translates it whole)."""
    return (", ".join(names[:-1]) + " or " + names[-1] if len(names) > 1 else names[0]) + "."
