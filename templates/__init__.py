"""The standard templates: the spec (single source of truth) and what is derived from it."""

from templates.catalog import REFERENCE, TEMPLATES, UNIT_TEMPLATES, get_template
from templates.spec import Column, Sheet, Template

__all__ = ["Column", "Sheet", "Template", "TEMPLATES", "UNIT_TEMPLATES", "REFERENCE", "get_template"]
