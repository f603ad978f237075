"""The ``sms`` command: templates, validation, import, the demo, the review app, reports, users, reference data.

Start-up is most of what a user waits for, so this module imports only typer and the error root;
each command imports what it needs when it runs (``sms --help`` never loads pandas). Every error a
person reads is a :class:`domain.errors.SmsError`: one handler (:class:`Commands`) prints its Thai and
English sentences and exits with its ``exit_code``.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from typer.core import TyperArgument, TyperGroup

from domain.errors import Reason, SmsError
from domain.fiscal import check_fiscal_year
from domain.vocabulary import Role
from reports.config import REPORTS_DIR

if TYPE_CHECKING:
    import datetime as dt

    from services.submission import Outcome
    from validators.validate import Report

OUTPUTS = Path("outputs")


class Commands(TyperGroup):
    """The command group, with the one handler of every error a person reads."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except SmsError as error:
            typer.echo(f"{error.message_th}\n{error.message_en}", err=True)
            raise typer.Exit(error.exit_code) from None


app = typer.Typer(cls=Commands, help="SMS Workbench: ระบบแบบฟอร์มมาตรฐาน ตรวจสอบ และรายงาน SMS / "
                                      "standard templates, validation and reports for MOPH strategic-budget tracking.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
                  rich_markup_mode=None)
templates_app = typer.Typer(help="แบบฟอร์มมาตรฐาน / The standard Excel templates.", no_args_is_help=True)
reference_app = typer.Typer(help="ข้อมูลอ้างอิง / Reference data: units, codes, plans, KPIs.", no_args_is_help=True)
users_app = typer.Typer(help="ผู้ใช้ / Local accounts of the review app.", no_args_is_help=True)
app.add_typer(templates_app, name="templates")
app.add_typer(reference_app, name="reference")
app.add_typer(users_app, name="users")


# typer prints a Python type beside each argument ("files <list[Path]>"); ours each have a metavar that says what
# they want ("WORKBOOK.xlsx"), which is enough. The one place typer offers no setting for it.
_argument_type = TyperArgument.display_type_rich
TyperArgument.display_type_rich = lambda self, ctx: None if self.metavar else _argument_type(self, ctx)

# What several commands take, said once. Each option names what it wants (metavar), not a Python type.
AsOf = Annotated[str | None, typer.Option(metavar="DATE", help=(
    "ข้อมูล ณ วันที่ (ปกติ: วันนี้) เช่น 31/3/2569 หรือ 2026-03-31 / Data as of (default today): 31/3/2569 or "
    "2026-03-31."))]
FileYear = Annotated[int | None, typer.Option(metavar="YEAR", help=(
    "ปีงบประมาณ (พ.ศ.) ของไฟล์ที่ไม่ได้ระบุ / Fiscal year (BE) when a file does not say."))]
FISCAL_YEAR = "ปีงบประมาณ พ.ศ. เช่น 2569 / Fiscal year in BE, e.g. 2569."
ROLES = " | ".join(f"{r.value} ({r.th})" for r in Role)


def wrong(message_th: str, message_en: str, reason: Reason = Reason.BAD_PARAMETER, exit_code: int = 2) -> SmsError:
    """An error in what was typed on the command line (exit 2), or in what it found (exit 1)."""
    return SmsError(message_th, message_en, reason, exit_code=exit_code)


def fork_readers() -> None:
    """Workbooks are parsed in worker processes (``importer.isolation``) that no file can take down. A command is
    one-shot and single-threaded when it reads, and has imported pandas already: its workers are forks of it,
    with no second import of pandas (the review app's workers come from a clean fork server instead). The C
    allocator is tuned for columns (``importer.isolation.tune_allocator``) before the first fork."""
    from importer.isolation import configure, tune_allocator

    tune_allocator()
    configure(start_method="fork")


