"""Two app servers on one PostgreSQL database, ten people at once (issue 13).

Both servers are real ``streamlit run`` processes on loopback ports, on one fresh database and one session
secret. Seven makers of five cost centres (two cost centres with two makers each) each upload a workbook with
a B01 error, fix the flagged amount in the grid, check again and submit, :data:`ROUNDS` times; three checkers
of the region meanwhile approve or return what waits. Each session runs in a thread of its own with its own
Playwright and Chromium (Playwright's sync API is not thread-safe), half of them on each server. What every
session was shown is then held against the database: each version stored once, numbered 1, 2, ... per
template, cost centre and year, exactly the ones makers were told were stored; every decision a checker saw
confirmed is stored and audited, and no other; and no key has more than one version current. Every click is
clicked once: a click the app drops fails the test (it did, before the grid kept its rows from run to run,
before one run at a time per session, before decisions became button callbacks, and before the comment went
with the click in one form: the comment's own run could show the submission decided meanwhile, or the next one,
under the Return button; see the commits).

Then a stale save across the two processes: makers A (server 1) and B (server 2) of one cost centre both fix
a workbook while version 1 is the newest; B submits first; A is refused with the stale-edit message and
downloads the workbook holding A's edit.
"""

from __future__ import annotations

import re
import secrets
import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa
from mini_year import AS_OF, CC, CC2, FY, U1, U2, mini_year
from playwright.sync_api import Locator, Page, expect, sync_playwright
from test_browser import (
    CHROMIUM_ARGS,
    choose,
    edit_cell,
    free_port,
    healthy,
    metric,
    new_page,
    settle,
    shot,
    sign_in,
    start_server,
    stop_server,
)
from test_rules import over_allocate

from domain.vocabulary import Decision
from importer.isolation import parse_in_process
from services.submission import submit
from store.db import connect
from store.schema import audit, submissions
from store.submissions import StaleEdit
from store.users import add_user
from templates import TEMPLATES
from templates.workbook import build_workbook

pytestmark = pytest.mark.slow

ROUNDS = 2  # upload, fix, check again and submit, per maker
STEP_MS = 120_000  # the most one browser step may take with ten browsers and two servers on two cores
WAIT_S = 600  # the most a checker waits for a maker's next submission
MAKERS = {"maker131a": CC, "maker131b": CC, "maker136a": CC2, "maker136b": CC2, "maker138": "2100200138",
          "maker140": "2100200140", "maker148": "2100200148"}
CHECKERS = {"checker8a": Decision.APPROVE, "checker8b": Decision.RETURN, "checker8c": Decision.APPROVE}
CHECKER_TURNS = 8  # decisions tried per checker at most
STALE_CC, STALE_A, STALE_B = "2100200150", "maker150a", "maker150b"  # สสจ.นครพนม: the stale save's unit
PASSWORD = "concurrent-pass"
STARTING = threading.Semaphore(2)  # browsers starting and first pages loading at once; ten at once time out
AMOUNT = "จำนวนเงินที่จัดสรร"
ALLOCATIONS = TEMPLATES["allocations"]


@dataclass
class Cluster:
    urls: list[str]  # the two servers
    engine: sa.Engine
    folder: Path
    chromium: str


@dataclass
class Server:  # what test_browser.new_page needs of an app
    url: str


def fresh_database(server_url: str, name: str) -> str:
    """A new, empty database ``name`` on the PostgreSQL server of ``server_url``; its URL."""
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return f"{server_url.rsplit('/', 1)[0]}/{name}"


@pytest.fixture(scope="module")
def cluster(program, postgres_url, reference, tmp_path_factory):
    """Two review-app servers on one fresh PostgreSQL database with one session secret; the makers and checkers
    of health region 8 (password :data:`PASSWORD`)."""
    chromium = program("chromium")
    folder = tmp_path_factory.mktemp("concurrency")
    url = fresh_database(postgres_url, "sms_concurrency")
    engine = connect(url)
    for name, cost_center in {**MAKERS, STALE_A: STALE_CC, STALE_B: STALE_CC}.items():
        add_user(engine, reference, name, "maker", PASSWORD, cost_center=cost_center)
    for name in CHECKERS:
        add_user(engine, reference, name, "checker", PASSWORD, region=8)
    secret = folder / "secrets.toml"
    secret.write_text(f'[session]\nsecret = "{secrets.token_hex(32)}"\n')
    servers, urls = [], []
    try:
        for n in (1, 2):
            port, logs = free_port(), folder / f"server{n}"
            logs.mkdir()
            servers.append(start_server(url, logs, port, "--secrets.files", str(secret)))
            urls.append(f"http://127.0.0.1:{port}/")
        yield Cluster(urls, engine, folder, chromium)
    finally:
        for server in servers:
            stop_server(server)
        engine.dispose()
        fresh_database(postgres_url, "sms_concurrency")  # leaves nothing of this test's data behind


