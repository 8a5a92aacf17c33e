"""The group's reports page (``/group/reports/``): a period picker and the three reports as tables, each
downloadable as XLSX and CSV. Staff only, like every group page."""

from dataclasses import dataclass

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from common.spreadsheets import FORMATS, Heading, Sheet, Value, spreadsheet_response
from tourism.group.columns import shown
from tourism.group.forms import PeriodForm
from tourism.group.reports import REPORTS, Report
from tourism.group.tables import period_query
from villages.roles import group_staff_required


@dataclass(frozen=True)
class ShownTable:
    report: Report
    headings: list[Heading]
    labels: int  # how many leading columns are labels
    rows: list[tuple[list[str], list[str], bool]]  # labels, cells, is a total


def _cell(heading: Heading, value: Value) -> str:
    if isinstance(value, str) or value is None:
        return value or ""
    return shown(heading.kind, value)


def _shown(report: Report, sheet: Sheet) -> ShownTable:
    labels = sum(1 for heading in sheet.headings if heading.kind == "text")
    headings = sheet.headings[labels:]
    rows = [
        (
            [str(value) for value in row[:labels]],
            [_cell(heading, value) for heading, value in zip(headings, row[labels:], strict=True)],
            index in sheet.totals,
        )
        for index, row in enumerate(sheet.rows)
    ]
    return ShownTable(report, list(sheet.headings), labels, rows)


def _bad_period(form: PeriodForm) -> HttpResponse:
    problems = [str(message) for errors in form.errors.values() for message in errors]
    return HttpResponse(" ".join(problems), status=400, content_type="text/plain; charset=utf-8")


@group_staff_required
@require_GET
def reports(request: HttpRequest) -> HttpResponse:
    form = PeriodForm(request.GET)
    if not form.is_valid():
        return render(request, "group/reports.html", {"form": form}, status=400)
    period = form.period
    tables = [_shown(report, report.build(period)) for report in REPORTS.values()]
    return render(
        request,
        "group/reports.html",
        {"form": form, "period": period, "query": period_query(period), "tables": tables},
    )


@group_staff_required
@require_GET
def report_export(request: HttpRequest, report: str, file_format: str) -> HttpResponse:
    if report not in REPORTS or file_format not in FORMATS:
        raise Http404(_("没有这个报表"))
    form = PeriodForm(request.GET)
    if not form.is_valid():
        return _bad_period(form)
    return spreadsheet_response(REPORTS[report].build(form.period), file_format)
