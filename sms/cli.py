"""The ``sms`` command: build templates, print the spec, manage reference data, make the demo."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import Annotated

import sqlalchemy as sa
import typer
from rich.console import Console
from rich.progress import Progress, TextColumn
from rich.table import Table

from importer.normalise import NormaliseError, parse_date
from importer.parse import Unreadable
from reports.config import REPORTS_DIR, TARGETS_ENV, TargetsError, disbursement_targets
from reports.params import ReportError, check_params
from sms.demo import DEMO_AS_OF, DEMO_FISCAL_YEAR, MISTAKES_DIR, write_demo
from sms.rules import RULES
from store.db import connect, database_url
from store.reference import current_reference, save_reference
from store.schema import submissions
from store.submissions import ImportResult, import_files, known_keys, stored_context
from store.users import UserError, add_user, get_user
from templates import TEMPLATES, UNIT_TEMPLATES
from templates.catalog import SHEETS
from templates.datapackage import datapackage
from templates.workbook import build_workbook
from validators.annotate import annotate_all, describe
from validators.reference import read_reference
from validators.validate import Report, validate

OUTPUTS = Path("outputs")

app = typer.Typer(help="SMS Workbench: ระบบแบบฟอร์มมาตรฐาน ตรวจสอบ และรายงาน SMS / "
                       "standard templates, validation and reports for MOPH strategic-budget tracking.",
                  no_args_is_help=True, add_completion=False)
templates_app = typer.Typer(help="แบบฟอร์มมาตรฐาน / The standard Excel templates.", no_args_is_help=True)
reference_app = typer.Typer(help="ข้อมูลอ้างอิง / Reference data: units, codes, plans, KPIs.", no_args_is_help=True)
app.add_typer(templates_app, name="templates")
users_app = typer.Typer(help="ผู้ใช้ / Local accounts of the review app.", no_args_is_help=True)
app.add_typer(reference_app, name="reference")
app.add_typer(users_app, name="users")


def fail(message_th: str, message_en: str, code: int = 2) -> typer.Exit:
    typer.echo(f"{message_th}\n{message_en}", err=True)
    return typer.Exit(code)


@templates_app.command("build")
def templates_build(
    out: Annotated[Path, typer.Option(help="Folder to write the workbooks to.")] = OUTPUTS / "templates",
    fiscal_year: Annotated[int | None, typer.Option(help="Fiscal year in BE, e.g. 2569.")] = None,
    cost_center: Annotated[str | None, typer.Option(help="Personalise for this 10-digit cost centre.")] = None,
    template: Annotated[list[str] | None, typer.Option(help="Only these template ids (repeatable).")] = None,
) -> None:
    """เขียนแบบฟอร์ม Excel / Write the standard workbooks, one per template id."""
    engine = connect()
    reference = current_reference(engine)
    if cost_center and cost_center not in reference.codes("cost_centers"):
        raise fail(f"ไม่พบศูนย์ต้นทุน {cost_center} ในข้อมูลอ้างอิง",
                   f"Cost centre {cost_center} is not in the reference data; check the 10-digit code.")
    if fiscal_year is not None and not 2500 <= fiscal_year <= 2700:
        raise fail("ปีงบประมาณต้องเป็นปี พ.ศ. เช่น 2569", "The fiscal year is a BE year, e.g. 2569.")
    unknown = sorted(set(template or []) - set(TEMPLATES))
    if unknown:
        raise fail(f"ไม่รู้จักแบบฟอร์ม {', '.join(unknown)}",
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
    out: Annotated[Path | None, typer.Option(help="Write to this file instead of standard output.")] = None,
) -> None:
    """พิมพ์สเปกแบบฟอร์มเป็น Frictionless Data Package / Print the spec as a Data Package (JSON)."""
    text = json.dumps(datapackage(), ensure_ascii=False, indent=2)
    if out:
        out.write_text(text + "\n", encoding="utf-8")
    else:
        typer.echo(text)


def parse_as_of(value: str | None) -> dt.date | None:
    """--as-of accepts what a user types for a date: 2026-03-31, 31/3/2569, 31 มี.ค. 2569."""
    if value is None:
        return None
    try:
        return parse_date(value)
    except NormaliseError as exc:
        raise fail(f"--as-of: {exc.message_th}", f"--as-of: {exc.message_en}") from None


def print_report(report: Report, limit: int = 50) -> None:
    console = Console()
    for fr in report.files:
        if fr.unreadable:
            console.print(f"[bold red]✗ {fr.path}[/]\n  {fr.unreadable.message_th}\n  {fr.unreadable.message_en}")
            continue
        mark = "[red]✗[/]" if fr.errors else ("[yellow]![/]" if fr.warnings else "[green]✓[/]")
        console.print(f"{mark} [bold]{fr.path}[/] {fr.parsed.template.key} v{fr.parsed.workbook.version}, "
                      f"{fr.parsed.rows:,} แถว/rows, ผิดพลาด/errors {fr.errors:,}, คำเตือน/warnings {fr.warnings:,}")
        if not fr.findings:
            continue
        table = Table("แผ่นงาน/sheet", "ช่อง/cell", "กฎ/rule", "ข้อความ/message", show_lines=False)
        for f in fr.findings[:limit]:
            style = "red" if f.is_error else "yellow"
            sheet = SHEETS[f.sheet][1].name if f.sheet in SHEETS else f.sheet
            table.add_row(sheet, f.cell, f"[{style}]{f.rule}[/]", f"{f.message_th}\n{f.message_en}")
        console.print(table)
        if len(fr.findings) > limit:
            console.print(f"… อีก {len(fr.findings) - limit:,} รายการ / {len(fr.findings) - limit:,} more "
                          "(ใช้ --json หรือ --annotate / use --json or --annotate)")


@app.command("validate")
def validate_command(
    files: Annotated[list[Path], typer.Argument(help="Filled workbooks, checked together.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the findings as JSON.")] = False,
    as_of: Annotated[str | None, typer.Option(help="Data as of (default today): 2026-03-31 or 31/3/2569.")] = None,
    fiscal_year: Annotated[int | None, typer.Option(help="Fiscal year (BE) when a file does not say.")] = None,
    annotate: Annotated[Path | None, typer.Option(
        help="Write, per workbook, a copy with flagged cells coloured and commented and a findings sheet, "
             "into this folder.")] = None,
    full_copy: Annotated[bool | None, typer.Option(
        "--full-copy/--findings-only",
        help="With --annotate: always the full copy, or only the findings list (default: the full copy up to "
             "50,000 rows).")] = None,
) -> None:
    """ตรวจไฟล์โดยไม่บันทึก / Check workbooks without storing anything.

    Exit 0 when there is no error (warnings allowed), 1 when there are errors, 2 when a file could not be read.
    """
    engine = connect()
    report = validate(files, current_reference(engine), as_of=parse_as_of(as_of), fiscal_year=fiscal_year,
                      stored=stored_context(engine))
    if as_json:
        typer.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=1, default=str))
    else:
        print_report(report)
    if annotate:
        for path in annotate_all(report, annotate, full=full_copy):
            typer.echo(f"{path}  {describe(path)}", err=as_json)  # stderr under --json keeps stdout valid JSON
    raise typer.Exit(2 if report.unreadable else (1 if report.errors else 0))


def exit_code(results: list[ImportResult]) -> int:
    if any(r.status == "unreadable" for r in results):
        return 2
    return 1 if any(r.status in ("refused", "locked", "forbidden") for r in results) else 0


STATUS_TEXT = {"stored": "[green]บันทึกแล้ว / stored[/]", "unchanged": "[cyan]ไม่เปลี่ยนแปลง / unchanged[/]",
               "refused": "[red]ไม่รับ (มีข้อผิดพลาด) / refused (errors)[/]",
               "unreadable": "[red]อ่านไม่ได้ / unreadable[/]",
               "locked": "[red]อนุมัติแล้ว แก้ไขไม่ได้จนกว่าผู้กำกับจะเปิดให้ / approved: locked until a checker reopens it[/]",
               "forbidden": "[red]ไม่มีสิทธิ์ส่งข้อมูลของศูนย์ต้นทุนนี้ / not allowed for this cost centre[/]"}


def print_results(results: list[ImportResult]) -> None:
    console = Console()
    for r in results:
        console.print(f"{STATUS_TEXT[r.status]}  {r.file}  {r.template} {r.cost_center}"
                      + (f" v{r.version}" if r.version else ""))
        if r.status == "stored":
            c = r.counts
            console.print(f"    เพิ่ม/added {c['added']:,}  แก้/changed {c['changed']:,}  "
                          f"ลบ/removed {c['removed']:,}  เหมือนเดิม/unchanged {c['unchanged']:,}")
        if r.status == "unchanged":
            console.print("    ไฟล์นี้เหมือนฉบับล่าสุดทุกไบต์ ไม่มีอะไรเปลี่ยน / identical to the current version; nothing changed")
    refused = [r.report for r in results if r.status in ("refused", "unreadable") and r.report]
    if refused:
        print_report(Report(refused))


@app.command("import")
def import_command(
    files: Annotated[list[Path], typer.Argument(help="Filled workbooks; each is stored whole or not at all.")],
    as_of: Annotated[str | None, typer.Option(help="Data as of (default today): 2026-03-31 or 31/3/2569.")] = None,
    fiscal_year: Annotated[int | None, typer.Option(help="Fiscal year (BE) when a file does not say.")] = None,
    actor: Annotated[str, typer.Option(help="Who imports, for the audit trail.")] = "cli",
) -> None:
    """ตรวจแล้วบันทึกไฟล์ / Validate, then store each workbook as one submission.

    Exit 0 when every file was stored or unchanged, 1 when one was refused for errors, 2 when one was unreadable.
    """
    engine = connect()
    results = import_files(engine, files, current_reference(engine), actor=actor, as_of=parse_as_of(as_of),
                           fiscal_year=fiscal_year)
    print_results(results)
    raise typer.Exit(exit_code(results))


@app.command("demo")
def demo_command(
    out: Annotated[Path, typer.Option(help="Folder for the demo workbooks.")] = OUTPUTS / "demo",
    load: Annotated[bool, typer.Option(help="Also import the demo into the database.")] = True,
) -> None:
    """สร้างข้อมูลตัวอย่างทั้งปีงบประมาณ / Build a realistic demo fiscal year and load it."""
    engine = connect()
    reference = current_reference(engine)
    with Progress(*Progress.get_default_columns(), TextColumn("{task.fields[label]}")) as progress:
        task = progress.add_task("สร้างไฟล์ / writing", total=None, label="")
        paths = write_demo(out, reference, progress=lambda done, total, label: progress.update(
            task, completed=done, total=total, label=label))
    typer.echo(f"{len(paths)} files in {out / str(DEMO_FISCAL_YEAR)}")
    if not load:
        return
    if demo_loaded(engine):
        typer.echo("ข้อมูลตัวอย่างโหลดไว้แล้ว / the demo is already loaded "
                   f"({database_url()}; delete it to load again)")
        add_demo_accounts(engine, reference)
        return
    workbooks = [p for p in paths if p.suffix == ".xlsx"]
    good = [p for p in workbooks if MISTAKES_DIR not in p.parts]
    results = import_files(engine, good, reference, actor="demo", as_of=DEMO_AS_OF)
    results += import_files(engine, [p for p in workbooks if p not in good], reference, actor="demo",
                            as_of=DEMO_AS_OF)
    add_demo_accounts(engine, reference)
    counts = {status: sum(r.status == status for r in results) for status in STATUS_TEXT}
    typer.echo(f"database {database_url()}: " + ", ".join(f"{k} {v}" for k, v in counts.items() if v))
    if counts["stored"] + counts["unchanged"] < len(good):
        raise fail("ข้อมูลตัวอย่างบางไฟล์ไม่ผ่านการตรวจ", "Some demo workbooks did not pass validation.", 1)


DEMO_PASSWORD = "demo-2569"
DEMO_ACCOUNTS = (  # name, role, cost centre, region
    ("maker1", "maker", "2100200131", None),  # สสจ.หนองบัวลำภู
    ("maker2", "maker", "2100200136", None),  # สสจ.อุดรธานี
    ("checker8", "checker", None, 8),
    ("inspector", "inspector", None, None),
    ("admin", "admin", None, None),
)


def demo_loaded(engine) -> bool:
    """Whether `sms demo` already loaded its year: running it again must not stack new versions."""
    with engine.connect() as conn:
        return bool(conn.execute(sa.select(submissions.c.id).where(submissions.c.submitted_by == "demo")
                                 .limit(1)).first())


def add_demo_accounts(engine, reference) -> None:
    """The demo's sign-in accounts, created once; their password is printed, never use them in production."""
    for name, role, cost_center, region in DEMO_ACCOUNTS:
        if get_user(engine, name) is None:
            add_user(engine, reference, name, role, DEMO_PASSWORD, cost_center=cost_center, region=region)
    typer.echo(f"บัญชีทดลอง / demo accounts (รหัสผ่าน / password '{DEMO_PASSWORD}'): "
               + ", ".join(f"{n} ({r})" for n, r, *_ in DEMO_ACCOUNTS))


