"""Workbooks for people: the one module that writes .xlsx (openpyxl), whatever the report.

A report declares its sheets (a title, typed columns, rows; or label/text pairs; or charts over a
table); this module lays them out the way an office prints them: a title row that is not cut, the
header row frozen and repeated on every printed page, rates as ``0.0%``, counts as integers, dates
as dates, columns as wide as their content (a CJK character is two wide), long text wrapped with
the row tall enough for it, A4 landscape one page wide, page numbers in the footer. Charts are
openpyxl's own (live in Excel, WPS and LibreOffice).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from io import BytesIO
import math
import unicodedata
from typing import Any, Literal, Sequence

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference, Series
from openpyxl.chart.data_source import StrRef
from openpyxl.chart.series import SeriesLabel
from openpyxl.chart.label import DataLabelList
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.worksheet import Worksheet

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Kind = Literal["text", "long_text", "count", "rate", "number", "date"]

FONT = "宋体"  # SimSun where Office/WPS run; LibreOffice falls back to the installed CJK font
FORMATS = {"count": "0", "rate": "0.0%", "number": "0.00", "date": "yyyy-mm-dd", "text": "@", "long_text": "@"}
POINTS_PER_LINE = 15.0  # row height of one line of 11 pt text
LONG_TEXT_WIDTH = 60    # a wrapped text column is this wide (characters) on paper
MAX_TEXT_WIDTH = 36     # a name column is fitted to its content up to this, then wraps
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


@dataclass(frozen=True)
class Column:
    title: str  # "\n" where the header may break onto its next line
    kind: Kind = "text"
    width: float | None = None  # fixed width in characters; None: fitted to the content


@dataclass(frozen=True)
class Rate:
    """A value shown as a percentage in a column whose other rows are not rates."""
    value: float | None


@dataclass(frozen=True)
class Count:
    value: int | None


@dataclass
class Table:
    """Where a written table's data lie, for charts over it (1-based rows and columns)."""
    sheet: Worksheet
    header_row: int
    first_row: int
    last_row: int
    columns: dict[str, int] = field(default_factory=dict)