def parse_as_of(value: str | None) -> dt.date | None:
    """--as-of accepts what a user types for a date: 2026-03-31, 31/3/2569, 31 มี.ค. 2569."""
    if value is None:
        return None
    from importer.normalise import NormaliseError, parse_date

    try:
        return parse_date(value)
    except NormaliseError as exc:
        raise wrong(f"--as-of: {exc.message_th}", f"--as-of: {exc.message_en}", Reason.BAD_VALUE) from None


# -- templates -------------------------------------------------------------------------------------------
@templates_app.command("build")
def templates_build(
    out: Annotated[Path, typer.Option(metavar="FOLDER", help=(
        "โฟลเดอร์ที่จะเขียนแบบฟอร์ม / Folder to write the workbooks to."))] = OUTPUTS / "templates",
    fiscal_year: Annotated[int | None, typer.Option(metavar="YEAR", help=FISCAL_YEAR)] = None,
    cost_center: Annotated[str | None, typer.Option(metavar="CODE", help=(
        "ทำแบบฟอร์มของศูนย์ต้นทุนนี้ (รหัส 10 หลัก) / Personalise for this 10-digit cost centre."))] = None,
    template: Annotated[list[str] | None, typer.Option(metavar="ID", help=(
        "เฉพาะแบบฟอร์มเหล่านี้ (ใส่ซ้ำได้) / Only these template ids (repeatable)."))] = None,
) -> None:
    """เขียนแบบฟอร์ม Excel / Write the standard workbooks, one per template id."""
    from store.db import connect
    from store.reference import current_reference
    from store.submissions import known_keys
    from templates import TEMPLATES, UNIT_TEMPLATES
    from templates.workbook import build_workbook

    engine = connect()
    reference = current_reference(engine)
    if cost_center and cost_center not in reference.codes("cost_centers"):
        raise wrong(f"ไม่พบศูนย์ต้นทุน {cost_center} ในข้อมูลอ้างอิง",
                    f"Cost centre {cost_center} is not in the reference data; check the 10-digit code.")
    if fiscal_year is not None:
        check_fiscal_year(fiscal_year)
    unknown = sorted(set(template or []) - set(TEMPLATES))
    if unknown:
        raise wrong(f"ไม่รู้จักแบบฟอร์ม {', '.join(unknown)}",
                    f"Unknown template {', '.join(unknown)}; known: {', '.join(TEMPLATES)}.")
    chosen = [TEMPLATES[k] for k in template] if template else list(UNIT_TEMPLATES)
    suffix = f"_{cost_center}" if cost_center else ""
    for spec in chosen:
        refs = known_keys(engine, spec, cost_center, fiscal_year) if cost_center and fiscal_year else {}
        path = build_workbook(spec, out / f"{spec.key}{suffix}.xlsx", reference,
                              fiscal_year=fiscal_year, cost_center=cost_center, refs=refs)
        typer.echo(f"{path}")


@templates_app.command("spec")
def templates_spec(
    out: Annotated[Path | None, typer.Option(metavar="FILE", help=(
        "เขียนลงไฟล์นี้แทนการพิมพ์ออกหน้าจอ / Write to this file instead of standard output."))] = None,
) -> None:
    """พิมพ์สเปกแบบฟอร์มเป็น Frictionless Data Package / Print the spec as a Data Package (JSON)."""
    import json

    from templates.datapackage import datapackage

    text = json.dumps(datapackage(), ensure_ascii=False, indent=2)
    if out:
        out.write_text(text + "\n", encoding="utf-8")
    else:
        typer.echo(text)


