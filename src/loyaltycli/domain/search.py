"""How a typed search matches a name: case and accents ignored (`müller` finds `Müller` and `Muller`)."""

from __future__ import annotations

import unicodedata


def search_key(text: str) -> str:
    """`Zoë  Müller-Straße` -> `zoe muller-strasse`: decomposed, without accents, case-folded, single spaces."""
    if text.isascii():  # most names: nothing to decompose (a tenth of a customer list's import otherwise)
        return " ".join(text.lower().split())
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.casefold().split())


def german_folded(key: str) -> str:
    """A search key with German's spelled-out umlauts folded as the key folds ü, ö, ä: `mueller` -> `muller`."""
    return key.replace("ae", "a").replace("oe", "o").replace("ue", "u")
