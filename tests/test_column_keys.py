"""Code outside templates/ names only columns that exist: the spec's, the vocabulary's, the store's own.

A column renamed in the spec (``templates/catalog.py``) must not live on, misspelt, in a rule, a query or a
report: this test reads every module (not importing it) and collects each string used as a DataFrame column
(``frame["key"]``, ``.loc[:, "key"]``, ``on=``/``columns=``/``subset=``/``by=``, ``groupby``/``set_index``/
``sort_values``/``merge``/``assign``...), and fails on any that is neither a spec column or sheet, a figure or
working column of the vocabulary, nor a column of the store's own tables. Subscripts of what is not a frame
(the session state, regular-expression matches, keyword dictionaries) are left out by name, and so is a column
whose name starts with "_": one function's temporary.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from domain.vocabulary import FIGURES, WORKING_COLUMNS
from store.schema import metadata
from templates.catalog import TEMPLATES

ROOT = Path(__file__).parents[1]
PACKAGES = ("domain", "finance", "reference", "importer", "validators", "store", "services", "review", "reports",
            "demo", "sms")
IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")  # a name starting with _ is one function's temporary
FRAME_KEYWORDS = {"on", "columns", "subset", "by", "left_on", "right_on", "values"}
FRAME_METHODS = {"groupby", "set_index", "sort_values", "drop_duplicates", "pivot_table", "merge", "drop", "reindex",
                 "dropna", "assign"}
NOT_FRAMES = {  # subscripted names that are dictionaries of other things, or a date pattern's groups (named)
    "named", "st.session_state", "m", "kw", "c", "state", "reply", "props", "_KINDS", "out.seconds", "outcome.seconds",
    "out.attrs", "health", "Literal", "os.environ", "meta", "parts", "counts", "row", "ctx.tables",
}


LIBRARY_COLUMNS = {"index"}  # pandera's failure cases: not ours to define


def known() -> set[str]:
    spec = {c.key for t in TEMPLATES.values() for s in t.sheets for c in s.columns}
    sheets = {s.key for t in TEMPLATES.values() for s in t.sheets} | set(TEMPLATES)
    store = {c.name for table in metadata.tables.values() for c in table.columns}
    return spec | sheets | store | set(FIGURES) | WORKING_COLUMNS | LIBRARY_COLUMNS


def strings(node: ast.AST):
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        for element in node.elts:
            yield from strings(element)
    elif isinstance(node, ast.Dict):
        for part in [*node.keys, *node.values]:
            if part is not None:
                yield from strings(part)


def named_columns(node: ast.AST) -> list[str]:
    """The strings one node uses as DataFrame columns."""
    if isinstance(node, ast.Subscript) and ast.unparse(node.value) not in NOT_FRAMES:
        cut = node.slice
        if isinstance(node.value, ast.Attribute) and node.value.attr in ("loc", "at") and isinstance(cut, ast.Tuple):
            return list(strings(cut.elts[-1]))
        return list(strings(cut))
    if isinstance(node, ast.Call):
        found = [s for kw in node.keywords if kw.arg in FRAME_KEYWORDS for s in strings(kw.value)]
        if isinstance(node.func, ast.Attribute) and node.func.attr in FRAME_METHODS:
            found += [s for arg in node.args[:1] for s in strings(arg)]
            if node.func.attr == "assign":
                found += [kw.arg for kw in node.keywords if kw.arg]
        return found
    return []


def unknown_columns(names: set[str]) -> list[str]:
    """"file:line 'key'" of every column named in code that ``names`` does not hold."""
    out = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                out += [f"{path.relative_to(ROOT)}:{node.lineno} {s!r}" for s in named_columns(node)
                        if IDENTIFIER.match(s) and s not in names]
    return out


def test_code_names_only_columns_that_exist():
    assert unknown_columns(known()) == []


def test_a_column_the_spec_did_not_have_would_be_caught():
    """The test can fail: without the spec's "document_date" and "returned", the ledger that names them is found."""
    found = unknown_columns(known() - {"document_date", "returned"})
    assert any(line.startswith("domain/ledger.py") and "'document_date'" in line for line in found)
    assert any(line.startswith("domain/ledger.py") and "'returned'" in line for line in found)
