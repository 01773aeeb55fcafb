"""Field problems of a refused form or query, said in the reader's language.

Pydantic words its refusals in English ("String should have at most 3 characters");
a French page showing them would switch language mid-sentence. Each common kind of
refusal (its ``type``, with the limits in its ``ctx``) has its own sentence in the
catalogue, and so have the domain's own kinds (``unknown_cpv``, ``unknown_department``,
raised by the models); a plain validator's sentence (``value_error`` and kinds not
listed here) is shown as it was raised.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from pydantic import ValidationError

from app.core.i18n import translations
from models.errors import InvalidInputError


def field_problems(
    errors: Iterable[Mapping[str, Any]], language: str, *, skip: int = 0
) -> list[dict[str, str]]:
    """``{"field", "message"}`` of each error; ``skip`` leading parts of its location.

    A request's errors are located from where the value came (``query``, ``body``):
    the page names the field alone, so they skip one part.
    """
    _ = translations(language).gettext
    return [
        {
            "field": ".".join(str(part) for part in error.get("loc", ())[skip:]),
            "message": _said(error, _),
        }
        for error in errors
    ]


def refused_fields(
    error: ValidationError | InvalidInputError | ValueError, language: str
) -> list[dict[str, str]]:
    """The fields a refusal names, in the reader's language where its kind is known.

    A service refuses a profile with :class:`InvalidInputError` raised from the
    model's ``ValidationError``; that cause still holds each refusal's kind.
    """
    if isinstance(error, InvalidInputError) and isinstance(error.__cause__, ValidationError):
        return field_problems(error.__cause__.errors(), language)
    if isinstance(error, ValidationError):
        return field_problems(error.errors(), language)
    if isinstance(error, InvalidInputError) and error.fields:
        return error.fields
    return [{"field": "", "message": str(error)}]


def _said(error: Mapping[str, Any], _: Callable[[str], str]) -> str:
    kind = str(error.get("type", ""))
    ctx: Mapping[str, Any] = error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind == "string_too_long" and "max_length" in ctx:
        return _("At most %(count)s characters.") % {"count": ctx["max_length"]}
    if kind == "string_too_short" and "min_length" in ctx:
        return _("At least %(count)s characters.") % {"count": ctx["min_length"]}
    if kind == "too_long" and "max_length" in ctx:
        return _("At most %(count)s entries.") % {"count": ctx["max_length"]}
    if kind == "too_short" and "min_length" in ctx:
        return _("At least %(count)s entries.") % {"count": ctx["min_length"]}
    if kind == "string_pattern_mismatch":
        return _("This value is not in the expected form.")
    if kind in ("int_parsing", "int_from_float", "float_parsing", "decimal_parsing"):
        return _("A number is expected.")
    bounds = {
        "greater_than_equal": ("ge", _("At least %(limit)s.")),
        "less_than_equal": ("le", _("At most %(limit)s.")),
        "greater_than": ("gt", _("More than %(limit)s.")),
        "less_than": ("lt", _("Less than %(limit)s.")),
    }
    if kind in bounds and bounds[kind][0] in ctx:
        key, sentence = bounds[kind]
        return sentence % {"limit": ctx[key]}
    if kind in ("enum", "literal_error") and "expected" in ctx:
        return _("Expected one of: %(choices)s.") % {"choices": ctx["expected"]}
    if kind in ("date_parsing", "date_from_datetime_parsing", "datetime_parsing"):
        return _("A date is expected.")
    if kind == "unknown_cpv" and "codes" in ctx:
        return _("Unknown CPV code(s): %(codes)s.") % {"codes": ctx["codes"]}
    if kind == "unknown_department" and "codes" in ctx:
        return _("Not a French department code: %(codes)s.") % {"codes": ctx["codes"]}
    return str(error.get("msg", ""))
