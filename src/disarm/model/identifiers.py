"""Identifiers: one documented ASCII alphabet, checked by full match (docs/glossary.md).

An identifier (an item id, category, region or status in an escrowed declaration; an item id in
a custody record or inventory) starts with an ASCII letter or digit, continues with ASCII
letters, digits and ``. _ : - / @``, and has at most 128 characters. Nothing else is accepted:
no white space, no trailing newline, no non-ASCII letter, so that two spellings of one id (NFC
and NFD, or with a zero-width character) cannot both pass a duplicate check.
"""

from __future__ import annotations

import re
from typing import Any

from disarm.errors import BadInput

__all__ = ["ALPHABET", "ASCII_SPACE", "MAX_IDENTIFIER", "check_identifier", "clip", "is_identifier"]

MAX_IDENTIFIER = 128
#: The white space stripped around a cell or line before it is checked: ASCII only, so that a
#: no-break or other Unicode space is kept (and refused) rather than silently merging two ids.
ASCII_SPACE = " \t\r\n\f\v"
ALPHABET = (
    "ASCII letters and digits, then letters, digits or . _ : - / @, "
    f"at most {MAX_IDENTIFIER} characters"
)
_IDENTIFIER = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:@/-]*", re.ASCII)


def is_identifier(value: Any) -> bool:
    """Whether `value` is a string in the identifier alphabet (a full match, never a prefix)."""
    return (
        isinstance(value, str)
        and len(value) <= MAX_IDENTIFIER
        and _IDENTIFIER.fullmatch(value) is not None
    )


def check_identifier(value: Any, what: str) -> str:
    """`value` if it is an identifier; otherwise a one-sentence error naming it."""
    if not is_identifier(value):
        raise BadInput(f"{what} {clip(value)} is not an identifier ({ALPHABET})")
    return str(value)


def clip(value: Any, limit: int = 60) -> str:
    """`repr(value)` cut to about `limit` characters, for messages that quote an input."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 1]}…({len(text):,} characters)"