# -- validate and import ---------------------------------------------------------------------------------
def print_report(report: Report, limit: int = 50, fiscal_year: int | None = None, refused: bool = False) -> None:
    """Each file's verdict and its first ``limit`` findings, in Thai and English (rich is loaded only for a
    table of findings: a clean file's line costs no start-up); ``fiscal_year``: the one the user gave;
    ``refused``: the files were refused (marked ✗ even without an error: the reason is printed above them)."""
    from services.submission import NO_COST_CENTRE, blank_unit_workbook

    for fr in report.files:
        if fr.unreadable:
            typer.secho(f"✗ {fr.path}", fg="red", bold=True)
            typer.echo(f"  {fr.unreadable.message_th}\n  {fr.unreadable.message_en}")
            continue
        mark = typer.style("✗", fg="red") if fr.errors or refused else (
            typer.style("!", fg="yellow") if fr.warnings else typer.style("✓", fg="green"))
        typer.echo(f"{mark} {typer.style(str(fr.path), bold=True)} {fr.parsed.template.key} "
                   f"v{fr.parsed.workbook.version}, {fr.parsed.rows:,} แถว/rows, ผิดพลาด/errors {fr.errors:,}, "
                   f"คำเตือน/warnings {fr.warnings:,}")
        if note := year_note(fr.fiscal_year, fiscal_year):
            typer.echo(note)
        if blank_unit_workbook(fr) and not refused:  # checked, but import would refuse it: said before it is tried
            typer.echo(f"  {NO_COST_CENTRE[0]}\n  {NO_COST_CENTRE[1]}")
        if fr.findings:
            print_findings(fr.findings, limit, fr.tab)


def year_note(used: int | None, given: int | None) -> str:
    """Why a file was checked in another fiscal year than --fiscal-year: the file names its own (the option is for
    files that do not); empty when they agree or none was given."""
    if given is None or used is None or used == given:
        return ""
    return (f"  ตรวจเป็นปีงบประมาณ {used} ตามที่ไฟล์ระบุไว้ (--fiscal-year {given} ใช้กับไฟล์ที่ไม่ได้ระบุปี)\n"
            f"  checked as fiscal year {used}, which the file names (--fiscal-year {given} applies to files that "
            "do not name theirs)")


def print_findings(findings: list, limit: int, tab: Callable[[str], str]) -> None:
    """The first ``limit`` findings as a table: sheet (``tab`` names it, as the file does), cell, rule, both
    messages."""
    from rich.console import Console
    from rich.table import Table

    from domain.vocabulary import FIGURES

    heads = [f"{FIGURES[k].th}/{FIGURES[k].en.lower()}" for k in ("sheet", "cell", "rule")]
    table = Table(*heads, "ข้อความ/message", show_lines=False)
    for f in findings[:limit]:
        style = "red" if f.is_error else "yellow"
        table.add_row(tab(f.sheet), f.cell, f"[{style}]{f.rule}[/]", f"{f.message_th}\n{f.message_en}")
    console = Console()
    console.print(table)
    if len(findings) > limit:
        console.print(f"… อีก {len(findings) - limit:,} รายการ / {len(findings) - limit:,} more "
                      "(ใช้ --json หรือ --annotate / use --json or --annotate)")


@app.command("validate")
def validate_command(
    files: Annotated[list[Path], typer.Argument(metavar="WORKBOOK.xlsx", help=(
        "ไฟล์ที่กรอกแล้ว ตรวจพร้อมกัน / Filled workbooks, checked together."), show_default=False)],
    as_json: Annotated[bool, typer.Option("--json", help="พิมพ์ผลการตรวจเป็น JSON / Print the findings as JSON.")]
    = False,
    as_of: AsOf = None,
    fiscal_year: FileYear = None,
    annotate: Annotated[Path | None, typer.Option(metavar="FOLDER", help=(
        "เขียนสำเนาของแต่ละไฟล์ที่ระบายสีและใส่ความเห็นที่ช่องที่พบปัญหา พร้อมแผ่นงานรายการปัญหา ลงในโฟลเดอร์นี้ / "
        "Write, per workbook, a copy with flagged cells coloured and commented and a findings sheet, into this "
        "folder."))] = None,
    full_copy: Annotated[bool | None, typer.Option("--full-copy/--findings-only", help=(
        "ใช้กับ --annotate: สำเนาเต็มทุกครั้ง หรือเฉพาะรายการปัญหา (ปกติ: สำเนาเต็มเมื่อไม่เกิน 50,000 แถว) / "
        "With --annotate: always the full copy, or only the findings list (default: the full copy up to 50,000 "
        "rows)."))] = None,
) -> None:
    """ตรวจไฟล์โดยไม่บันทึก / Check workbooks without storing anything.

    Exit 0 when there is no error (warnings allowed), 1 when there are errors, 2 when a file could not be read.
    """
    from services.submission import check
    from store.db import connect
    from store.reference import current_reference

    fork_readers()
    if fiscal_year is not None:
        check_fiscal_year(fiscal_year)
    when = parse_as_of(as_of)
    engine = connect()
    report = check(engine, files, current_reference(engine), as_of=when, fiscal_year=fiscal_year)
    if as_json:
        import json

        typer.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=1, default=str))
    else:
        print_report(report, fiscal_year=fiscal_year)
    if annotate:
        from validators.annotate import annotate_all, describe

        try:
            written = annotate_all(report, annotate, full=full_copy)
        except OSError as exc:
            raise wrong(f"--annotate: เขียนไฟล์ลงโฟลเดอร์ {annotate} ไม่ได้ ให้เลือกโฟลเดอร์ที่เขียนได้",
                        f"--annotate: cannot write into {annotate} ({exc.strerror}); choose a folder you can write "
                        "to.") from None
        for path in written:
            typer.echo(f"{path}  {describe(path)}", err=as_json)  # stderr under --json keeps stdout valid JSON
    raise typer.Exit(2 if report.unreadable else (1 if report.errors else 0))


