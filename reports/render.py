"""Execute a report notebook with papermill, then write it as a report page (HTML).

- **Execute**: papermill injects the parameters after the cell tagged ``parameters`` and runs the
  notebook in a fresh ``python3`` kernel or in the worker's kept one (:class:`KernelKeeper`), talking
  to it over IPC sockets with a fresh name (under the temporary folder): no TCP ports, so parallel
  kernels cannot collide on one (and ipykernel does not warn about unencrypted TCP). A start that
  still fails ("Address already in use", a kernel that died before answering) is retried; a failing
  cell raises :class:`NotebookFailed`, naming the cell, after papermill has written the notebook.
- **HTML**: nbconvert's ``basic`` template without input cells, prompts, stderr, the ``remove`` and
  ``figures`` cells, inside a page of our own (``report.css``). Charts are PNGs embedded in the page:
  no script, nothing fetched from the internet.
- **PDF**: :mod:`reports.pdf`.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import html
import os
import tempfile
import time
import uuid
from pathlib import Path

import nbformat

from domain.errors import Reason, SmsError
from reports.config import FONT_EX_HEIGHT, css_font_stack

KERNEL = "python3"
START_RETRIES = 4
START_TIMEOUT = 60  # s for a kernel to answer
HIDDEN_TAGS = {"remove", "figures", "parameters", "injected-parameters"}
CSS_FILE = Path(__file__).with_name("report.css")
KERNEL_START_ERRORS = ("Address already in use", "Kernel died before replying", "Kernel didn't respond",
                       "Kernel died", "kernel_info")


class NotebookFailed(SmsError):
    """A cell raised: which notebook, which cell (0-based index and execution count), what."""

    reason = Reason.NOTEBOOK_FAILED
    exit_code = 1

    def __init__(self, notebook: str, cell_index: int | None, execution_count: int | None, ename: str,
                 evalue: str, source: str = ""):
        where = f"cell {cell_index}" if cell_index is not None else "kernel"
        if execution_count:
            where += f" [{execution_count}]"
        first = source.strip().splitlines()[0][:80] if source.strip() else ""
        # the first line of what was raised, shortened: a database error carries its whole SQL, which the
        # executed notebook (kept beside the report) still holds in full
        told = (evalue.strip().splitlines() or [""])[0]
        told = told if len(told) <= 200 else f"{told[:200]}…"
        what = f"{notebook} {where}: {ename}: {told}" + (f"  ← {first}" if first else "")
        super().__init__(f"สร้างรายงานไม่สำเร็จ {what}", f"The report failed: {what}", file=notebook)
        self.notebook, self.cell_index, self.execution_count = notebook, cell_index, execution_count
        self.ename, self.evalue, self.source = ename, evalue, source


def is_kernel_start_error(exc: BaseException) -> bool:
    text = f"{type(exc).__name__}: {exc}"
    return any(s in text for s in KERNEL_START_ERRORS) or type(exc).__name__ in ("DeadKernelError", "ZMQError")


def execute(notebook: Path, output: Path, parameters: dict, *, keeper: KernelKeeper | None = None,
            cwd: Path | None = None) -> nbformat.NotebookNode:
    """Run ``notebook`` with ``parameters`` into ``output``: in a fresh kernel, or in ``keeper``'s (namespace
    reset first). A kernel that fails to start is retried; a failing cell raises :class:`NotebookFailed`."""
    import papermill
    from papermill.exceptions import PapermillExecutionError
    from traitlets.config import Config

    output.parent.mkdir(parents=True, exist_ok=True)
    options = dict(kernel_name=KERNEL, progress_bar=False, log_output=False, start_timeout=START_TIMEOUT,
                   cwd=str(cwd) if cwd else None, request_save_on_cell_execute=False)  # saved once, at the end
    for attempt in range(START_RETRIES):
        try:
            if keeper is not None:
                km = keeper.ready()
                nb = papermill.execute_notebook(str(notebook), str(output), parameters=parameters,
                                                engine_name=KEPT_ENGINE, km=km, kc=keeper.kc, **options)
                keeper.release()
                return nb
            return papermill.execute_notebook(
                str(notebook), str(output), parameters=parameters, shutdown_kernel="immediate",
                config=Config({"KernelManager": {"transport": "ipc", "ip": ipc_path()}}), **options)
        except PapermillExecutionError as exc:
            if keeper is not None:
                keeper.spoilt()
            raise NotebookFailed(notebook.name, exc.cell_index, exc.exec_count, exc.ename, exc.evalue,
                                 exc.source) from None
        except Exception as exc:
            if keeper is not None:
                keeper.spoilt()
            if not is_kernel_start_error(exc) or attempt == START_RETRIES - 1:
                raise
            time.sleep(0.3 * (attempt + 1))
    raise AssertionError("unreachable")


# -- a kernel kept across the notebooks of one worker process ------------------------------------------------
KEPT_ENGINE = "sms-kept-kernel"
WARM_UP = "import reports.charts, reports.show, reports.tables; reports.charts.setup(); del reports"
RESET = "%reset -f"  # IPython's reset collects the garbage too
# The kernel runs the warm-up as it starts (before it first answers); IPython's history is a SQLite file that
# every kernel would open and write, which a report never reads.
KERNEL_ARGS = ("--HistoryManager.enabled=False",)


class KernelKeeper:
    """One kernel that runs notebook after notebook in a worker process (``sms report --all``).

    :meth:`launch` starts it, importing the reports' modules as it starts (2-3 s of every notebook in a fresh
    kernel) while the worker goes on with its own start; :meth:`ready` waits for it. Its user namespace is
    wiped (``%reset -f``) before each later notebook, so a notebook sees only its own parameters and what it
    computes; modules stay imported. The wipe is sent as soon as a notebook has run (:meth:`release`), so the
    kernel does it while the worker writes the HTML. It is replaced after a notebook fails and after
    ``max_uses`` notebooks.
    One client is kept with it and lent to papermill (:func:`register_kept_engine`): a new client per
    notebook would wait 0.2 s each time for the kernel's IOPub to fall silent.
    """

    def __init__(self, max_uses: int = 40, warm_up: str = WARM_UP):
        register_kept_engine()
        self.max_uses, self.warm_up = max_uses, warm_up
        self.km = self.kc = None
        self.uses = 0
        self.started = 0.0  # seconds the last ready() waited for a kernel to start and warm up (0: reused)
        self._wiping: str | None = None  # the id of the reset sent by release(), not yet answered

    def launch(self) -> None:
        """Start a new kernel and return once its process runs; :meth:`ready` waits until it answers."""
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        self.close()
        self.km = AsyncKernelManager(kernel_name=KERNEL, transport="ipc", ip=ipc_path())
        run_sync(self.km.start_kernel)(extra_arguments=[*KERNEL_ARGS, f"--IPKernelApp.exec_lines={self.warm_up}"])
        self.uses = 0

    def _connect(self) -> None:
        from jupyter_core.utils import run_sync

        # Made by its manager, the client judges the kernel alive by its process; alone it would judge by the
        # heartbeat, which gives up after 1 s and declares a busy machine's kernels dead (FIELD-NOTES).
        self.kc = self.km.client()
        self.kc.allow_stdin = False
        self.kc.start_channels()
        run_sync(wait_for_kernel)(self.kc, START_TIMEOUT)

    def release(self) -> None:
        """After a notebook has run: send the wipe of its namespace now; :meth:`ready` waits for it."""
        if self.kc is not None and self._wiping is None:
            self._wiping = self.kc.execute(RESET, silent=True, store_history=False)

    def _wipe(self) -> None:
        from jupyter_core.utils import run_sync

        self.release()  # when the caller did not
        msg_id, self._wiping = self._wiping, None
        reply = run_sync(reply_to)(self.kc, msg_id, START_TIMEOUT)
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"kernel reset failed: {reply['content'].get('ename')}: "
                               f"{reply['content'].get('evalue')}")

    def ready(self):
        """The kernel manager, its kernel answering with a clean namespace, for papermill's ``km`` (and
        :attr:`kc`, the client to lend it)."""
        if self.km is not None and (self.uses >= self.max_uses or not self._alive()):
            self.close()
        begin = time.perf_counter()
        if self.km is None:
            self.launch()
        if self.kc is None:
            self._connect()
        elif self.uses:
            self._wipe()
        self.started = time.perf_counter() - begin if self.uses == 0 else 0.0
        self.uses += 1
        return self.km

    def _alive(self) -> bool:
        from jupyter_core.utils import run_sync

        return bool(run_sync(self.km.is_alive)())

    def spoilt(self) -> None:
        """After a failure: the next notebook gets a new kernel."""
        self.uses = self.max_uses

    def close(self) -> None:
        from jupyter_core.utils import run_sync

        if self.kc is not None:
            self.kc.stop_channels()
        if self.km is not None:
            with contextlib.suppress(Exception):  # already gone, or never started
                run_sync(self.km.shutdown_kernel)(now=True)
        self.km = self.kc = self._wiping = None


async def reply_to(kc, msg_id: str, timeout: float) -> dict:
    """The shell channel's reply to request ``msg_id`` (replies to other requests are dropped)."""
    from queue import Empty

    deadline = time.monotonic() + timeout
    while True:
        try:
            reply = await kc.get_shell_msg(timeout=max(0.0, deadline - time.monotonic()))
        except Empty:
            raise RuntimeError(f"Kernel didn't respond in {timeout:g} seconds") from None
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply


