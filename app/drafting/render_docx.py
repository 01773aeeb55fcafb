"""Render a draft as a Word document (python-docx, default template).

Real heading styles (``Title``, ``Heading 1`` to ``Heading 4``) so Word's
navigation pane and table of contents work, ``Table Grid`` tables with a bold
header row repeated on each page, the buyer's need in the ``Quote`` style, and
the draft's language as the proofing language (``w:lang`` fr-FR or en-GB). Core
properties carry the draft's ``generated_at`` so two renderings of one draft have
the same metadata.
"""

from __future__ import annotations

from datetime import UTC
from io import BytesIO

import docx
from docx.document import Document as DocxDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from app.core.i18n import BABEL_LOCALES
from app.drafting import render_common as common
from models.draft import Draft

TABLE_STYLE = "Table Grid"


def proofing_language(draft: Draft) -> str:
    """Word's tag for the draft's language: ``fr-FR``, ``en-GB``."""
    return BABEL_LOCALES[draft.language].replace("_", "-")


def render_docx(draft: Draft) -> bytes:
    """The draft as a .docx file."""
    document = docx.Document()
    words = common.headings(draft)
    _set_language(document, proofing_language(draft))
    properties = document.core_properties
    properties.title = common.title(draft)
    properties.subject = draft.notice_id
    properties.author = "Cotender"
    properties.language = proofing_language(draft)
    generated = draft.generated_at.astimezone(UTC).replace(tzinfo=None)
    properties.created = generated
    properties.modified = generated

    document.add_heading(common.title(draft), level=0)
    for label, value in common.metadata(draft):
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{label}{words.colon}").bold = True
        paragraph.add_run(value)
    if draft.warnings:
        document.add_heading(words.warnings, level=1)
        for warning in draft.warnings:
            document.add_paragraph(warning, style="List Bullet")

    document.add_heading(words.planning, level=1)
    _table(document, common.planning_table(draft))

    document.add_heading(words.team, level=1)
    _table(document, common.team_table(draft))
    for note in draft.legal_form_notes:
        document.add_paragraph(note, style="List Bullet")

    document.add_heading(words.checklist, level=1)
    _table(document, common.checklist_table(draft))

    document.add_heading(words.memoire, level=1)
    for outline in draft.outline:
        document.add_heading(common.lot_heading(draft, outline), level=2)
        document.add_paragraph().add_run(f"{words.need}{words.colon.rstrip()}").bold = True
        document.add_paragraph(outline.need, style="Quote")
        document.add_paragraph(common.team_line(draft, outline))
        criteria = common.criteria_table(draft, outline)
        if criteria is not None:
            paragraph = document.add_paragraph()
            paragraph.add_run(f"{words.criteria} — ").bold = True
            paragraph.add_run(common.criteria_source_text(draft, outline))
            _table(document, criteria)
        for number, section in enumerate(outline.sections, start=1):
            document.add_heading(f"{number}. {section.title}", level=3)
            document.add_paragraph().add_run(section.guidance).italic = True
            for item in section.items:
                who, what = common.item_parts(draft, item)
                paragraph = document.add_paragraph(style="List Bullet")
                paragraph.add_run(who).bold = True
                paragraph.add_run(f" — {what}")
    document.add_heading(words.questions, level=2)
    document.add_paragraph(common.questions_text(draft))
    document.add_heading(words.gaps, level=2)
    gaps = common.gap_lines(draft)
    for line in gaps:
        document.add_paragraph(line, style="List Bullet")
    if not gaps:
        document.add_paragraph(words.no_gaps)

    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _table(document: DocxDocument, table: common.Table) -> None:
    grid = document.add_table(rows=1, cols=len(table.headers))
    grid.style = document.styles[TABLE_STYLE]
    header = grid.rows[0]
    for cell, text in zip(header.cells, table.headers, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    # Repeat the header row on every page the table spans (w:tblHeader).
    header_properties = header._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header_properties.append(repeat)
    for row in table.rows:
        for cell, text in zip(grid.add_row().cells, row, strict=True):
            cell.text = text
    document.add_paragraph()


def _set_language(document: DocxDocument, tag: str) -> None:
    """Proof the document in ``tag``'s language: ``w:lang`` on the Normal style's run properties."""
    run_properties = document.styles["Normal"].element.get_or_add_rPr()
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), tag)
    run_properties.append(language)