def exit_code(outcomes: list[Outcome]) -> int:
    """2 when a file could not be read, 1 when one was not stored, else 0."""
    from domain.vocabulary import ImportOutcome

    if any(o.status == ImportOutcome.UNREADABLE for o in outcomes):
        return 2
    return 0 if all(o.status.kept for o in outcomes) else 1


def print_outcomes(outcomes: list[Outcome], fiscal_year: int | None = None) -> None:
    """One line per workbook: what happened to it, and the changes or findings behind it; ``fiscal_year``: the one
    the user gave."""
    from rich.console import Console

    from domain.vocabulary import ImportOutcome, RowChange
    from services.submission import refused_without_errors
    from validators.validate import Report

    console = Console()
    for o in outcomes:
        colour = "green" if o.status == ImportOutcome.STORED else ("cyan" if o.status.kept else "red")
        console.print(f"[{colour}]{o.status.label}[/]  {o.file}  {o.template} {o.cost_center}"
                      + (f" v{o.version}" if o.version else ""))
        if note := year_note(o.fiscal_year, fiscal_year):
            console.print(note, highlight=False)
        if o.status == ImportOutcome.STORED:
            console.print("    " + "  ".join(f"{c.th}/{c.en} {o.counts[c]:,}" for c in RowChange))
        if o.status == ImportOutcome.UNCHANGED:
            console.print("    ไฟล์นี้เหมือนฉบับล่าสุดทุกไบต์ ไม่มีอะไรเปลี่ยน / identical to the current version; nothing changed")
        if o.status == ImportOutcome.REFUSED and o.report and (why := refused_without_errors(o.report)):
            console.print(f"    {why[0]}\n    {why[1]}", highlight=False)
    failed = (ImportOutcome.REFUSED, ImportOutcome.UNREADABLE)
    refused = [o.report for o in outcomes if o.status in failed and o.report]
    if refused:
        print_report(Report(refused), refused=True)  # each file's year said above


@app.command("import")
def import_command(
    files: Annotated[list[Path], typer.Argument(metavar="WORKBOOK.xlsx", help=(
        "ไฟล์ที่กรอกแล้ว แต่ละไฟล์บันทึกทั้งไฟล์หรือไม่บันทึกเลย / Filled workbooks; each is stored whole or not at "
        "all."), show_default=False)],
    as_of: AsOf = None,
    fiscal_year: FileYear = None,
    actor: Annotated[str, typer.Option(metavar="NAME", help=(
        "ผู้นำเข้า บันทึกไว้ในประวัติการเปลี่ยนแปลง / Who imports, for the audit trail."))] = "cli",
) -> None:
    """ตรวจแล้วบันทึกไฟล์ / Validate, then store each workbook as one submission.

    Exit 0 when every file was stored or unchanged, 1 when one was refused for errors, 2 when one was unreadable.
    """
    from services.submission import submit
    from store.db import connect
    from store.reference import current_reference

    fork_readers()
    if fiscal_year is not None:
        check_fiscal_year(fiscal_year)
    when = parse_as_of(as_of)
    engine = connect()
    outcomes = submit(engine, files, current_reference(engine), actor=actor, as_of=when, fiscal_year=fiscal_year)
    print_outcomes(outcomes, fiscal_year)
    raise typer.Exit(exit_code(outcomes))