@app.command("serve")
def serve(
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8501,
    address: Annotated[str, typer.Option(help="Address to listen on; 0.0.0.0 to serve the network.")] = "127.0.0.1",
) -> None:
    """เปิดแอปตรวจทาน / Start the review app (Streamlit) on the configured database."""
    app_path = Path(__file__).resolve().parents[1] / "review_app.py"
    typer.echo(f"SMS Workbench: http://{address}:{port}  (database {database_url()})")
    os.execvp(sys.executable, [sys.executable, "-m", "streamlit", "run", str(app_path), "--server.port", str(port),
                               "--server.address", address])


@reference_app.command("load")
def reference_load(
    file: Annotated[Path, typer.Argument(help="A filled reference workbook (see: sms reference export).")],
    actor: Annotated[str, typer.Option(help="Who loads it, for the audit trail.")] = "cli",
) -> None:
    """โหลดข้อมูลอ้างอิงจากไฟล์ / Replace the reference data with a reference workbook's."""
    try:
        reference, report = read_reference(file)
    except Unreadable as exc:
        raise fail(exc.message_th, exc.message_en) from None
    if report.errors:
        print_report(Report([report]))
        raise fail("ไม่ได้โหลดข้อมูลอ้างอิง เพราะมีข้อผิดพลาด", "The reference data was not loaded: fix the errors.", 1)
    counts = save_reference(connect(), reference, actor, file.name)
    typer.echo(", ".join(f"{k} {v}" for k, v in counts.items()))


