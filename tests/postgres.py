"""A throwaway PostgreSQL server on loopback for the tests: real, never mocked.

initdb refuses to run as root, so as root the server runs as the ``postgres``
user that Debian's package creates.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


def find(program: str) -> str | None:
    return shutil.which(program) or next((str(d / program) for d in BIN_DIRS if (d / program).exists()), None)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def postgres_server() -> Iterator[str]:
    """Start a server in a temporary folder; yield its SQLAlchemy URL; stop and delete it after."""
    initdb, pg_ctl = find("initdb"), find("pg_ctl")
    as_root = os.geteuid() == 0
    run_as = ["runuser", "-u", "postgres", "--"] if as_root else []
    folder = Path(tempfile.mkdtemp(prefix="sms-pg-"))
    if as_root:
        shutil.chown(folder, "postgres")
    data, port = folder / "data", free_port()
    try:
        subprocess.run([*run_as, initdb, "-D", str(data), "--auth=trust", "-U", "sms", "-E", "UTF8",
                        "--locale=C.UTF-8"], check=True, capture_output=True)
        subprocess.run([*run_as, pg_ctl, "-D", str(data), "-l", str(folder / "log"), "-w", "-o",
                        f"-c listen_addresses=127.0.0.1 -p {port} -k {folder} -c fsync=off", "start"], check=True,
                       capture_output=True)
        subprocess.run([*run_as, find("createdb") or "createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "sms",
                        "sms"], check=True, capture_output=True)
        yield f"postgresql+psycopg://sms@127.0.0.1:{port}/sms"
    finally:
        subprocess.run([*run_as, pg_ctl, "-D", str(data), "-m", "immediate", "stop"], capture_output=True)
        time.sleep(0.1)
        shutil.rmtree(folder, ignore_errors=True)
