"""Bounded input: what every request's text and JSON must satisfy before any view uses it.

One place decides which characters the product refuses and how deep and large a JSON
document may be, so forms, JSON endpoints, search parameters and the RADIUS agent refuse
the same things with the same words:

- NUL (PostgreSQL cannot store it: a DataError, a 500), lone surrogates (cannot be encoded
  to UTF-8 for the database) and Unicode non-characters (U+FDD0-U+FDEF and the last two
  code points of every plane: meant never to be interchanged) are refused as field errors.
- JSON bodies are parsed once, with a nesting limit (`JSON_MAX_DEPTH`), without
  NaN/Infinity, and every key and string is checked. The body's size is bounded before
  this (hotspot.bodylimit for the ASGI server, DATA_UPLOAD_MAX_MEMORY_SIZE for Django).
"""

from __future__ import annotations

import json
import math
import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17))
BAD_TEXT_RE = re.compile(f"[\x00\ud800-\udfff{_NONCHARACTERS}]")


def text_problem(value: str) -> str | None:
    """Why `value` cannot be accepted as text, or None when it can."""
    found = BAD_TEXT_RE.search(value)
    if found is None:
        return None
    char = found.group()
    if char == "\x00":
        return "Remove the NUL character (U+0000): it is not allowed."
    if "\ud800" <= char <= "\udfff":
        return f"Remove the unpaired surrogate U+{ord(char):04X}: it is not text."
    return f"Remove the Unicode non-character U+{ord(char):04X}: it is not allowed."


def validate_text(value) -> None:
    """A Django validator: refuses NUL, surrogates and non-characters with a field error."""
    if isinstance(value, str):
        problem = text_problem(value)
        if problem:
            raise ValidationError(problem, code="bad_character")


class CleanTextMixin:
    """Adds validate_text to every text field of a form (char, URL, regex, e-mail, ...).

    Django's CharField already refuses NUL; this adds non-characters and surrogates, so
    every form of the product refuses the same characters as its JSON endpoints.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and validate_text not in field.validators:
                field.validators.append(validate_text)


class JSONRefused(ValueError):
    """A JSON body the product does not accept; `field` names where, when known."""

    def __init__(self, message: str, field: str = "__all__"):
        super().__init__(message)
        self.message = message
        self.field = field

    def errors(self) -> dict[str, list[str]]:
        """Field-keyed errors, the shape the operator JSON endpoints answer."""
        return {self.field: [self.message]}


def _no_constant(name: str):
    raise JSONRefused(f"{name} is not a number JSON allows.")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise JSONRefused(f"The number {text[:20]} is too large.")
    return value


def parse_json(raw: bytes | str, *, max_depth: int | None = None):
    """Parse a JSON document within the product's limits, or raise JSONRefused."""
    max_depth = settings.JSON_MAX_DEPTH if max_depth is None else max_depth
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise JSONRefused("The body is not UTF-8.") from None
    try:
        data = json.loads(raw, parse_constant=_no_constant, parse_float=_finite_float)
    except RecursionError:
        # The C scanner stops at the interpreter's recursion limit before using any
        # real amount of memory; the limit below is the one that counts.
        raise JSONRefused(f"The JSON is nested more than {max_depth} levels deep.") from None
    except JSONRefused:
        raise
    except ValueError as exc:
        raise JSONRefused(f"The body is not valid JSON ({_short(exc)}).") from None
    # A refused character can only reach a parsed string literally or by a backslash escape:
    # a document with neither (one scan at C speed) needs only its depth checked, not
    # each of its strings (a 250-voucher agent request holds 5,000 of them).
    # ASCII (the usual case) can hold only NUL of the refused characters; `isascii` and
    # `in` run at memory speed, the character class ~40x slower (2 ms for 57 KB).
    if raw.isascii():
        texts = "\\" in raw or "\x00" in raw
    else:
        texts = "\\" in raw or BAD_TEXT_RE.search(raw) is not None
    check_json(data, max_depth=max_depth, texts=texts)
    return data


def check_json(data, *, max_depth: int, texts: bool = True) -> None:
    """Depth and text checks over a parsed document, without recursion (linear time).
    `texts=False` checks the depth only (the caller knows every string is clean)."""
    stack = [(data, "", 1)]
    while stack:
        value, path, depth = stack.pop()
        if isinstance(value, (dict, list)) and depth > max_depth:
            raise JSONRefused(f"The JSON is nested more than {max_depth} levels deep.",
                              _top(path))
        if isinstance(value, dict):
            for key, item in value.items():
                if not texts:
                    if isinstance(item, (dict, list)):
                        stack.append((item, f"{path}.{key}" if path else key, depth + 1))
                    continue
                problem = text_problem(key)
                if problem:
                    raise JSONRefused(_at(path, f"a key: {problem}"), _top(path))
                stack.append((item, f"{path}.{key}" if path else key, depth + 1))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if texts or isinstance(item, (dict, list)):
                    stack.append((item, f"{path}[{index}]", depth + 1))
        elif isinstance(value, str):
            problem = text_problem(value)
            if problem:
                raise JSONRefused(_at(path, problem), _top(path))


def read_json(request, *, default: bytes = b"{}", max_depth: int | None = None):
    """The request's JSON body within the product's limits, or raise JSONRefused.

    An empty body reads as `default`. The body's size was bounded before any of it was
    read (hotspot.bodylimit); Django refuses more than DATA_UPLOAD_MAX_MEMORY_SIZE too.
    """
    return parse_json(request.body or default, max_depth=max_depth)


def read_json_object(request, **kwargs) -> dict:
    """Like read_json, for endpoints that take one JSON object."""
    data = read_json(request, **kwargs)
    if not isinstance(data, dict):
        raise JSONRefused("Send a JSON object.")
    return data


def _top(path: str) -> str:
    """The top-level field of a path like 'hotspot_networks.ether2.pool' or 'nas[0].type'."""
    return re.split(r"[.\[]", path, maxsplit=1)[0] or "__all__"


def _at(path: str, message: str) -> str:
    """The message, prefixed with the place when it is nested below the top field."""
    return f"{path}: {message}" if path and path != _top(path) else message


def _short(exc: ValueError) -> str:
    return str(exc).split(":", 1)[0][:80]
