from __future__ import annotations

import os
import shutil

import pytest

from reference.reference_set import ReferenceSet, load_default


@pytest.fixture(scope="session")
def reference() -> ReferenceSet:
    return load_default()


@pytest.fixture(scope="session")
def program():
    """Find an external program the test needs; CI installs them all, so there it must exist."""
    return _require_program


def _require_program(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is not installed; scripts/setup --test installs it")
        pytest.skip(f"{name} is not installed (run scripts/setup --test)")
    return path
