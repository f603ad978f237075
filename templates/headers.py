"""Table headers for people: a column's Thai and English title, from the spec or the vocabulary.

Every table the app or a report shows names its columns through here, so a title is written once:
a spec column's ``th`` / ``en`` (``templates/catalog.py``), or a computed figure's
(:data:`domain.vocabulary.FIGURES`).
"""

from __future__ import annotations

from collections.abc import Iterable

from domain.vocabulary import FIGURES, Label
from templates.catalog import SHEETS, TEMPLATES


def header(key: str, sheet: str | None = None) -> Label:
    """The title of column ``key``: the spec's column of ``sheet`` when given and it has one, else the
    vocabulary's figure, else the first spec column of that key in catalog order.

    Raises KeyError for a key that neither defines: a column nobody named must not reach a screen.
    """
    if sheet is not None and sheet in SHEETS and key in SHEETS[sheet][1].keys:
        col = SHEETS[sheet][1].column(key)
        return Label(col.th, col.en)
    if key in FIGURES:
        return FIGURES[key]
    for template in TEMPLATES.values():
        for s in template.sheets:
            if key in s.keys:
                col = s.column(key)
                return Label(col.th, col.en)
    raise KeyError(f"column {key!r} is neither in the spec nor in the vocabulary")


def headers(keys: Iterable[str], sheet: str | None = None) -> dict[str, str]:
    """``{key: "ไทย / English"}`` for renaming a frame's columns (see :func:`header`)."""
    return {key: str(header(key, sheet)) for key in keys}
