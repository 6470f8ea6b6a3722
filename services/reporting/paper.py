"""A printed form as a DOCX (python-docx): A4, 宋体, the seed's blanks as underlined runs, checkboxes, tables.

What the forms in ``services/reporting/forms.py`` are written with.  A blank (``Blank``) is printed
underlined: with its value when the case has one, else as empty space of the blank's width, for the
hand that fills it in.  Fonts are named as Office and WPS have them (宋体, 黑体); LibreOffice prints them
with the Noto CJK faces (``shared/office.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO
from typing import Iterable, Union

from docx import Document
import segno
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

BODY_FONT, TITLE_FONT = "宋体", "黑体"
BODY_PT = 12
CHECKED, UNCHECKED = "☑", "☐"
WIDE_SPACE = "\u3000"  # an ideographic space: one character wide, never collapsed
NO_BREAK_SPACE = "\u00a0"


@dataclass(frozen=True)
class Blank:
    """A blank of the paper form: ``value`` when the case fills it, else ``width`` characters of space."""

    value: str | None = None
    width: int = 6

    def text(self) -> str:
        if self.value:  # a no-break space after: the value keeps the words after it on its line
            return f"\u00a0{self.value}\u00a0"
        # An empty blank is no-break spaces (about a quarter of a character each): never split over two lines,
        # never leaving the ，or 项） after it alone at the start of the next one.
        return NO_BREAK_SPACE * (self.width * 4)


Part = Union[str, Blank]


def box(checked: bool) -> str:
    return CHECKED if checked else UNCHECKED


def _fonts(run, name: str) -> None:  # noqa: ANN001
    run.font.name = name
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), name)


class Paper:
    """One form being written: paragraphs, tables and blanks, then ``bytes()``."""

    def __init__(self, footer: str | None = None, *, landscape: bool = False) -> None:
        self.doc = Document()
        section = self.doc.sections[0]
        section.page_width, section.page_height = (Cm(29.7), Cm(21.0)) if landscape else (Cm(21.0), Cm(29.7))
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        section.top_margin, section.bottom_margin = Cm(2.0), Cm(1.8)
        section.left_margin = section.right_margin = Cm(2.4)
        section.footer_distance = Cm(0.8)
        normal = self.doc.styles["Normal"]
        normal.font.size = Pt(BODY_PT)
        _fonts(normal, BODY_FONT)
        normal.paragraph_format.space_after = Pt(0)
        normal.paragraph_format.space_before = Pt(0)
        if footer:
            paragraph = section.footer.paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            run = paragraph.add_run(footer)
            run.font.size = Pt(8)
            run.font.color.rgb = RGBColor(0x66, 0x66, 0x66)
            _fonts(run, BODY_FONT)

    @property
    def text_width(self) -> int:
        section = self.doc.sections[0]
        return section.page_width - section.left_margin - section.right_margin

    # -- paragraphs ----------------------------------------------------------------------------------
    def attachment(self, label: str) -> None:
        """The form's number as the plan prints it above the title (附件4 …)."""
        self.line([label], font=TITLE_FONT, size=14)

    def title(self, text: str) -> None:
        paragraph = self.line([text], font=TITLE_FONT, size=18, align=WD_ALIGN_PARAGRAPH.CENTER)
        paragraph.paragraph_format.space_before = Pt(4)
        paragraph.paragraph_format.space_after = Pt(12)

    def line(self, parts: Iterable[Part], *, align=None, indent: bool = False, size: float | None = None,  # noqa: ANN001
             font: str | None = None, spacing: float = 1.4, bold: bool = False, after: float = 0, container=None):  # noqa: ANN001
        """One paragraph of text and blanks; ``indent``: the first line indented two characters."""
        paragraph = (container or self.doc).add_paragraph()
        self.fill(paragraph, parts, size=size, font=font, bold=bold)
        fmt = paragraph.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.MULTIPLE
        fmt.line_spacing = spacing
        fmt.space_after = Pt(after)
        if indent:
            fmt.first_line_indent = Pt((size or BODY_PT) * 2)
        if align is not None:
            paragraph.alignment = align
        return paragraph

    def fill(self, paragraph, parts: Iterable[Part], *, size: float | None = None, font: str | None = None,  # noqa: ANN001
             bold: bool = False) -> None:
        for part in parts:
            if isinstance(part, Blank) and part.value:
                paragraph.add_run(" ")  # where the line may break before a value: not underlined, no lone rule at a line's end
            run = paragraph.add_run(part.text()[1:] if isinstance(part, Blank) and part.value else
                                    part.text() if isinstance(part, Blank) else part)
            if isinstance(part, Blank):
                run.font.underline = True
            if size:
                run.font.size = Pt(size)
            if bold:
                run.font.bold = True
            if font:
                _fonts(run, font)

    def space(self, points: float = 12) -> None:
        paragraph = self.doc.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(points)

    def signatures(self, left: list[list[Part]], right: list[list[Part]] | None = None, *,
                   date: bool = True, left_width: float = 0.5, before: float = 18) -> None:
        """The signature block: lines on the left (and right), then the date blank 年 月 日 left for the hand."""
        self.space(before)
        if right is None:  # one signer: from the middle of the line, with the rest of it to sign on
            for parts in left:
                self.line(parts, spacing=2.4).paragraph_format.left_indent = int(self.text_width * 0.52)
        else:
            table = self.doc.add_table(rows=1, cols=2)
            widths = [int(self.text_width * left_width), self.text_width - int(self.text_width * left_width)]
            for cell, width, lines in zip(table.rows[0].cells, widths, (left, right)):
                cell.width = width
                cell.paragraphs[0]._element.getparent().remove(cell.paragraphs[0]._element)
                for parts in lines:  # room to sign between the lines
                    self.line(parts, spacing=2.8, container=cell)
            set_widths(table, widths)
        if date and right is None:
            self.line([date_blank()], spacing=2.4).paragraph_format.left_indent = int(self.text_width * 0.62)
        elif date:
            self.line([date_blank()], spacing=2.0, align=WD_ALIGN_PARAGRAPH.RIGHT).paragraph_format.right_indent = Cm(1)

    # -- tables --------------------------------------------------------------------------------------
    def table(self, rows: int, widths_cm: list[float], *, grid: bool = True):  # noqa: ANN201
        table = self.doc.add_table(rows=rows, cols=len(widths_cm))
        if grid:
            table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        set_widths(table, [Cm(w) for w in widths_cm])
        return table

    def write(self, cell, parts: Iterable[Part], *, align=None, size: float | None = None, spacing: float = 1.15,  # noqa: ANN001
              first: bool = True):
        """Text into a cell: the cell's first paragraph (``first``) or one more."""
        paragraph = cell.paragraphs[0] if first and not cell.paragraphs[0].runs else cell.add_paragraph()
        self.fill(paragraph, parts, size=size)
        paragraph.paragraph_format.line_spacing = spacing
        if align is not None:
            paragraph.alignment = align
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        return paragraph

    def checklist(self, entries: list[tuple[str, bool]], *, columns: int = 2, size: float = 10.5,
                  box_first: bool = False, container=None, width_cm: float | None = None) -> None:  # noqa: ANN001
        """Checkboxes in columns, down each column first: (text with its number, ticked); the box before the
        text (附件4) or after it (附件5), as the seed prints it."""
        per_column = -(-len(entries) // columns)
        width_cm = width_cm or self.text_width / Cm(1)
        if container is None:
            table = self.table(per_column, [width_cm / columns] * columns, grid=False)
        else:
            table = container.add_table(per_column, columns)
            set_widths(table, [Cm(width_cm / columns)] * columns)
        for n, (text, ticked) in enumerate(entries):
            cell = table.cell(n % per_column, n // per_column)
            parts = [box(ticked), text] if box_first else [text, box(ticked)]
            self.write(cell, parts, size=size, spacing=1.0).paragraph_format.left_indent = Pt(size * 1.2) if box_first else None
            if box_first:
                cell.paragraphs[0].paragraph_format.first_line_indent = Pt(-size * 1.2)

    def ruled_lines(self, count: int, text: str | None = None) -> None:
        """Lines to write on (a comment box): a borderless table with rules between its rows."""
        table = self.table(count, [self.text_width / Cm(1)], grid=False)
        rules(table, inner=True)
        for row in table.rows:
            row.height, row.height_rule = Cm(0.95), WD_ROW_HEIGHT_RULE.AT_LEAST
        if text:
            self.write(table.cell(0, 0), [text])

    def qr_code(self, url: str, caption: str, *, size_cm: float = 3.0, before: float = 24) -> None:
        """A QR code that opens ``url`` (segno: error correction M, the quiet zone kept), the URL in small text
        below it and ``caption`` beside it: a borderless two-column table, the code on the left."""
        self.space(before)
        png = BytesIO()
        segno.make(url, error="m", micro=False).save(png, kind="png", scale=10, border=4)
        png.seek(0)
        width = self.text_width
        table = self.doc.add_table(rows=1, cols=2)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        set_widths(table, [int(width * 0.42), width - int(width * 0.42)])
        code, words = table.rows[0].cells
        picture = code.paragraphs[0]
        picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
        picture.add_run().add_picture(png, width=Cm(size_cm), height=Cm(size_cm))
        link = code.add_paragraph()
        link.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = link.add_run(url)
        run.font.size = Pt(7)
        _fonts(run, BODY_FONT)
        self.write(words, [caption], size=10.5, spacing=1.5)

    def bytes(self) -> bytes:
        out = BytesIO()
        self.doc.save(out)
        return out.getvalue()


def date_blank(width: int = 3) -> Blank | str:
    return f"{WIDE_SPACE * width}年{WIDE_SPACE * 2}月{WIDE_SPACE * 2}日"


def set_widths(table, widths: list[int]) -> None:  # noqa: ANN001
    """Column widths that Word and LibreOffice both keep: the grid and every cell."""
    table.autofit = False
    grid = table._tbl.tblGrid
    for column, width in zip(grid.findall(qn("w:gridCol")), widths):
        column.set(qn("w:w"), str(int(width / 635)))  # EMU → twentieths of a point
    for row in table.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = width


def rules(table, *, inner: bool) -> None:  # noqa: ANN001
    """Only horizontal rules: below every row (``inner``) and at the bottom."""
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        drawn = edge == "bottom" or (inner and edge == "insideH")
        element.set(qn("w:val"), "single" if drawn else "nil")
        if drawn:
            element.set(qn("w:sz"), "6")
            element.set(qn("w:color"), "000000")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def row_height(rows, cm: float) -> None:  # noqa: ANN001
    """Every row given at least ``cm`` high."""
    for row in rows:
        row.height, row.height_rule = Cm(cm), WD_ROW_HEIGHT_RULE.AT_LEAST


def header(row) -> None:  # noqa: ANN001
    """A table's heading row, repeated at the top of every page the table runs onto."""
    properties = row._tr.get_or_add_trPr()
    element = OxmlElement("w:tblHeader")
    element.set(qn("w:val"), "true")
    properties.append(element)
