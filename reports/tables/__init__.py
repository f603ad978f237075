"""The figures of the inspection-round reports, as tables computed from the store, by report section.

Every table function takes a :class:`Context` (one fiscal year, province, quarter and round, data as of a
day) and returns a :class:`reports.fmt.ReportTable`: a DataFrame of raw figures and how to show it, each
column headed by its title in the spec or the vocabulary. The notebooks only call these and display the
result; the tests read the same frames back from the executed notebook and compare them with sums of their
own.

- :mod:`reports.tables.context`: :class:`Context` (scope, cut-off, cached rows, unapproved counts) and
  :func:`report_table`;
- :mod:`reports.tables.money`: the financial report's money tables and the monthly trend;
- :mod:`reports.tables.kpi`: the KPI report's tables;
- :mod:`reports.tables.hospital_figures`: the hospitals' figures both reports read;
- :mod:`reports.tables.hospitals`: the financial report's hospital financial-health section;
- :mod:`reports.tables.region`: the region report's tables (the checker's reconciliation and recording);
- :mod:`reports.tables.labels`: the few headers that depend on the report (target, quarter, threshold).
"""

from reports.tables.context import Context, report_table
from reports.tables.hospital_figures import hospital_month
from reports.tables.hospitals import hospital_health
from reports.tables.kpi import kpi_results, kpi_summary, kpi_units, remarks, small_success, target_text, verdict
from reports.tables.money import (
    advances,
    finance,
    monthly,
    project_money,
    projects,
    ratio,
    reconcile,
    reconciliation_month,
    strategies,
    target_status,
)
from reports.tables.region import region_provinces, region_reconcile, region_recording

__all__ = [
    "Context", "advances", "finance", "hospital_health", "hospital_month", "kpi_results", "kpi_summary", "kpi_units",
    "monthly", "project_money", "projects", "ratio", "reconcile", "reconciliation_month", "region_provinces",
    "region_reconcile", "region_recording", "remarks", "report_table",
    "small_success", "strategies", "target_status", "target_text", "verdict",
]