# -- the demo and the app ------------------------------------------------------------------------------------
@app.command("demo")
def demo_command(
    out: Annotated[Path, typer.Option(metavar="FOLDER", help=(
        "โฟลเดอร์ของไฟล์ตัวอย่าง / Folder for the demo workbooks."))] = OUTPUTS / "demo",
    load: Annotated[bool, typer.Option(help=(
        "นำเข้าข้อมูลตัวอย่างลงฐานข้อมูลด้วย / Also import the demo into the database."))] = True,
) -> None:
    """สร้างข้อมูลตัวอย่างทั้งปีงบประมาณ / Build a realistic demo fiscal year and load it."""
    from rich.progress import Progress, TextColumn

    from demo import DEMO_FISCAL_YEAR, write_demo
    from store.db import connect
    from store.reference import current_reference

    fork_readers()
    engine = connect()
    reference = current_reference(engine)
    with Progress(*Progress.get_default_columns(), TextColumn("{task.fields[label]}")) as progress:
        task = progress.add_task("สร้างไฟล์ / writing", total=None, label="")
        paths = write_demo(out, reference, progress=lambda done, total, label: progress.update(
            task, completed=done, total=total, label=label))
    typer.echo(f"{len(paths)} files in {out / str(DEMO_FISCAL_YEAR)}")
    if load:
        load_demo(engine, reference, paths)


def load_demo(engine, reference, paths: list[Path]) -> None:
    """Store the demo's workbooks (the good ones, then the mistakes, refused as intended) and its accounts."""
    from demo import DEMO_AS_OF, MISTAKES_DIR
    from demo.accounts import DEMO_ACTOR, add_demo_accounts, demo_loaded
    from domain.vocabulary import ImportOutcome
    from services.submission import submit
    from store.db import database_url

    if demo_loaded(engine):
        typer.echo("ข้อมูลตัวอย่างโหลดไว้แล้ว / the demo is already loaded "
                   f"({database_url()}; delete it to load again)")
    else:
        workbooks = [p for p in paths if p.suffix == ".xlsx"]
        good = [p for p in workbooks if MISTAKES_DIR not in p.parts]
        outcomes = submit(engine, good, reference, actor=DEMO_ACTOR, as_of=DEMO_AS_OF)
        outcomes += submit(engine, [p for p in workbooks if p not in good], reference, actor=DEMO_ACTOR,
                           as_of=DEMO_AS_OF)
        counts = {s: sum(o.status == s for o in outcomes) for s in ImportOutcome}
        typer.echo(f"database {database_url()}: " + ", ".join(f"{s.label} {n}" for s, n in counts.items() if n))
        if sum(o.status.kept for o in outcomes) < len(good):
            raise wrong("ข้อมูลตัวอย่างบางไฟล์ไม่ผ่านการตรวจ", "Some demo workbooks did not pass validation.",
                        Reason.BAD_VALUE, exit_code=1)
    typer.echo(add_demo_accounts(engine, reference))


