"""Every page of the review app, for every role, as a person reads it: Thai with English, Buddhist-Era dates, no
internal key, no ``None`` and no index column.

One fresh database holds the mini year of one cost centre in every state a page can show: allocations approved,
projects returned (with a warning), disbursements pending as a second version (so there are changes since the
previous one), and outputs corrected by the checker (the first version replaced). Each role signs in, visits each
of its sections, queue filters, submission details and expanders, saves a screenshot of each
(``outputs/screenshots/<role>_<page>.png``) and checks the text of the page and of every grid's drawn cells.

What counts as a raw key is built from the spec and the vocabulary, not listed here: the spec's template, sheet
and column keys, the vocabulary's figure keys and working columns, and every term whose stored value is not the
word people read. The labels people read (``ไทย / English``) are taken out of the text first, since a label's
English half may be spelled as its key ("รอตรวจ / submitted").
"""

from __future__ import annotations

import inspect
import re

import pytest
from mini_year import AS_OF, CC, mini_year
from playwright.sync_api import Page, expect
from test_browser import app, choose, grid_cells, page, settle, shot, sign_in  # noqa: F401 (fixtures)
from test_rules import over_allocate, write_year

from domain import vocabulary
from domain.vocabulary import FIGURES, WORKING_COLUMNS, SubmissionStatus, Term
from review.dashboard import LEVELS
from services.submission import correct, submit
from store.history import list_submissions
from store.submissions import Edit
from store.users import add_user, get_user
from store.workflow import decide
from templates import TEMPLATES

pytestmark = pytest.mark.slow

PASSWORD = "screens-pass"
ROLES = {"maker": "maker1", "checker": "checker8", "inspector": "inspector1", "admin": "admin1"}
MENU = "เมนู / Menu"
SHOW, OPEN = "แสดง / Show", "เลือกรายการ / Open submission"


# -- what must not be on a screen ----------------------------------------------------------------------------------

def _terms() -> list[type[Term]]:
    return [t for _, t in inspect.getmembers(vocabulary, inspect.isclass) if issubclass(t, Term) and t is not Term]


def _labels() -> list[str]:
    """Every "ไทย / English" people may read, longest first (so a label is taken out before a shorter one in it)."""
    found = {term.label for kind in _terms() for term in kind} | {str(label) for label in FIGURES.values()}
    for template in TEMPLATES.values():
        found.add(f"{template.th} / {template.en}")
        for sheet in template.sheets:
            found |= {f"{sheet.name} / {sheet.en}", f"{sheet.th} / {sheet.en}"}
            found |= {f"{col.th} / {col.en}" for col in sheet.columns}
    return sorted(found, key=len, reverse=True)