def text_width(text: str) -> int:
    """Display width in characters: CJK (wide and fullwidth) characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _display(value: Any, kind: Kind) -> str:
    if isinstance(value, (Rate, Count)):
        kind, value = ("rate" if isinstance(value, Rate) else "count"), value.value
    if value is None:
        return ""
    if kind == "rate":
        return "100.0%"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def _lines(text: str, width: float) -> int:
    """Lines a wrapped text takes in a column ``width`` wide (a printed CJK character is a little over two)."""
    return sum(max(1, math.ceil(text_width(part) * 1.1 / max(width - 1, 1))) for part in (text or "").split("\n"))


class Book:
    """A workbook of printed sheets under one title (each sheet's title row and page header)."""

    def __init__(self, title: str):
        self.title = title
        self.wb = Workbook()
        self._first = True

    def _sheet(self, name: str) -> Worksheet:
        if self._first:
            ws, self._first = self.wb.active, False
            ws.title = name
        else:
            ws = self.wb.create_sheet(name)
        return ws

    def _title_row(self, ws: Worksheet, title: str, span: int) -> None:
        ws.cell(row=1, column=1, value=title).font = Font(name=FONT, bold=True, size=14)
        ws.cell(row=1, column=1).alignment = Alignment(horizontal="center", vertical="center")
        if span > 1:
            ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=span)
        ws.row_dimensions[1].height = 28

    def _print_setup(self, ws: Worksheet, repeat_rows: str | None) -> None:
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0  # as many pages down as it takes
        ws.print_options.horizontalCentered = True
        ws.page_margins.left = ws.page_margins.right = 0.5
        ws.page_margins.top = ws.page_margins.bottom = 0.75
        if repeat_rows:
            ws.print_title_rows = repeat_rows
        ws.oddHeader.center.text = self.title
        ws.oddHeader.center.size = 9
        ws.oddFooter.center.text = "第 &P 页，共 &N 页"
        ws.oddFooter.center.size = 9
        ws.oddFooter.right.text = ws.title
        ws.oddFooter.right.size = 9

    def table(self, name: str, title: str, columns: Sequence[Column], rows: Sequence[Sequence[Any]],
              keys: Sequence[str] = (), bold_last: bool = False) -> Table:
        """A titled table: row 1 the title, row 2 the header (frozen, repeated), data from row 3."""
        ws = self._sheet(name)
        self._title_row(ws, title, len(columns))
        widths = []
        for c, col in enumerate(columns, start=1):
            cell = ws.cell(row=2, column=c, value=col.title)
            cell.font = Font(name=FONT, bold=True)
            cell.fill, cell.border = HEADER_FILL, BOX
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            if col.width is not None:
                widths.append(col.width)
            elif col.kind == "long_text":  # wrapped
                widths.append(LONG_TEXT_WIDTH)
            else:
                content = max((text_width(_display(r[c - 1], col.kind)) for r in rows), default=0)
                if col.kind == "text":
                    content = min(content, MAX_TEXT_WIDTH)  # longer names wrap
                # headers may wrap onto two lines; numbers need no more than their header's half
                # a header breaks where its title says ("\n"), so a narrow column of numbers keeps whole words
                head = max(text_width(line) for line in col.title.split("\n"))
                widths.append(max(content, head, 4) + (2 if col.kind == "text" else 3))
        for c, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(c)].width = width
        ws.row_dimensions[2].height = POINTS_PER_LINE * max(_lines(col.title, w) for col, w in zip(columns, widths)) + 4
        for r, row in enumerate(rows, start=3):
            height = 1
            for c, (col, value) in enumerate(zip(columns, row), start=1):
                kind = col.kind
                if isinstance(value, Rate):
                    value, kind = value.value, "rate"
                elif isinstance(value, Count):
                    value, kind = value.value, "count"
                elif isinstance(value, date) and kind != "date":
                    kind = "date"
                cell = ws.cell(row=r, column=c, value=value)
                cell.number_format = FORMATS[kind]
                cell.border = BOX
                cell.font = Font(name=FONT, bold=bold_last and r == len(rows) + 2)
                wrap = kind in ("text", "long_text")
                cell.alignment = Alignment(vertical="top" if kind == "long_text" else "center", wrap_text=wrap,
                                           horizontal="left" if wrap else "right")
                if wrap and value:
                    height = max(height, _lines(str(value), widths[c - 1]))
            ws.row_dimensions[r].height = POINTS_PER_LINE * height + 3
        ws.freeze_panes = "B3"
        self._print_setup(ws, "1:2")
        return Table(ws, 2, 3, len(rows) + 2, {key: i for i, key in enumerate(keys, start=1)})

    def definitions(self, name: str, title: str, pairs: Sequence[tuple[str, Any]]) -> Worksheet:
        """A readable two-column sheet: label, then its value or text (wrapped, rows as tall as it)."""
        ws = self._sheet(name)
        label_width = max(text_width(label) for label, _ in pairs) + 3
        text_col = max(LONG_TEXT_WIDTH + 30, text_width(title) + 4 - label_width)
        ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = label_width, text_col
        self._title_row(ws, title, 2)
        for r, (label, value) in enumerate(pairs, start=2):
            head = ws.cell(row=r, column=1, value=label)
            head.font, head.fill, head.border = Font(name=FONT, bold=True), HEADER_FILL, BOX
            head.alignment = Alignment(vertical="top", wrap_text=True)
            cell = ws.cell(row=r, column=2, value=value)
            cell.font, cell.border = Font(name=FONT), BOX
            cell.alignment = Alignment(vertical="top", horizontal="left", wrap_text=True)
            if isinstance(value, date):
                cell.number_format = FORMATS["date"]
            elif isinstance(value, str):
                cell.number_format = FORMATS["text"]
            ws.row_dimensions[r].height = POINTS_PER_LINE * _lines(_display(value, "text"), text_col) + 3
        ws.freeze_panes = "A2"
        self._print_setup(ws, "1:1")
        return ws

    def charts(self, name: str, title: str, charts: Sequence[BarChart]) -> Worksheet:
        """A sheet of charts, one under another, sized to print one to a landscape A4 page half."""
        ws = self._sheet(name)
        self._title_row(ws, title, 14)
        for col in range(1, 15):
            ws.column_dimensions[get_column_letter(col)].width = 12
        row = 3
        for chart in charts:
            ws.add_chart(chart, f"A{row}")
            row += math.ceil(chart.height / 0.53) + 2  # a 15-point row is about 0.53 cm
        self._print_setup(ws, None)
        ws.print_area = f"A1:N{row}"
        return ws

    def to_bytes(self) -> bytes:
        out = BytesIO()
        self.wb.save(out)
        return out.getvalue()


def bar_chart(title: str, table: Table, category: str, series: Sequence[str], *, percent: bool = False,
              horizontal: bool = False, width: float = 24.0, height: float = 9.0) -> BarChart:
    """A bar chart over columns of a written table: categories from one column, a series per column."""
    chart = BarChart()
    chart.type = "bar" if horizontal else "col"
    chart.title, chart.style = title, 10
    chart.width, chart.height = width, height
    ws = table.sheet
    for key in series:
        col = table.columns[key]
        values = Reference(ws, min_col=col, min_row=table.first_row, max_row=table.last_row)
        one = Series(values, title=None)
        one.tx = SeriesLabel(strRef=StrRef(f"{quote_sheetname(ws.title)}!${get_column_letter(col)}${table.header_row}"))
        chart.series.append(one)
    chart.set_categories(Reference(ws, min_col=table.columns[category], min_row=table.first_row,
                                   max_row=table.last_row))
    chart.y_axis.numFmt = "0%" if percent else "0"
    chart.y_axis.majorGridlines = None if horizontal else chart.y_axis.majorGridlines
    if percent:
        chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 1
    else:
        chart.y_axis.scaling.min = 0
    chart.x_axis.delete = chart.y_axis.delete = False
    if horizontal:
        chart.x_axis.scaling.orientation = "maxMin"  # first department on top, as in the table
    chart.dataLabels = DataLabelList(showVal=True, showSerName=False, showCatName=False, showLegendKey=False,
                                     showPercent=False)
    chart.gapWidth = 60
    chart.dataLabels.numFmt = "0.0%" if percent else "0"
    if len(series) == 1:
        chart.legend = None
    else:
        chart.legend.position = "b"
    return chart