def workbook(folder: Path, reference, cost_center: str, name: str, note: str, *, broken: bool = True) -> Path:
    """``name``.xlsx: the mini year's allocations recorded by ``cost_center`` (its first two units for U1 and
    U2), T1 over-allocated by 10,000 at Excel row 3 (B01) unless not ``broken``, ``note`` on transfer T1."""
    year = mini_year()
    if broken:
        over_allocate(year)
    sheets = year["allocations"]
    if cost_center != CC:
        units = reference.units_of(cost_center)["unit_code"].tolist()[1:3]
        swap = {CC: cost_center, U1: units[0], U2: units[1]}
        for frame in sheets.values():
            for column in ("cost_center", "unit_code"):
                if column in frame:
                    frame[column] = frame[column].map(lambda v: swap.get(v, v))
    sheets["transfers"].loc[0, "note"] = note
    folder.mkdir(parents=True, exist_ok=True)
    return build_workbook(ALLOCATIONS, folder / f"{name}.xlsx", reference, fiscal_year=FY, cost_center=cost_center,
                          data=sheets)


def fix_and_check(page: Page, path: Path, new: str = "40000") -> None:
    """Upload ``path`` (two B01 errors), type ``new`` over the 50,000 of Excel row 3, check again: no error."""
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(path)
    expect(metric(page, "Errors")).to_have_text("2")
    settle(page)
    choose(page, "แก้ไขแผ่นงาน / Edit sheet", "จัดสรร / Allocations to units")
    editor = page.locator(f".st-key-editor-{path.stem}-xlsx-allocations-0").get_by_test_id("stDataFrame")
    expect(editor).to_be_visible()
    settle(page)
    edit_cell(page, editor, 1, "3", AMOUNT, "50000", new)
    check_again = page.get_by_role("button", name="ตรวจอีกครั้ง / Check again")
    expect(check_again).to_be_enabled()  # the edit reached the server
    settle(page)
    click(page, check_again, page.get_by_test_id("stMetric").filter(has_text="Edits").filter(has_text="1"))
    expect(metric(page, "Errors")).to_have_text("0")


def click(page: Page, button: Locator, answer: Locator) -> None:
    """Click ``button`` and wait for ``answer`` to show: once, since a click the app drops is what this test is
    for (it used to: a rerun from the grid stopped "check again" halfway, a decision's click vanished)."""
    button.click()
    expect(answer).to_be_visible()
    settle(page)


def submit_answer(page: Page, path: Path) -> str:
    """Click submit; the text of what the app answers about ``path`` (stored, stale or locked). When a checker
    approved the current version before the page was drawn, Submit is off and the page says why beside it:
    that text, with nothing clicked."""
    settle(page)
    button = page.get_by_role("button", name="ส่งข้อมูล / Submit")
    if button.is_disabled():
        return page.get_by_test_id("stCaptionContainer").filter(has_text="not yet:").inner_text()
    answer = page.get_by_test_id("stAlertContentSuccess").or_(page.get_by_test_id("stAlertContentError"))
    answer = answer.filter(has_text=path.name)
    click(page, button, answer)
    return answer.inner_text()


@dataclass
class Board:
    """What the sessions tell each other, so a checker waits for a new submission instead of sleeping."""

    makers: int
    stored: int = 0
    changed: threading.Condition = field(default_factory=threading.Condition)

    def tell(self, *, stored: int = 0, maker_done: bool = False) -> None:
        with self.changed:
            self.stored += stored
            self.makers -= maker_done
            self.changed.notify_all()

    def wait_beyond(self, seen: int) -> int:
        """The number of submissions stored once it exceeds ``seen`` or every maker is done."""
        with self.changed:
            assert self.changed.wait_for(lambda: self.stored > seen or not self.makers, WAIT_S)
            return self.stored


@dataclass
class Seen:
    """What one session was shown."""

    stored: list[tuple[str, int]] = field(default_factory=list)  # file name, "stored as version n"
    refused: list[str] = field(default_factory=list)  # a save or decision refused: the app's message
    decided: list[tuple[int, Decision]] = field(default_factory=list)  # submission id, confirmed decision