@app.command("serve")
def serve(
    port: Annotated[int, typer.Option(metavar="PORT", help="พอร์ตที่เปิดรับ / Port to listen on.")] = 8501,
    address: Annotated[str, typer.Option(metavar="ADDRESS", help=(
        "ที่อยู่ที่เปิดรับ ใช้ 0.0.0.0 ให้เครื่องอื่นในเครือข่ายเข้าได้ / Address to listen on; 0.0.0.0 to serve the "
        "network."))] = "127.0.0.1",
) -> None:
    """เปิดแอปตรวจทาน / Start the review app (Streamlit) on the configured database."""
    from store.db import database_url

    app_path = Path(__file__).resolve().parents[1] / "review_app.py"
    typer.echo(f"SMS Workbench: http://{address}:{port}  (database {database_url()})")
    os.execvp(sys.executable, [sys.executable, "-m", "streamlit", "run", str(app_path), "--server.port", str(port),
                               "--server.address", address])


# -- reference data and users -------------------------------------------------------------------------------
@reference_app.command("load")
def reference_load(
    file: Annotated[Path, typer.Argument(metavar="WORKBOOK.xlsx", help=(
        "ไฟล์ข้อมูลอ้างอิงที่กรอกแล้ว (ดู: sms reference export) / A filled reference workbook (see: sms reference "
        "export)."), show_default=False)],
    actor: Annotated[str, typer.Option(metavar="NAME", help=(
        "ผู้โหลด บันทึกไว้ในประวัติการเปลี่ยนแปลง / Who loads it, for the audit trail."))] = "cli",
) -> None:
    """โหลดข้อมูลอ้างอิงจากไฟล์ / Replace the reference data with a reference workbook's."""
    from store.db import connect
    from store.reference import save_reference
    from validators.reference import read_reference
    from validators.validate import Report

    fork_readers()
    reference, report = read_reference(file)
    if report.errors:
        print_report(Report([report]))
        raise wrong("ไม่ได้โหลดข้อมูลอ้างอิง เพราะมีข้อผิดพลาด", "The reference data was not loaded: fix the errors.",
                    Reason.BAD_VALUE, exit_code=1)
    counts = save_reference(connect(), reference, actor, file.name)
    typer.echo(", ".join(f"{k} {v}" for k, v in counts.items()))


@reference_app.command("export")
def reference_export(
    out: Annotated[Path, typer.Option(metavar="FILE", help=(
        "ไฟล์ที่จะเขียนข้อมูลอ้างอิง / Where to write the reference workbook."))] = OUTPUTS / "reference.xlsx",
) -> None:
    """เขียนข้อมูลอ้างอิงปัจจุบันเป็นไฟล์ Excel / Write the current reference data as a workbook to edit and load."""
    from store.db import connect
    from store.reference import current_reference
    from templates import TEMPLATES
    from templates.workbook import build_workbook

    reference = current_reference(connect())
    typer.echo(build_workbook(TEMPLATES["reference"], out, reference, data=reference.tables))


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(metavar="NAME", help="ชื่อเข้าระบบ / Sign-in name.", show_default=False)],
    role: Annotated[str, typer.Option(metavar="ROLE", help=f"บทบาท / Role: {ROLES}")],
    cost_center: Annotated[str | None, typer.Option(metavar="CODE", help=(
        "ศูนย์ต้นทุน (10 หลัก) ของผู้บันทึกข้อมูล / A maker's 10-digit cost centre."))] = None,
    region: Annotated[int | None, typer.Option(metavar="REGION", help=(
        "เขตสุขภาพ 1–13 ของผู้กำกับดูแล / A checker's health region, 1-13."))] = None,
    display_name: Annotated[str, typer.Option(metavar="TEXT", help="ชื่อที่แสดงในแอป / Name shown in the app.")] = "",
    password: Annotated[str | None, typer.Option(metavar="TEXT", help=(
        "อย่างน้อย 8 ตัวอักษร ถ้าไม่ใส่จะถามให้พิมพ์ / At least 8 characters; asked for when not given."))] = None,
) -> None:
    """เพิ่มผู้ใช้ / Add a local account with a hashed password."""
    from store.db import connect
    from store.reference import current_reference
    from store.users import add_user, check_account

    engine = connect()
    reference = current_reference(engine)
    check_account(engine, reference, name, role, cost_center=cost_center, region=region)  # before the password
    if password is None:
        password = typer.prompt("รหัสผ่าน / Password", hide_input=True,
                                confirmation_prompt="ยืนยันรหัสผ่าน / Repeat the password")
    user = add_user(engine, reference, name, role, password, cost_center=cost_center, region=region,
                    display_name=display_name)
    typer.echo(f"{user.label}: {user.cost_center or ''}{f'region {user.region}' if user.region else ''}")