@reference_app.command("export")
def reference_export(
    out: Annotated[Path, typer.Option(help="Where to write the reference workbook.")] = OUTPUTS / "reference.xlsx",
) -> None:
    """เขียนข้อมูลอ้างอิงปัจจุบันเป็นไฟล์ Excel / Write the current reference data as a workbook to edit and load."""
    reference = current_reference(connect())
    typer.echo(build_workbook(TEMPLATES["reference"], out, reference, data=reference.tables))


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="Sign-in name.")],
    role: Annotated[str, typer.Option(help="maker | checker | inspector | admin")],
    cost_center: Annotated[str | None, typer.Option(help="A maker's 10-digit cost centre.")] = None,
    region: Annotated[int | None, typer.Option(help="A checker's health region, 1-13.")] = None,
    display_name: Annotated[str, typer.Option(help="Name shown in the app.")] = "",
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True,
                                          help="At least 8 characters; asked for when not given.")] = "",
) -> None:
    """เพิ่มผู้ใช้ / Add a local account with a hashed password."""
    engine = connect()
    try:
        user = add_user(engine, current_reference(engine), name, role, password, cost_center=cost_center,
                        region=region, display_name=display_name)
    except UserError as exc:
        raise fail(exc.message_th, exc.message_en) from None
    typer.echo(f"{user.label}: {user.cost_center or ''}{f'region {user.region}' if user.region else ''}")