async def wait_for_kernel(kc, timeout: float) -> None:
    """Wait until the kernel answers ``kernel_info`` and its IOPub reaches ``kc``: jupyter_client's
    ``wait_for_ready`` without its last step, 0.2 s of waiting for IOPub to fall silent (nbclient and
    ``execute_interactive`` skip messages that answer another request)."""
    from queue import Empty

    deadline = time.monotonic() + timeout
    while True:
        kc.kernel_info()
        try:
            reply = await kc.get_shell_msg(timeout=1)
            if reply["msg_type"] == "kernel_info_reply":
                await kc.get_iopub_msg(timeout=0.2)  # the reply's status: IOPub is connected
                return
        except Empty:
            pass
        if not await kc.is_alive():
            raise RuntimeError("Kernel died before replying to kernel_info")
        if time.monotonic() > deadline:
            raise RuntimeError(f"Kernel didn't respond in {timeout:g} seconds")


def register_kept_engine() -> None:
    """papermill's nbclient engine for a kernel it does not own: it leaves the kernel running (papermill does so
    for any ``km`` given) and closes the client it opened on it (papermill would leave that open)."""
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.log import logger

    class KeptKernelEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                     stderr_file=None, start_timeout=60, execution_timeout=None, **kwargs):
            kc = kwargs.pop("kc")
            kwargs = {k: v for k, v in kwargs.items() if k not in ("input_path", "timeout", "startup_timeout")}
            client = PapermillNotebookClient(nb_man, timeout=execution_timeout, startup_timeout=start_timeout,
                                             kernel_name=kernel_name, log=logger, log_output=log_output,
                                             stdout_file=stdout_file, stderr_file=stderr_file, **kwargs)
            client.kc = kc  # nbclient then neither opens a client nor closes this one
            return client.execute()

    papermill_engines.register(KEPT_ENGINE, KeptKernelEngine)


