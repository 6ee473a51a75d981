"""The report as DOCX in the format of Decree 30/2020/NĐ-CP (python-docx).

A4; Times New Roman 13–14; margins top/bottom 20 mm, left 30 mm, right 15 mm; issuing body top
left in capitals with the number line under it; the national motto top right with the place and
date in italics under it; title; sections I–V (section II, with the wide tables, on landscape
pages); "Nơi nhận" and the signature block.
"""
from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from flask_babel import gettext as _

from webapp.reports.exports.report import Part, Report
from webapp.reports.totals.tables import Table, format_cell

FONT = "Times New Roman"
MARGINS = {"top": 20, "bottom": 20, "left": 30, "right": 15}
MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_LINE = "Độc lập - Tự do - Hạnh phúc"
HEADER_LEFT, HEADER_RIGHT = 62, 103  # mm; the text width of a portrait page is 210 - 30 - 15 = 165 mm
TEXT_WIDTH = {False: 210 - MARGINS["left"] - MARGINS["right"], True: 297 - MARGINS["left"] - MARGINS["right"]}


def _set_font(element_rpr) -> None:
    """Times New Roman for every script of a run or style."""
    fonts = element_rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        element_rpr.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)


def _page(section, landscape: bool) -> None:
    """A4 with the decree's margins, portrait or landscape."""
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
    for side, millimetres in MARGINS.items():
        setattr(section, f"{side}_margin", Mm(millimetres))


def _run(paragraph, text: str, size: int, bold: bool = False, italic: bool = False):
    """Add a run with explicit font, size and weight."""
    run = paragraph.add_run(text)
    run.font.name = FONT
    _set_font(run._element.get_or_add_rPr())
    run.font.size = Pt(size)
    run.bold, run.italic = bold, italic
    return run


def _para(container, text: str = "", size: int = 14, bold: bool = False, italic: bool = False,
          align=WD_ALIGN_PARAGRAPH.CENTER, indent: bool = False, after: int = 0):
    """A paragraph of one run."""
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(after)
    paragraph.paragraph_format.space_before = Pt(0)
    if indent:
        paragraph.paragraph_format.first_line_indent = Mm(10)
    if text:
        _run(paragraph, text, size, bold, italic)
    return paragraph


def _rule(container, width_mm: float, box_mm: float) -> None:
    """A short centred line (``width_mm`` of a ``box_mm`` wide column) under a heading."""
    paragraph = container.add_paragraph()
    paragraph.paragraph_format.space_after = Pt(2)
    side = max(0.0, (box_mm - width_mm) / 2)
    paragraph.paragraph_format.left_indent = Mm(side)
    paragraph.paragraph_format.right_indent = Mm(side)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)
    paragraph.paragraph_format.line_spacing = Pt(2)


def _widths(table, widths_mm: list[float]) -> None:
    """Fixed column widths (grid and every cell, which Word and LibreOffice both honour)."""
    table.autofit = False
    for column, width in zip(table.columns, widths_mm):
        column.width = Mm(width)
        for cell in column.cells:
            cell.width = Mm(width)


def _no_borders(table) -> None:
    """A layout table without visible borders."""
    properties = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    properties.append(borders)


def _header(document, report: Report, size: int) -> None:
    """Issuing body and number (left), national motto and date line (right)."""
    settings = report.settings
    layout = document.add_table(rows=1, cols=2)
    _no_borders(layout)
    _widths(layout, [HEADER_LEFT, HEADER_RIGHT])
    left, right = layout.rows[0].cells
    first = True
    for line in settings.parent_lines():
        target = left.paragraphs[0] if first else left.add_paragraph()
        target.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(target, line, 13)
        first = False
    for line in settings.issuing_lines():
        target = left.paragraphs[0] if first else left.add_paragraph()
        target.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(target, line, 13, bold=True)
        first = False
    _rule(left, 25, HEADER_LEFT)
    _para(left, report.number_line, 13, after=0)
    right.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(right.paragraphs[0], MOTTO, 13, bold=True)
    _para(right, MOTTO_LINE, 14, bold=True)
    _rule(right, 60, HEADER_RIGHT)
    _para(right, report.date_line, 14, italic=True)