def maker(page: Page, name: str, cost_center: str, folder: Path, reference, board: Board, seen: Seen) -> None:
    """:data:`ROUNDS` times: upload, fix, check again, submit; a refused save leaves its file out again."""
    try:
        for n in range(ROUNDS):
            path = workbook(folder / name, reference, cost_center, f"{name}-r{n}", f"{name} รอบที่ {n + 1}")
            fix_and_check(page, path)
            text = submit_answer(page, path)
            if version := re.search(r"Stored as version (\d+)", text):
                seen.stored.append((path.name, int(version[1])))
                board.tell(stored=1)
            else:  # someone stored a newer version, or a checker approved the current one, meanwhile
                assert any(said in text for said in (StaleEdit(path.name).message_en, "ask your checker to reopen it",
                                                     "locked until a checker reopens it")), text
                seen.refused.append(text)
                page.get_by_role("button", name="นำไฟล์นี้ออก / Remove this file").click()
                expect(metric(page, "Errors")).to_have_count(0)
            page.reload()  # a clean page for the next round; the session stays signed in
            expect(page.get_by_test_id("stSidebar")).to_contain_text(name)
            settle(page)
    finally:
        board.tell(maker_done=True)


def checker(page: Page, decision: Decision, board: Board, seen: Seen) -> None:
    """Decide the submission the queue opens first, as long as makers submit; wait for them when none waits."""
    name = f"{decision.th} / {decision.en.capitalize()}"
    known = 0
    for _ in range(CHECKER_TURNS):
        if page.get_by_text("ไม่มีรายการ / Nothing here").is_visible():
            if not board.makers and board.stored == known:
                return
            known = board.wait_beyond(known)
            page.reload()
            expect(page.get_by_test_id("stSidebar")).to_be_visible()
            settle(page)
            continue
        text = decide_open(page, decision, name)
        if text is None:  # decided by another checker between the queue's reading and the detail's: nothing to do
            pass
        elif done := re.search(rf"{re.escape(name)}: #(\d+)", text):
            seen.decided.append((int(done[1]), decision))
        else:  # another checker decided it first, or a newer version arrived: refused aloud, nothing stored
            assert "not recorded" in text and ("reload" in text or "newer version" in text), text
            seen.refused.append(text)
        page.reload()
        expect(page.get_by_test_id("stSidebar")).to_be_visible()
        settle(page)


def decide_open(page: Page, decision: Decision, name: str) -> str | None:
    """Take ``decision`` (a return with a comment) on the submission open; the app's answer about it, or None when
    its button is off: the detail, read after the queue, shows it decided already."""
    mark = "✓ " if decision == Decision.APPROVE else "↩ "
    button = page.get_by_role("button", name=f"{mark}{name}")
    if button.is_disabled():
        return None
    keyed = page.locator(f"[class*='st-key-{decision.value}-']")  # Streamlit marks an element with its key
    sid = re.search(rf"st-key-{decision.value}-(\d+)", keyed.get_attribute("class"))[1]
    if decision == Decision.RETURN:  # the comment goes with the click (one form): no run in between
        page.get_by_label("ความเห็น / Comment").fill("ใบโอน T1 จัดสรรไม่ตรงกับหนังสือแจ้ง")
    answer = page.get_by_test_id("stAlertContentSuccess").filter(has_text=f"{name}: #{sid}").or_(
        page.get_by_test_id("stAlertContentError").filter(has_text=f"#{sid} ไม่ได้บันทึก"))
    click(page, button, answer)
    return answer.inner_text()


def session(cluster: Cluster, url: str, name: str, work: Callable[[Page], None]) -> None:
    """Sign ``name`` in on the server at ``url`` in a Chromium of this thread's own, and do ``work``; a failure
    leaves a screenshot."""
    outside: list[str] = []
    with sync_playwright() as p:
        with STARTING:
            browser = p.chromium.launch(executable_path=cluster.chromium, args=CHROMIUM_ARGS)
        try:
            with STARTING:
                page = new_page(browser, Server(url), outside, STEP_MS)
            try:
                sign_in(page, name, PASSWORD)
                work(page)
            except BaseException:
                shot(page, f"concurrency-{name}.png")
                raise
        finally:
            browser.close()
    assert not outside, f"requests left the machine: {outside}"