def ipc_path() -> str:
    """A fresh prefix for one kernel's IPC sockets (<prefix>-<n>); jupyter_client's default, "kernel-ipc" in
    the working folder, is shared by every kernel started there."""
    return str(Path(tempfile.gettempdir()) / f"sms-report-{os.getpid()}-{uuid.uuid4().hex[:12]}")


def cell_seconds(nb: nbformat.NotebookNode) -> list[float]:
    """Each cell's execution time as papermill recorded it."""
    return [float((c.metadata.get("papermill") or {}).get("duration") or 0.0) for c in nb.cells]


# -- HTML --------------------------------------------------------------------------------------------------
def report_cells(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy without the hidden cells, stderr (warnings) and text-only results."""
    nb = copy.deepcopy(nb)
    nb.cells = [c for c in nb.cells if not HIDDEN_TAGS & set(c.metadata.get("tags", []))]
    for c in nb.cells:
        if c.cell_type == "code":
            c.outputs = [o for o in c.outputs if not (o.output_type == "stream" and o.get("name") == "stderr")
                         and o.output_type != "execute_result"]
    return nb


def page(body: str, title: str, footer: str) -> str:
    """A whole report page around ``body`` (HTML): ``report.css`` with its font stack and ``footer`` on every
    printed page."""
    css = (CSS_FILE.read_text(encoding="utf-8").replace("{{footer}}", footer.replace('"', "'"))
           .replace("{{fonts}}", css_font_stack()).replace("{{ex_height}}", f"{FONT_EX_HEIGHT:g}"))
    return (f'<!DOCTYPE html>\n<html lang="th">\n<head>\n<meta charset="utf-8"/>\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"/>\n'
            f"<title>{html.escape(title)}</title>\n<style>\n{css}</style>\n</head>\n"
            f'<body>\n<main class="report">\n{body}\n</main>\n</body>\n</html>\n')


@functools.cache
def exporter():
    """nbconvert's HTML exporter, made once per process (loading its templates is most of its cost)."""
    from nbconvert import HTMLExporter

    return HTMLExporter(template_name="basic", exclude_input=True, exclude_input_prompt=True,
                        exclude_output_prompt=True, anchor_link_text="")


def to_html(nb: nbformat.NotebookNode, title: str, footer: str = "") -> str:
    """The executed notebook as a self-contained report page: outputs only, no code, no script."""
    body, _ = exporter().from_notebook_node(report_cells(nb))
    return page(body, title, footer or title)