@app.command("report")
def report_command(
    fiscal_year: Annotated[int, typer.Option(help="Fiscal year in BE, e.g. 2569.")],
    quarter: Annotated[int, typer.Option(help="Quarter of the fiscal year, 1-4 (Q1 = Oct-Dec).")],
    province: Annotated[str | None, typer.Option(help="2-digit province code or Thai/English name.")] = None,
    all_provinces: Annotated[bool, typer.Option("--all", help="Every province with data, in parallel.")] = False,
    round: Annotated[int | None, typer.Option(help="Inspection round (1 = Q1-Q2, 2 = Q3-Q4); from the quarter "
                                                   "when not given.")] = None,
    as_of: Annotated[str | None, typer.Option(help="Data as of (default: the quarter's end, or today if "
                                                   "earlier): 2026-03-31 or 31/3/2569.")] = None,
    out: Annotated[Path, typer.Option(help="Base folder; reports go to <out>/<fy>/Q<q>/<province>/.")] = REPORTS_DIR,
    include_unapproved: Annotated[bool, typer.Option(
        "--include-unapproved/--approved-only", help="Count submissions a checker has not approved yet "
                                                     "(every table says how many).")] = True,
    pdf: Annotated[bool, typer.Option("--pdf/--no-pdf", help="Also print each report to PDF (needs Chromium).")] = True,
    workers: Annotated[int, typer.Option(help="Worker processes (one kernel each).")] = 2,
    targets: Annotated[Path | None, typer.Option(help="A disbursement-targets TOML file instead of "
                                                      "reports/targets.toml.")] = None,
) -> None:
    """รายงานประกอบการตรวจราชการ / Inspection-round reports: the financial and the KPI notebook per province.

    Writes the executed notebook, an HTML page and a PDF of each. Exit 0 when every report was made,
    1 when one failed (the others are still made), 2 for a wrong parameter.
    """
    from reports.run import absolute_url, jobs_for, provinces_with_data, run_with_progress

    if all_provinces == (province is not None):
        raise fail("ระบุ --province หรือ --all อย่างใดอย่างหนึ่ง", "Give either --province or --all.")
    if targets is not None:
        os.environ[TARGETS_ENV] = str(targets.resolve())  # the kernels inherit it
    try:
        disbursement_targets(fiscal_year)
    except TargetsError as exc:
        raise fail(f"อ่านเป้าหมายการเบิกจ่ายไม่ได้: {exc}", f"Cannot read the disbursement targets: {exc}") from None
    engine = connect()
    reference = current_reference(engine)
    codes = provinces_with_data(engine, reference, fiscal_year) if all_provinces else [province]
    if not codes:
        raise fail(f"ไม่มีข้อมูลของปีงบประมาณ {fiscal_year}", f"There is no data for fiscal year {fiscal_year}.", 1)
    url = absolute_url(database_url())
    jobs = []
    try:
        for code in codes:
            params, where = check_params(reference, fiscal_year=fiscal_year, province=code, quarter=quarter,
                                         round=round, as_of=parse_as_of(as_of), database_url=url,
                                         include_unapproved=include_unapproved)
            jobs += jobs_for(params, where, out, pdf=pdf)
    except ReportError as exc:
        raise fail(exc.message_th, exc.message_en) from None
    console = Console()
    outcomes = run_with_progress(jobs, workers=workers, console=console)
    failed = [o for o in outcomes if not o.ok]
    folders = sorted({str(j.out_dir) for j in jobs})
    console.print(f"รายงาน / reports: {len(outcomes) - len(failed)} of {len(outcomes)} made, "
                  f"{len({o.province for o in outcomes})} province(s) → {folders[0] if len(folders) == 1 else out}")
    if pdf and outcomes and not any(f.suffix == ".pdf" for o in outcomes for f in o.files) and not failed:
        console.print("[yellow]ไม่พบ Chromium จึงไม่ได้สร้าง PDF / Chromium not found: no PDF written[/]")
    for o in failed:
        console.print(f"[red]✗ {o.province} {o.province_name}: {o.error}[/]")
    raise typer.Exit(1 if failed else 0)


@app.command("rules")
def rules_command() -> None:
    """รายการกฎการตรวจ / Print the rule catalogue as a Markdown table (it is the README's)."""
    typer.echo("| id | severity | กฎ | rule |\n|---|---|---|---|")
    for rule in RULES.values():
        typer.echo(f"| {rule.id} | {rule.severity} | {rule.th} | {rule.en} |")


if __name__ == "__main__":
    app()