def test_ten_sessions_on_two_servers_store_each_version_once_and_lose_no_decision(cluster, reference):
    expect.set_options(timeout=STEP_MS)
    board, seen = Board(len(MAKERS)), {name: Seen() for name in (*MAKERS, *CHECKERS)}
    work = {name: (lambda page, name=name, cc=cc: maker(page, name, cc, cluster.folder, reference, board,
                                                          seen[name])) for name, cc in MAKERS.items()}
    work |= {name: (lambda page, name=name, d=d: checker(page, d, board, seen[name])) for name, d in CHECKERS.items()}
    with ThreadPoolExecutor(len(work)) as pool:
        running = {name: pool.submit(session, cluster, cluster.urls[i % 2], name, job)
                   for i, (name, job) in enumerate(work.items())}
        failures = {name: f.exception() for name, f in running.items() if f.exception()}
    assert not failures, failures
    assert all(healthy(f"{url}_stcore/health") for url in cluster.urls)

    told = {(file, version) for s in seen.values() for file, version in s.stored}
    confirmed = {(sid, d.value) for s in seen.values() for sid, d in s.decided}
    s = submissions.c
    with cluster.engine.connect() as conn:
        stored = conn.execute(sa.select(s.id, s.cost_center, s.version, s.status, s.locked, s.file_name)
                              .where(s.cost_center != STALE_CC, s.status != "refused")).all()
        decisions = conn.execute(sa.select(audit.c.submission_id, audit.c.action)
                                 .where(audit.c.action.in_([d.value for d in Decision]))).all()
    # every submission a maker was told was stored is there, once, and none other
    assert sorted((r.file_name, r.version) for r in stored) == sorted(told)
    assert len(told) == sum(len(s.stored) for s in seen.values()) and len(stored) == len(told)
    # versions 1, 2, ... per cost centre (one template, one year), without a gap or a repeat
    versions = Counter(r.cost_center for r in stored)
    for cost_center, count in versions.items():
        assert sorted(r.version for r in stored if r.cost_center == cost_center) == list(range(1, count + 1))
    # every confirmed decision is stored and audited once, and no unconfirmed one
    assert confirmed, "no checker decided anything"
    assert sorted(decisions) == sorted(confirmed)
    status = {r.id: (r.status, r.locked) for r in stored}
    for sid, action in confirmed:
        assert status[sid] == ("approved", True) if action == "approve" else status[sid][0] in ("returned",
                                                                                                  "replaced")
    # at most one version of each cost centre awaiting a decision or approved: the others replaced
    current = Counter(r.cost_center for r in stored if r.status != "replaced")
    assert all(n == 1 for n in current.values()), current
    print(f"stored {len(told)} versions across {len(versions)} cost centres, {len(confirmed)} decisions, "
          f"{sum(len(s.refused) for s in seen.values())} refusals shown")


def test_a_stale_save_on_one_server_is_refused_and_the_edits_download(cluster, reference, tmp_path):
    first = workbook(tmp_path, reference, STALE_CC, "version-1", "ฉบับที่ 1", broken=False)
    [stored] = submit(cluster.engine, [first], reference, actor=STALE_A, as_of=AS_OF, parser=parse_in_process)
    assert (stored.status, stored.version) == ("stored", 1)
    mine = workbook(tmp_path, reference, STALE_CC, "edited-by-a", "แก้โดย ก")
    theirs = workbook(tmp_path, reference, STALE_CC, "edited-by-b", "แก้โดย ข")
    expect.set_options(timeout=STEP_MS)
    outside: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=cluster.chromium, args=CHROMIUM_ARGS)
        try:
            a, b = (new_page(browser, Server(url), outside, STEP_MS) for url in cluster.urls)
            for page, name, path, new in ((a, STALE_A, mine, "39000"), (b, STALE_B, theirs, "40000")):
                page.bring_to_front()  # the grid takes the keyboard only in the page in front
                sign_in(page, name, PASSWORD)
                fix_and_check(page, path, new)
            b.bring_to_front()
            assert "Stored as version 2" in submit_answer(b, theirs)
            a.bring_to_front()
            refused = submit_answer(a, mine)
            stale = StaleEdit(mine.name)
            assert stale.message_th in refused and stale.message_en in refused
            with a.expect_download() as download:
                a.get_by_role("button", name=f"your edited {mine.name}").click()
            assert download.value.suggested_filename == mine.name
            download.value.save_as(tmp_path / "downloaded" / mine.name)
            kept = openpyxl.load_workbook(tmp_path / "downloaded" / mine.name)
        except BaseException:
            shot(a, "concurrency-stale-a.png")
            shot(b, "concurrency-stale-b.png")
            raise
        finally:
            browser.close()
    assert not outside, f"requests left the machine: {outside}"
    assert (cell(kept, "allocations", 3, "amount"), cell(kept, "transfers", 2, "note")) == (39000, "แก้โดย ก")

    s = submissions.c
    with cluster.engine.connect() as conn:
        versions = conn.execute(sa.select(s.version, s.status, s.submitted_by, s.file_name)
                                .where(s.cost_center == STALE_CC).order_by(s.version)).all()
        edits = conn.execute(sa.select(audit.c.actor, audit.c.new_value).join(submissions)
                             .where(audit.c.action == "edit", s.cost_center == STALE_CC)).all()
    assert versions == [(1, "replaced", STALE_A, first.name), (2, "submitted", STALE_B, theirs.name)]
    assert edits == [(STALE_B, "40000")]  # A's refused save wrote nothing


def cell(book: openpyxl.Workbook, sheet_key: str, row: int, column_key: str):
    """The value of a workbook's cell by sheet key, Excel row and column key (as the template lays them out)."""
    sheet = ALLOCATIONS.sheet(sheet_key)
    return book[sheet.name].cell(row, sheet.keys.index(column_key) + 1).value
