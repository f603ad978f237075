"""Table headers for people: a column's Thai and English title, from the spec or the vocabulary.

Every table the app or a report shows names its columns through here, so a title is written once:
a spec column's ``th`` / ``en`` (``templates/catalog.py``), or a computed figure's
(:data:`domain.vocabulary.FIGURES`).
"""

from __future__ import annotations

from collections.abc import Iterable

from domain.vocabulary import FIGURES, Label
from templates.catalog import SHEETS, TEMPLATES
from templates.spec import Column


def spec_column(key: str, sheet: str | None = None) -> Column | None:
    """The spec's column that titles ``key``: ``sheet``'s when given and it has one, else (when the vocabulary
    does not name ``key``) the first of that key in catalog order; None when the vocabulary names it."""
    if sheet is not None and sheet in SHEETS and key in SHEETS[sheet][1].keys:
        return SHEETS[sheet][1].column(key)
    if key in FIGURES:
        return None
    for template in TEMPLATES.values():
        for s in template.sheets:
            if key in s.keys:
                return s.column(key)
    return None


def header(key: str, sheet: str | None = None) -> Label:
    """The title of column ``key``: the spec's column of ``sheet`` when given and it has one, else the
    vocabulary's figure, else the first spec column of that key in catalog order.

    Raises KeyError for a key that neither defines: a column nobody named must not reach a screen.
    """
    col = spec_column(key, sheet)
    if col is not None:
        return Label(col.th, col.en)
    if key in FIGURES:
        return FIGURES[key]
    raise KeyError(f"column {key!r} is neither in the spec nor in the vocabulary")


def meaning(key: str, sheet: str | None = None) -> Label | None:
    """What column ``key`` holds, in Thai and English: its spec column's help text; None where the spec gives
    none (a vocabulary figure's title is all it has)."""
    col = spec_column(key, sheet)
    if col is None or not (col.help_th or col.help_en):
        return None
    return Label(col.help_th, col.help_en)


def headers(keys: Iterable[str], sheet: str | None = None) -> dict[str, str]:
    """``{key: "ไทย / English"}`` for renaming a frame's columns (see :func:`header`)."""
    return {key: str(header(key, sheet)) for key in keys}
