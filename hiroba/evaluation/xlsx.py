"""The sheet as an editable workbook, laid out like the Word form hubs used before: one column
of labels and one of text, a row per header field, per goal and per section, bullets kept as
lines inside the cell so the ward can edit and reflow it. Written from the same document data
as the PDF; every string is written as text, never as a formula."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
SHADE = PatternFill("solid", fgColor="E8EEF4")
WRAP = Alignment(wrap_text=True, vertical="top")


def sheet_xlsx(data: dict) -> bytes:
    workbook = Workbook()
    ws = workbook.active
    ws.title = str(data.get("fiscal_year", "sheet"))
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 90
    row = _write(ws, 1, data["form_label"], "", bold=False)
    row = _write(ws, row, data["title"], "", bold=True, merge=True)
    if data.get("draft_mark"):
        row = _write(ws, row, data["draft_mark"], "", bold=True)
    for header in data["header"]:
        row = _write(ws, row, header["label"], _header_text(header), boxed=True)
    row = _write(ws, row + 1, data["results_heading"], "", bold=True, merge=True)
    row = _goals(ws, row, data["goals"])
    row = _write(ws, row + 1, data["next_heading"], "", bold=True, merge=True)
    _goals(ws, row, data["next_goals"])
    workbook.properties.title = data["document_title"]
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _header_text(header: dict) -> str:
    numbered = [f"{n}　{item}" for n, item in enumerate(header["numbered"], start=1)]
    return "\n".join([*header["paragraphs"], *numbered])


def _goals(ws, row: int, goals: list[dict]) -> int:
    for goal in goals:
        row = _write(
            ws, row, f"{goal['marker']} {goal['title']}", "", bold=True, shade=True, merge=True
        )
        for section in goal["sections"]:
            row = _write(ws, row, section["label"], _section_text(section), boxed=True)
    return row


def _section_text(section: dict) -> str:
    out = []
    for theme in section["themes"]:
        if theme["title"]:
            out.append(f"{theme['marker']}{theme['title']}")
        out.extend(f"{section['bullet']}{item}" for item in theme["items"])
    return "\n".join(out)


def _write(
    ws,
    row: int,
    label: str,
    text: str,
    *,
    bold: bool = False,
    boxed: bool = False,
    shade: bool = False,
    merge: bool = False,
) -> int:
    first = ws.cell(row=row, column=1, value=label)
    first.data_type = "s"
    first.font = Font(bold=bold)
    first.alignment = WRAP
    second = ws.cell(row=row, column=2, value=text or None)
    if text:
        second.data_type = "s"
    second.alignment = WRAP
    if merge:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
    for cell in (first, second):
        if boxed or shade:
            cell.border = BOX
        if shade:
            cell.fill = SHADE
    lines = max(1, text.count("\n") + 1 + len(text) // 60)
    ws.row_dimensions[row].height = min(409, 15 * lines)
    return row + 1
