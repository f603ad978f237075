"""The completeness board of the demo, read in Chromium as the region's checker reads it, tells one story (issue 13).

Every cost centre × template of the board's summary and of its by-month grid, as drawn on screen, and the review
queue: a template's state on the board is what every month its current version covers shows; the queue holds as
many submissions as the board's "pending review" counts add up to, and those in view are ones the board says
await review; "late" on the board has a late month behind it, "missing" none.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Locator, Page, expect, sync_playwright
from test_browser import (
    CHROMIUM_ARGS,
    TIMEOUT_MS,
    App,
    free_port,
    grid_cells,
    new_page,
    settle,
    shot,
    sign_in,
    start_server,
    stop_server,
)

from demo.accounts import DEMO_PASSWORD
from domain.vocabulary import RecordingState, SubmissionStatus
from store.db import connect
from store.history import list_submissions
from templates import TEMPLATES
from templates.catalog import STEPS
from templates.headers import header

pytestmark = pytest.mark.slow

TITLES = {f"{TEMPLATES[key].th} / {TEMPLATES[key].en}": key for key in STEPS}
CODE, TEMPLATE, PENDING = (str(header(key)) for key in ("cost_center", "template", "pending_review"))
STATES = {state.label: state.value for state in RecordingState}
DECIDABLE = {s.value for s in (SubmissionStatus.SUBMITTED, SubmissionStatus.RETURNED, SubmissionStatus.APPROVED)}


@pytest.fixture(scope="module")
def demo_page(program, demo_url, tmp_path_factory):
    """checker8 of the demo signed in, in Chromium, on a server of the demo's store."""
    chromium = program("chromium")
    folder = tmp_path_factory.mktemp("board")
    port = free_port()
    server = start_server(demo_url, folder, port)
    engine = connect(demo_url)
    expect.set_options(timeout=TIMEOUT_MS)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            outside: list[str] = []
            page = new_page(browser, App(f"http://127.0.0.1:{port}/", engine, folder, chromium, server), outside)
            try:
                page.set_viewport_size({"width": 3200, "height": 1000})  # glide draws the columns in view only
                sign_in(page, "checker8", DEMO_PASSWORD)
                yield page
            except BaseException:
                shot(page, "board-failure.png")
                raise
            finally:
                browser.close()
            assert not outside, f"requests left the machine: {outside}"
    finally:
        stop_server(server)
        engine.dispose()


def every_row(grid: Locator, key: tuple[str, ...]) -> dict[tuple[str, ...], dict[str, str]]:
    """Every row of a grid drawn whole (the board's tables are as tall as their rows), by its ``key`` columns."""
    rows = {tuple(row[k] for k in key): row for row in grid_cells(grid)}
    assert len(rows) == rows_of(grid), "a row of the grid was not drawn"
    return rows


def rows_of(grid: Locator) -> int:
    """How many rows a grid holds (glide's accessibility table says, whether it draws them all or not)."""
    return int(grid.locator("[role=grid]").first.get_attribute("aria-rowcount")) - 1  # less the header


def grid_headed(page: Page, heading: str) -> Locator:
    """The one grid on the page with a column headed ``heading``, once drawn (its accessibility table filled in)."""
    grid = page.get_by_test_id("stDataFrame").filter(has=page.locator("th[role=columnheader]", has_text=heading))
    expect(grid).to_have_count(1)
    expect(grid.locator("td[role=gridcell]").first).to_be_attached()
    return grid


def menu(page: Page, item: str, heading: str) -> None:
    """Open the sidebar's ``item`` and wait for its page's ``heading`` and the end of the run."""
    page.get_by_test_id("stSidebar").get_by_text(item, exact=True).click()
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    settle(page)


def test_the_demo_board_agrees_with_its_months_and_the_queue(demo_page, demo_url):
    page = demo_page
    menu(page, "ติดตามการบันทึก / Completeness", "ติดตามการบันทึกข้อมูล / Completeness board")
    summary = every_row(grid_headed(page, PENDING), (CODE,))
    page.get_by_text("รายเดือน / By month").click()
    settle(page)
    months = every_row(page.get_by_test_id("stExpander").get_by_test_id("stDataFrame"), (CODE, TEMPLATE))
    menu(page, "ตรวจสอบ / Review", "ตรวจสอบข้อมูล / Review submissions")
    # awaiting a decision (the queue's first filter): the grid headed by the submissions' number, the board's own
    # grids having gone (seen once in CI: the board's table read as the queue)
    queue = grid_headed(page, str(header("id")))

    waiting = {(r[CODE], TITLES[r[TEMPLATE]]) for r in grid_cells(queue) if r[TEMPLATE] in TITLES}  # in view
    board = {(code,): {key: STATES[row[title]] for title, key in TITLES.items() if title in row}
             for (code,), row in summary.items()}
    assert len(summary) >= 10 and len(months) == sum(map(len, board.values())) == 4 * len(summary)
    for (code,), states in board.items():
        assert int(summary[(code,)][PENDING]) == sum(s == "submitted" for s in states.values()), code
        for key, state in states.items():
            cells = [STATES[v] for k, v in months[(code, f"{TEMPLATES[key].th} / {TEMPLATES[key].en}")].items()
                     if v in STATES and k not in (CODE, TEMPLATE)]
            assert (code, key) not in waiting or state == "submitted", (code, key, state)
            if state in DECIDABLE:  # the months its current version covers show its status; none shows another
                assert state in cells and not set(cells) & (DECIDABLE - {state}), (code, key, state, cells)
            elif state == "late":
                assert "late" in cells and not set(cells) & DECIDABLE, (code, key, cells)
            elif state == "missing":
                assert set(cells) == {"missing"}, (code, key, cells)
    engine = connect(demo_url)  # the queue also holds what the board does not count (hospital finance)
    try:
        others = list_submissions(engine, set(code for (code,) in board), statuses=[SubmissionStatus.SUBMITTED])
    finally:
        engine.dispose()
    others = others[~others["template"].isin(STEPS)]
    assert rows_of(queue) == sum(int(row[PENDING]) for row in summary.values()) + len(others)
    assert {s for states in board.values() for s in states.values()} >= {"submitted", "late"}
