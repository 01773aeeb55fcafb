"""Render a draft as Markdown (CommonMark with GitHub tables)."""

from __future__ import annotations

from app.drafting import render_common as common
from models.draft import Draft


def render_markdown(draft: Draft) -> str:
    """The draft as one Markdown document, in the draft's language."""
    words = common.headings(draft)
    out: list[str] = [f"# {_inline(common.title(draft))}", ""]
    for label, value in common.metadata(draft):
        shown = f"<{value}>" if value == draft.notice_url else _inline(value)
        out.append(f"- **{label}**{words.colon}{shown}")
    out.append("")
    if draft.warnings:
        out += [f"## {words.warnings}", ""]
        out += [f"- {_inline(warning)}" for warning in draft.warnings]
        out.append("")

    out += [f"## {words.planning}", ""]
    out += _table(common.planning_table(draft))

    out += [f"## {words.team}", ""]
    out += _table(common.team_table(draft))
    out += [f"- {_inline(note)}" for note in draft.legal_form_notes]
    out.append("")

    out += [f"## {words.checklist}", ""]
    out += _table(common.checklist_table(draft))

    out += [f"## {words.memoire}", ""]
    for outline in draft.outline:
        out += [f"### {_inline(common.lot_heading(draft, outline))}", ""]
        out += [f"**{words.need}**{words.colon.rstrip()}", ""]
        out += [f"> {_inline(line)}" if line.strip() else ">" for line in outline.need.split("\n")]
        out += ["", _inline(common.team_line(draft, outline)), ""]
        if outline.value is not None:
            out += [_inline(common.value_text(draft, outline.value)), ""]
        criteria = common.criteria_table(draft, outline)
        if criteria is not None:
            out += [f"**{words.criteria}** — {common.criteria_source_text(draft, outline)}", ""]
            out += _table(criteria)
        for number, section in enumerate(outline.sections, start=1):
            out += [f"#### {number}. {section.title}", "", f"_{_inline(section.guidance)}_", ""]
            for item in section.items:
                who, what = common.item_parts(draft, item)
                out.append(f"- **{_inline(who)}** — {_inline(what)}")
            if section.items:
                out.append("")
    out += [f"### {words.questions}", "", _inline(common.questions_text(draft)), ""]
    out += [f"### {words.gaps}", ""]
    gaps = common.gap_lines(draft)
    out += [f"- {_inline(line)}" for line in gaps] if gaps else [words.no_gaps]
    out.append("")
    return "\n".join(out)


def _table(table: common.Table) -> list[str]:
    lines = [
        "| " + " | ".join(_cell(h) for h in table.headers) + " |",
        "|" + "|".join("---" for _ in table.headers) + "|",
    ]
    lines += ["| " + " | ".join(_cell(cell) for cell in row) + " |" for row in table.rows]
    return [*lines, ""]


def _cell(text: str) -> str:
    return _inline(text).replace("|", "\\|").replace("\n", "<br>")


def _inline(text: str) -> str:
    """Neutralise characters that would start Markdown markup inside running text."""
    escaped = text.replace("\\", "\\\\")
    for char in ("*", "_", "`", "[", "]", "<", ">"):
        escaped = escaped.replace(char, "\\" + char)
    return escaped
