from __future__ import annotations

import os
import shutil

import pytest

from reference.reference_set import ReferenceSet, load_default


@pytest.fixture(autouse=True)
def keep_main_module():
    """Streamlit's AppTest leaves the app script as sys.modules["__main__"]; a spawned worker
    process (the report runner's) would then run the app on start. Put the real one back."""
    import sys

    main = sys.modules["__main__"]
    yield
    sys.modules["__main__"] = main


@pytest.fixture(scope="session", autouse=True)
def own_store(tmp_path_factory):
    """No test reads or writes the developer's own outputs/sms.sqlite (a database of an older version there
    failed the CLI tests that name none): the default store of the run is a file of its own."""
    if "SMS_DATABASE_URL" not in os.environ:
        os.environ["SMS_DATABASE_URL"] = f"sqlite:///{tmp_path_factory.mktemp('store') / 'sms.sqlite'}"
        yield
        del os.environ["SMS_DATABASE_URL"]
    else:
        yield


@pytest.fixture(scope="session")
def demo_url(tmp_path_factory) -> str:
    """A store of its own holding the demo year and its accounts, made as a new user makes it (``sms demo``)."""
    from typer.testing import CliRunner

    from sms.cli import app

    folder = tmp_path_factory.mktemp("demo-store")
    url = f"sqlite:///{folder / 'sms.sqlite'}"
    mp = pytest.MonkeyPatch()
    mp.setenv("SMS_DATABASE_URL", url)
    try:
        result = CliRunner().invoke(app, ["demo", "--out", str(folder / "demo")])
    finally:
        mp.undo()
    assert result.exit_code == 0, result.output
    return url


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


@pytest.fixture(scope="session")
def postgres_url():
    """A real PostgreSQL server for the session (scripts/setup --test installs it)."""
    from postgres import find, postgres_server

    if find("initdb") is None:
        _require_program("initdb")
    with postgres_server() as url:
        yield url


@pytest.fixture
def postgres_store(postgres_url):
    """An empty store on the test PostgreSQL server, its tables dropped after the test."""
    from store.db import connect
    from store.schema import metadata

    engine = connect(postgres_url)
    yield engine
    metadata.drop_all(engine)
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path):
    """An empty store on each supported database."""
    from store.db import connect
    from store.schema import metadata

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'sms.sqlite'}"
    else:
        url = request.getfixturevalue("postgres_url")
    engine = connect(url)
    yield engine
    if request.param == "postgresql":
        metadata.drop_all(engine)
    engine.dispose()