def _table(document, table: Table, size: int, landscape: bool) -> None:
    """A bordered table: bold repeated header, numbers right-aligned, bold total row."""
    _para(document, table.title, size, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT, after=3)
    rows = table.rows + ([table.total] if table.total else [])
    grid = document.add_table(rows=1 + len(rows), cols=len(table.columns))
    grid.style = document.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    width = TEXT_WIDTH[landscape]
    first = min(80.0, width * 0.32) if len(table.columns) > 2 else width / 2
    others = (width - first) / max(1, len(table.columns) - 1)
    _widths(grid, [first] + [others] * (len(table.columns) - 1))
    header = grid.rows[0]
    header_properties = header._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header_properties.append(repeat)
    for cell, column in zip(header.cells, table.columns):
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(cell.paragraphs[0], column.label, size, bold=True)
    for index, row in enumerate(rows, start=1):
        is_total = table.total is not None and index == len(rows)
        for cell, column in zip(grid.rows[index].cells, table.columns):
            paragraph = cell.paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT if column.numeric else WD_ALIGN_PARAGRAPH.LEFT
            _run(paragraph, format_cell(row.get(column.key), column), size, bold=is_total)
    if table.note:
        _para(document, table.note, size, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT, after=6)
    else:
        _para(document, "", 6)


def _part(document, part: Part, size: int) -> None:
    """A numbered section with its paragraphs, sub-headings and tables."""
    heading = _para(document, f"{part.number}. {part.title.upper()}", size, bold=True,
                    align=WD_ALIGN_PARAGRAPH.LEFT, after=6, indent=True)
    heading.paragraph_format.space_before = Pt(6)
    for block in part.blocks:
        if block.type == "heading":
            _para(document, block.text, size, bold=True, align=WD_ALIGN_PARAGRAPH.LEFT, indent=True, after=6)
        elif block.type == "paragraph":
            body = _para(document, block.text, size, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True, after=6)
            body.paragraph_format.line_spacing = 1.15
        else:
            _table(document, block.table, size - 1, part.landscape)


def _signature(document, report: Report, size: int) -> None:
    """"Nơi nhận" (left) and the signature block (right)."""
    settings = report.settings
    layout = document.add_table(rows=1, cols=2)
    _no_borders(layout)
    _widths(layout, [80, 85])
    left, right = layout.rows[0].cells
    _run(left.paragraphs[0], _("Recipients:"), 12, bold=True, italic=True)
    for line in settings.recipient_lines():
        _para(left, line if line.startswith("-") else f"- {line}", 11, align=WD_ALIGN_PARAGRAPH.LEFT)
    right.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    lines = [line for line in (settings.signer_authority, settings.signer_deputy, settings.signer_title) if line]
    _run(right.paragraphs[0], lines[0] if lines else "", size, bold=True)
    for line in lines[1:]:
        _para(right, line, size, bold=True)
    for _blank in range(4):
        _para(right, "", size)
    _para(right, settings.signer_name, size, bold=True)


def build_docx(report: Report) -> bytes:
    """The report as the bytes of a .docx file."""
    size = report.settings.font_size or 14
    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(size)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    _set_font(normal.element.get_or_add_rPr())
    _page(document.sections[0], landscape=False)
    _header(document, report, size)
    _para(document, "", 10)
    title = _para(document, _("REPORT"), size, bold=True)
    title.paragraph_format.space_before = Pt(12)
    _para(document, report.subtitle, size, bold=True)
    if report.scope_note:
        _para(document, report.scope_note, size, italic=True)
    _rule(document, 40, 165)
    for part in report.parts:
        if part.landscape:
            _page(document.add_section(WD_SECTION.NEW_PAGE), landscape=True)
        _part(document, part, size)
        if part.landscape:
            _page(document.add_section(WD_SECTION.NEW_PAGE), landscape=False)
    _para(document, _("Above is the report of %(issuer)s./.", issuer=report_issuer(report)), size,
          align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True, after=6)
    _signature(document, report, size)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def report_issuer(report: Report) -> str:
    """``Ủy ban nhân dân xã Thanh Xá``: who speaks, from the scope's commune or province."""
    owner = report.context.scope.owner
    name = owner.name if owner is not None else report.context.scope.label
    return _("the People's Committee of %(name)s", name=name[:1].lower() + name[1:])
