"""RFC 8785 (JCS) canonical JSON, at C speed for the shapes `disarm` produces.

The reference is the `rfc8785` package (pure Python). `orjson` with sorted keys writes the same
bytes for a subset of JSON values, and only that subset takes the fast path:

* strings of any content: both write UTF-8 unescaped except ``"``, ``\\`` and U+0000-U+001F
  (``\\b \\t \\n \\f \\r``, else ``\\u00xx`` in lower case); a lone surrogate makes orjson
  raise, and the value then goes to `rfc8785`, which refuses it;
* object keys that are ASCII: JCS sorts keys by UTF-16 code units and orjson by code points,
  which differ only for characters at and above U+E000 (surrogate pairs sort below them in
  UTF-16), so non-ASCII keys take the reference path;
* integers within ±(2^53 - 1) (JCS numbers are IEEE 754 doubles; `rfc8785` refuses larger
  ones), ``true``, ``false``, ``null``; lists and tuples; dicts; nesting up to `MAX_DEPTH`;
* exact types only (a ``str`` subclass such as a `StrEnum`, a float, or anything else goes to
  the reference path: orjson would write floats and many other types differently).

`tests/crypto/test_canonical.py` checks byte identity with `rfc8785` over Hypothesis-generated
values, statements and leaves.
"""

from __future__ import annotations

from typing import Any

import orjson
import rfc8785

from disarm.errors import BadInput

#: JCS numbers are doubles: integers beyond this are refused (by `rfc8785`, and so by us).
SAFE_INTEGER = 2**53 - 1
#: Deeper values take the reference path (orjson refuses nesting beyond 254 levels).
MAX_DEPTH = 64
_SORT = orjson.OPT_SORT_KEYS


def _fast(value: Any, depth: int = 0) -> bool:
    """Whether orjson's sorted output of ``value`` is provably its RFC 8785 form."""
    kind = type(value)
    if kind is str or kind is bool or value is None:
        return True
    if kind is int:
        return bool(-SAFE_INTEGER <= value <= SAFE_INTEGER)
    if depth >= MAX_DEPTH:
        return False
    if kind is dict:
        for key, item in value.items():
            if type(key) is not str or not key.isascii() or not _fast(item, depth + 1):
                return False
        return True
    if kind is list or kind is tuple:
        return all(_fast(item, depth + 1) for item in value)
    return False


def reference(value: Any) -> bytes:
    """RFC 8785 canonical JSON from the `rfc8785` package (the slow reference)."""
    try:
        return bytes(rfc8785.dumps(value))
    except (rfc8785.CanonicalizationError, UnicodeError) as exc:  # a lone surrogate in a key
        raise BadInput(f"cannot canonicalise value: {exc}") from exc


def canonical(value: Any) -> bytes:
    """RFC 8785 canonical JSON of ``value``: orjson where proven identical, else `rfc8785`."""
    if _fast(value):
        try:
            return orjson.dumps(value, option=_SORT)
        except orjson.JSONEncodeError:
            pass  # e.g. a lone surrogate: the reference decides (and refuses it)
    return reference(value)


__all__ = ["MAX_DEPTH", "SAFE_INTEGER", "canonical", "reference"]
