"""The search key of a name (member find, the counter): accents and case ignored; the ASCII fast path agrees."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from loyaltycli.domain.search import search_key


def general(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold().split())


def test_worked_examples() -> None:
    assert search_key("Jürgen  Müller") == "jurgen muller"
    assert search_key("ZOË") == "zoe"
    assert search_key("Straße") == "strasse"
    assert search_key("  Anna Berg ") == "anna berg"


@given(st.text(max_size=30))
def test_the_quick_path_for_plain_names_gives_the_same_key(text: str) -> None:
    assert search_key(text) == general(text)