def _keys() -> set[str]:
    """The spec's and the vocabulary's internal keys: what the program keeps, never what people read."""
    keys = set(FIGURES) | set(WORKING_COLUMNS) - {"_file", "_row"}
    for template in TEMPLATES.values():
        keys.add(template.key)
        for sheet in template.sheets:
            keys |= {sheet.key, *sheet.keys}
    keys |= {term.value for kind in _terms() for term in kind if term.value != term.th and term.value.isascii()}
    return {k for k in keys if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", k)}


def _either(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


LABELS, KEYS = _labels(), _keys()
LABEL = re.compile(_either(LABELS), re.IGNORECASE)
# A key with "_" is one wherever it stands; a plain word is one where it stands alone, not inside an English phrase
# ("No projects yet"): no Latin word right before or after it.
SNAKE = re.compile(rf"(?<![A-Za-z0-9_])({_either(k for k in KEYS if '_' in k)})(?![A-Za-z0-9_])")
WORD = re.compile(rf"(?<![A-Za-z0-9_])(?<![A-Za-z] )({_either(k for k in KEYS if '_' not in k)})(?![A-Za-z0-9_])"
                  r"(?! [A-Za-z])")
MISSING = re.compile(r"(?<![\w<])(None|nan|NaN|NaT)(?!\w)|<NA>")
CE = [re.compile(r"(?<!\d)(19|20)\d\d-\d\d?-\d\d?(?!\d)"),  # ISO dates and timestamps
      re.compile(r"(?<![\d/])\d\d?/\d\d?/(19|20)\d\d(?!\d)"),  # 31/3/2026
      re.compile(r"(?<![\d.,/-])(19[5-9]\d|20[0-4]\d)(?![\d.,/-])")]  # a CE year alone
REPR = re.compile(r"\{'|\['|\{\"|\[\"")


ENGLISH_HALF = re.compile(r"[\u0E00-\u0E7F][^/\n]* / [^\n]*")  # "ไทย … / English …" up to the line's end


def leaks(text: str) -> list[str]:
    """What in ``text`` no person should read: a raw key, a missing value's repr, a CE date or year, a dict or
    list repr; each with a little of its context. A plain word that is a key is allowed in the English half of a
    Thai / English sentence ("ฉบับที่ 2: เพิ่ม 1 / v2: added 1"), a snake_case key nowhere."""
    found = []
    for pattern in (MISSING, *CE, REPR):
        found += [f"{m.group(0)!r} in {text[max(0, m.start() - 30):m.end() + 30]!r}" for m in pattern.finditer(text)]
    plain = LABEL.sub("·", text)
    thai_only = ENGLISH_HALF.sub(lambda m: m.group(0).split(" / ", 1)[0], plain)
    for pattern, where in ((SNAKE, plain), (WORD, thai_only)):
        found += [f"key {m.group(0)!r} in {where[max(0, m.start() - 30):m.end() + 30]!r}"
                  for m in pattern.finditer(where)]
    return found


def test_the_leak_check_finds_what_it_should():
    assert leaks("สถานะ / Status: รอตรวจ / submitted · 29 พ.ย. 2569 21:57 · ยังไม่มีโครงการ / No projects yet") == []
    assert leaks("ฉบับที่ 2: เพิ่ม 0, แก้ 1 / v2: added 0, changed 1") == []
    for shown in ("submitted", "สถานะ hospital_finance", "เบิกจ่าย / Payments: changed 1",
                   "2026-03-31", "31/3/2026", "None", "<NA>", "{'a': 1}",
                  "ปี 2026", "ศูนย์ต้นทุน cost_center 2100200131"):
        assert leaks(shown), shown


def index_columns(rows: list[dict[str, str]]) -> list[str]:
    """Columns of a grid's drawn rows that are an index: no title, or counting 0, 1, 2 … down the rows."""
    if len(rows) < 2:
        return [h for h in rows[0] if not (h or "").strip()] if rows else []
    counting = [str(i) for i in range(len(rows))]
    return [h for h in rows[0] if not (h or "").strip() or [r.get(h) for r in rows] == counting]


# -- visiting the pages --------------------------------------------------------------------------------------------

def open_expanders(view: Page) -> None:
    """Open every closed expander (a closed one's details are ``inert``) by clicking its header, one at a time,
    waiting for the app to be idle before each (an expander drawn again by a run may close again)."""
    closed = view.locator("[data-testid=stExpanderDetails][inert]")
    expanders = view.get_by_test_id("stExpander")
    for _ in range(3 * expanders.count()):
        settle(view)
        shut = [i for i, e in enumerate(expanders.all())
                if e.get_by_test_id("stExpanderDetails").get_attribute("inert") is not None]
        if not shut:
            break
        details = expanders.nth(shut[0]).get_by_test_id("stExpanderDetails")
        header = details.locator("xpath=preceding-sibling::*[1]")
        header.click()
        expect(details).not_to_have_attribute("inert", "")
    expect(closed).to_have_count(0)


# Every text drawn on a canvas (the grids), including what the accessibility table leaves out: a missing
# value's placeholder ("None" unless the app says otherwise) is drawn, not written.
RECORD_CANVAS_TEXT = """
window.__drawn = new Set();
const fill = CanvasRenderingContext2D.prototype.fillText;
CanvasRenderingContext2D.prototype.fillText = function (text, ...rest) {
    window.__drawn.add(String(text));
    return fill.call(this, text, ...rest);
};
"""


def record_canvas_text(view: Page) -> None:
    view.context.add_init_script(RECORD_CANVAS_TEXT)
    view.reload()
    settle(view)


def screen(view: Page, name: str, found: dict[str, list[str]]) -> None:
    """Open every expander, save the whole page as ``name``.png, and note what it shows that it should not: in
    its text, in its grids' cells, and in every text drawn on a canvas (from the change of width on, which
    draws every grid again)."""
    view.evaluate("window.__drawn.clear()")
    view.set_viewport_size({"width": 1900, "height": 1000})
    settle(view)
    open_expanders(view)
    height = int(view.get_by_test_id("stMain").evaluate("e => e.scrollHeight"))
    view.set_viewport_size({"width": 1900, "height": min(max(height, 1000), 12_000)})  # every grid, every column
    settle(view)
    open_expanders(view)
    problems = leaks(view.inner_text("body"))
    problems += [f"drawn: {p}" for text in view.evaluate("[...window.__drawn]") for p in leaks(text)]
    for i, grid in enumerate(view.get_by_test_id("stDataFrame").all()):
        expect(grid).to_be_visible()
        rows = grid_cells(grid)
        problems += [f"grid {i}: {p}" for row in rows for cell in [*row, *row.values()] for p in leaks(cell or "")]
        problems += [f"grid {i}: index column {h!r}" for h in index_columns(rows)]
    shot(view, f"{name}.png")
    view.set_viewport_size({"width": 1400, "height": 1000})
    found[name] = sorted(set(problems))


def menu(view: Page, section: str) -> None:
    view.get_by_test_id("stSidebar").get_by_text(section).click()
    settle(view)


def show(view: Page, which: str) -> None:
    view.get_by_test_id("stRadio").filter(has_text=SHOW).get_by_text(which, exact=True).click()
    settle(view)


@pytest.fixture(scope="module")
def year(app, reference):  # noqa: F811 (the fixture)
    """The mini year in every state, stored by maker1 and decided by checker8; its submissions (list_submissions)."""
    for role, name in ROLES.items():
        if name not in ("maker1", "checker8"):  # the browser's app fixture adds those two
            add_user(app.engine, reference, name, role, PASSWORD, region=8 if role == "checker" else None)
    y = mini_year()
    y["outputs"]["kpi_results"].loc[0, "result"] = 120  # B14: a warning, corrected by the checker below
    y["projects"]["activities"].loc[2, "budget"] = 30000  # B07: P2's activities plan 10,000 less than its budget
    folder = app.folder / "screens"
    submit(app.engine, write_year(folder, reference, y), reference, actor="maker1", as_of=AS_OF)
    y["disbursements"]["payments"].loc[0, "amount"] = 15000  # a second version: changes since the previous one
    submit(app.engine, write_year(folder / "v2", reference, {"disbursements": y["disbursements"]}), reference,
           actor="maker1", as_of=AS_OF)
    checker = get_user(app.engine, "checker8")
    ids = list_submissions(app.engine, {CC}).query("status != 'replaced'").set_index("template")["id"]
    decide(app.engine, reference, checker, int(ids["allocations"]), 0, "approve")
    decide(app.engine, reference, checker, int(ids["projects"]), 0, "return", "แผนกิจกรรม P2 ยังไม่ครบ 40,000 บาท")
    correct(app.engine, reference, checker, int(ids["outputs"]), 0,
            [Edit("kpi_results", 2, "result", "", "85")], "ผลลัพธ์ = A ÷ B × 100 = 85")
    return list_submissions(app.engine, {CC})


def option(row, reference) -> str:
    return (f"#{row.id} {TEMPLATES[row.template].th} ฉบับที่ {row.version} "
            f"{reference.name_of('cost_centers', row.cost_center)}")


def review_pages(view: Page, role: str, stored, reference, found: dict[str, list[str]]) -> None:
    """The queue under each filter and the detail of a submission in each state."""
    for status in ("submitted", "returned", "approved", "replaced"):
        show(view, SubmissionStatus(status).label)
        # the run the click asked for has drawn its queue (settle alone may look before that run has begun)
        label = re.escape(SubmissionStatus(status).label)
        expect(view.get_by_text(re.compile(rf"ฉบับที่ / version \d+ · {label}"))).to_be_visible()
        settle(view)
        for row in stored[stored["status"] == status].itertuples():
            choose(view, OPEN, option(row, reference))
            settle(view)
            corrected = "_corrected" if row.submitted_by == "checker8" else ""
            screen(view, f"{role}_review_{status}{corrected}_{row.template}", found)
            if status == "replaced" and role in ("checker", "admin"):  # an older version cannot be decided
                for decision in ("✓ อนุมัติ / Approve", "↩ ส่งกลับแก้ไข / Return"):
                    expect(view.get_by_role("button", name=decision)).to_be_disabled()
    show(view, "ทั้งหมด / all")
    screen(view, f"{role}_review_all", found)


def shared_pages(view: Page, role: str, found: dict[str, list[str]]) -> None:
    menu(view, "ติดตามการบันทึก / Completeness")
    screen(view, f"{role}_completeness", found)
    menu(view, "ภาพรวม / Dashboard")
    for label, level in LEVELS.items():
        view.get_by_test_id("stRadio").filter(has_text="ระดับ / Level").get_by_text(label, exact=True).click()
        settle(view)
        screen(view, f"{role}_dashboard_{level}", found)


def uploader_reads_thai_and_english(view: Page) -> None:
    """Streamlit's own English-only words in the upload box (its button, its size limit) are hidden, and Thai with
    English stands in their place."""
    for part in ("stFileUploaderDropzone] button", "stFileUploaderDropzoneInstructions]"):
        element = view.locator(f"[data-testid={part}").first
        own = element.evaluate("e => [...e.children].filter(c => getComputedStyle(c).display !== 'none').length")
        words = element.evaluate("e => getComputedStyle(e, '::after').content")
        assert own == 0 and re.search(r"[\u0E00-\u0E7F].* / [A-Za-z]", words), (part, own, words)
    assert "50 MB" in view.locator("[data-testid=stFileUploaderDropzoneInstructions]").evaluate(
        "e => getComputedStyle(e, '::after').content")


def test_every_page_of_every_role_reads_in_thai_and_english(app, page, reference, year):  # noqa: F811 (fixtures)
    view = page
    over = mini_year()
    over_allocate(over)
    [draft] = write_year(app.folder / "draft", reference, {"allocations": over["allocations"]})
    upload = draft.rename(draft.with_name("nbl-2569.xlsx"))
    found: dict[str, list[str]] = {}
    record_canvas_text(view)
    screen(view, "anyone_sign_in", found)

    sign_in(view, "maker1", "maker-pass")
    screen(view, "maker_submit", found)
    uploader_reads_thai_and_english(view)
    view.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(upload)
    expect(view.get_by_test_id("stMetric").first).to_be_visible()
    settle(view)
    choose(view, "แก้ไขแผ่นงาน / Edit sheet", "จัดสรร / Allocations to units")
    settle(view)
    screen(view, "maker_submit_draft", found)
    shared_pages(view, "maker", found)
    sign_out(view)

    for role in ("checker", "admin", "inspector"):
        sign_in(view, ROLES[role], "checker-pass" if role == "checker" else PASSWORD)
        if role == "inspector":
            menu(view, "ข้อมูลที่ส่ง / Submissions")
        review_pages(view, role, year, reference, found)
        if role == "admin":
            menu(view, "ส่งข้อมูล / Submit")
            screen(view, "admin_submit", found)
        shared_pages(view, role, found)
        sign_out(view)

    assert len(found) >= 30, sorted(found)
    leaked = {name: problems for name, problems in found.items() if problems}
    assert not leaked, "\n".join(f"{name}:\n  " + "\n  ".join(p) for name, p in leaked.items())


def sign_out(view: Page) -> None:
    view.get_by_role("button", name="ออกจากระบบ / Sign out").click()
    expect(view.get_by_label("ชื่อผู้ใช้ / User name")).to_be_visible()
    settle(view)