# -- reports ------------------------------------------------------------------------------------------------
@app.command("report")
def report_command(
    fiscal_year: Annotated[int, typer.Option(metavar="YEAR", help=FISCAL_YEAR)],
    quarter: Annotated[int, typer.Option(metavar="QUARTER", help=(
        "ไตรมาสของปีงบประมาณ 1–4 (ไตรมาส 1 = ต.ค.–ธ.ค.) / Quarter of the fiscal year, 1-4 (Q1 = Oct-Dec)."))],
    province: Annotated[str | None, typer.Option(metavar="PROVINCE", help=(
        "รหัสจังหวัด 2 หลัก หรือชื่อจังหวัดภาษาไทยหรืออังกฤษ / 2-digit province code or Thai/English name."))] = None,
    all_provinces: Annotated[bool, typer.Option("--all", help=(
        "ทุกจังหวัดที่มีข้อมูล ทำพร้อมกัน / Every province with data, in parallel."))] = False,
    region: Annotated[str | None, typer.Option(metavar="REGION", help=(
        "เขตสุขภาพ (1–13): รายงานระดับเขตสำหรับผู้กำกับดูแล (กระทบยอด GFMIS กับ SMS ของทุกศูนย์ต้นทุน "
        "การบันทึกข้อมูล) / A health region (1-13): its region report, for the checker (GFMIS vs SMS "
        "reconciliation of every cost centre, recording)."))] = None,
    round: Annotated[int | None, typer.Option(metavar="ROUND", help=(
        "รอบการตรวจราชการ (1 = ไตรมาส 1–2, 2 = ไตรมาส 3–4) ถ้าไม่ใส่ คิดจากไตรมาส / Inspection round "
        "(1 = Q1-Q2, 2 = Q3-Q4); from the quarter when not given."))] = None,
    as_of: Annotated[str | None, typer.Option(metavar="DATE", help=(
        "ข้อมูล ณ วันที่ (ปกติ: วันสิ้นไตรมาส หรือวันนี้ถ้าเร็วกว่า) เช่น 31/3/2569 หรือ 2026-03-31 / Data as of "
        "(default: the quarter's end, or today if earlier): 31/3/2569 or 2026-03-31."))] = None,
    out: Annotated[Path, typer.Option(metavar="FOLDER", help=(
        "โฟลเดอร์หลัก รายงานอยู่ใน <out>/<fy>/Q<q>/<province>/ / Base folder; reports go to "
        "<out>/<fy>/Q<q>/<province>/."))] = REPORTS_DIR,
    include_unapproved: Annotated[bool, typer.Option("--include-unapproved/--approved-only", help=(
        "นับข้อมูลที่ผู้กำกับดูแลยังไม่อนุมัติด้วย (ทุกตารางบอกจำนวน) / Count submissions a checker has not approved "
        "yet (every table says how many)."))] = True,
    pdf: Annotated[bool, typer.Option("--pdf/--no-pdf", help=(
        "พิมพ์รายงานเป็น PDF ด้วย (ต้องมี Chromium) / Also print each report to PDF (needs Chromium)."))] = True,
    workers: Annotated[int, typer.Option(metavar="N", help=(
        "จำนวนโปรเซสที่ทำงานพร้อมกัน (โปรเซสละหนึ่ง kernel) / Worker processes (one kernel each)."))] = 2,
    targets: Annotated[Path | None, typer.Option(metavar="FILE", help=(
        "ไฟล์ TOML เป้าหมายการเบิกจ่าย ใช้แทน reports/targets.toml / A disbursement-targets TOML file instead of "
        "reports/targets.toml."))] = None,
) -> None:
    """รายงานประกอบการตรวจราชการ / Inspection-round reports: the financial and the KPI notebook per province,
    or with --region the region report.

    Writes the executed notebook, an HTML page and a PDF of each. Exit 0 when every report was made,
    1 when one failed (the others are still made), 2 for a wrong parameter.
    """
    from rich.console import Console

    from reports.config import REGION_NOTEBOOKS, TARGETS_ENV, disbursement_targets
    from reports.params import check_params, check_region_params
    from reports.run import absolute_url, jobs_for, provinces_with_data, run_with_progress
    from store.db import connect, database_url
    from store.reference import current_reference

    if sum((all_provinces, province is not None, region is not None)) != 1:
        raise wrong("ระบุ --province, --all หรือ --region อย่างใดอย่างหนึ่ง", "Give one of --province, --all or --region.")
    if targets is not None:
        os.environ[TARGETS_ENV] = str(targets.resolve())  # the kernels inherit it
    disbursement_targets(fiscal_year)
    when = parse_as_of(as_of)
    engine = connect()
    reference = current_reference(engine)
    url = absolute_url(database_url())
    if region is not None:
        params, where = check_region_params(reference, fiscal_year=fiscal_year, region=region, quarter=quarter,
                                            round=round, as_of=when, database_url=url,
                                            include_unapproved=include_unapproved)
        jobs = jobs_for(params, where, out, pdf=pdf, notebooks=REGION_NOTEBOOKS)
    else:
        codes = provinces_with_data(engine, reference, fiscal_year) if all_provinces else [province]
        if not codes:
            raise wrong(f"ไม่มีข้อมูลของปีงบประมาณ {fiscal_year}", f"There is no data for fiscal year {fiscal_year}.",
                        Reason.NO_DATA, exit_code=1)
        jobs = []
        for code in codes:
            params, where = check_params(reference, fiscal_year=fiscal_year, province=code, quarter=quarter,
                                         round=round, as_of=when, database_url=url,
                                         include_unapproved=include_unapproved)
            jobs += jobs_for(params, where, out, pdf=pdf)
    console = Console()
    outcomes = run_with_progress(jobs, workers=workers, console=console)
    failed = [o for o in outcomes if not o.ok]
    folders = sorted({str(j.out_dir) for j in jobs})
    scope = "1 เขตสุขภาพ / region" if region is not None else f"{len({o.province for o in outcomes})} province(s)"
    console.print(f"รายงาน / reports: {len(outcomes) - len(failed)} of {len(outcomes)} made, "
                  f"{scope} → {folders[0] if len(folders) == 1 else out}")
    if pdf and outcomes and not any(f.suffix == ".pdf" for o in outcomes for f in o.files) and not failed:
        console.print("[yellow]ไม่พบ Chromium จึงไม่ได้สร้าง PDF / Chromium not found: no PDF written[/]")
    for o in failed:
        console.print(f"[red]✗ {o.province} {o.province_name}: {o.error}[/]")
    raise typer.Exit(1 if failed else 0)


@app.command("rules")
def rules_command() -> None:
    """รายการกฎการตรวจ / Print the rule catalogue as a Markdown table (it is the README's)."""
    from domain.rules import RULES

    typer.echo("| id | severity | กฎ | rule |\n|---|---|---|---|")
    for rule in RULES.values():
        typer.echo(f"| {rule.id} | {rule.severity} | {rule.th} | {rule.en} |")


def main() -> None:
    """The ``sms`` console script."""
    # pandera imports hypothesis, when it is installed, to synthesise test data, which no command does:
    # 0.1 s of every command's start. Kept out here only, so a test process keeps its hypothesis.
    sys.modules.setdefault("hypothesis", None)
    try:
        app()
    finally:
        # The interpreter's last garbage collections walk every object pandas and pyarrow made: 0.17 s of
        # every command's end. Nothing is left to collect that matters (atexit handlers and finalizers
        # still run), so the objects are frozen out of those collections.
        gc.freeze()


if __name__ == "__main__":
    main()
