"""A draft is written in one language: every fixed text of its Markdown, DOCX and ICS.

The fixed texts are the catalogue messages the drafting code uses (extracted from the
code itself, so a new text is checked as soon as it is written): a French draft must
contain none of their English wordings, an English draft none of their French ones.
Only the wordings found in one language alone are checked (``Mandataire`` or ``DC1``
read the same in both), and the data a draft quotes (the group's step titles, the
buyer's need, the members' statements) is left out: it is in the language it was written in.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from io import BytesIO
from pathlib import Path

import docx
import pytest
from babel.messages.extract import extract_from_dir

from app.core.i18n import translations
from app.drafting.assemble import build_draft
from app.drafting.render_docx import render_docx
from app.drafting.render_ics import render_ics
from app.drafting.render_markdown import render_markdown
from models.draft import Draft
from models.group import Group
from models.member import Member
from models.notice import Notice
from tests.drafting.conftest import NOW, ProposalFactory

APP = Path(__file__).resolve().parents[2] / "app"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2)}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def _drafting_messages() -> Iterator[tuple[str, ...]]:
    """Every msgid (singular and plural) of the code a draft's texts come from."""
    for folder in ("drafting", "consortia", "core"):
        methods = [("**.py", "python")]
        for *_, message, _comments, _context in extract_from_dir(
            APP / folder, methods, keywords=KEYWORDS
        ):
            yield message if isinstance(message, tuple) else (message,)


def _fragments(text: str) -> set[str]:
    """The fixed pieces of a message between its placeholders, long enough to be telling."""
    pieces = (piece.strip(" .:;,()") for piece in PLACEHOLDER.split(text))
    return {piece for piece in pieces if len(piece) >= 6 and re.search("[A-Za-z]", piece)}


def _wordings() -> tuple[set[str], set[str]]:
    """(English fragments absent from French, French fragments absent from English)."""
    french = translations("fr")
    english_only: set[str] = set()
    french_only: set[str] = set()
    for message in _drafting_messages():
        if len(message) == 2:
            said = {french.ngettext(message[0], message[1], n) for n in (1, 2)}
        else:
            said = {french.gettext(message[0])}
        english = set().union(*(_fragments(m) for m in message))
        in_french = set().union(*(_fragments(s) for s in said))
        english_only |= english
        french_only |= in_french
    all_french = "\n".join(french_only)
    all_english = "\n".join(english_only)
    return (
        {f for f in english_only if f not in all_french},
        {f for f in french_only if f not in all_english},
    )


def _docx_text(draft: Draft) -> str:
    document = docx.Document(BytesIO(render_docx(draft)))
    texts = [p.text for p in document.paragraphs]
    texts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(texts)


def _renderings(draft: Draft) -> dict[str, str]:
    """The three formats' texts, without the data the draft quotes (step titles, needs…)."""
    ics = render_ics(draft).decode("utf-8").replace("\r\n ", "").replace("\\,", ",")
    texts = {"markdown": render_markdown(draft), "docx": _docx_text(draft), "ics": ics}
    quoted = [draft.notice_title, *(step.title for step in draft.planning)]
    quoted += [outline.need for outline in draft.outline] + [gap.requirement for gap in draft.gaps]
    quoted += [item.text for o in draft.outline for section in o.sections for item in section.items]
    for name, text in texts.items():
        for data in sorted(quoted, key=len, reverse=True):
            text = text.replace(data, "")
        texts[name] = text
    return texts


def _draft(
    language: str,
    notice: Notice,
    group: Group,
    members: dict[str, Member],
    make_proposal: ProposalFactory,
    legal_form: str,
) -> Draft:
    """A draft that says much: no declared lead, a weak lot, a subcontractor, past steps."""
    subcontractor = "m-legal"
    proposal = make_proposal(
        legal_form,
        members=[
            {"member_id": "m-studies", "role": "mandataire", "lots": ["1"], "share": 0.7},
            {"member_id": "m-comm", "role": "cotraitant", "lots": ["2"], "share": 0.2},
            {"member_id": subcontractor, "role": "subcontractor", "lots": ["1"], "share": 0.1},
        ],
        subcontractors=[subcontractor],
        coverage_by_lot={"1": 1.0, "2": 0.6},
        go_no_go={"go": False, "reasons": ["Fail: 0 declared lead(s) in the team, 1 required."]},
    )
    return build_draft(
        notice=notice,
        group=group,
        members=members,
        proposal=proposal,
        today=date(2026, 12, 28),  # the first steps are past; the questions step is not
        now=NOW,
        language=language,
    )


@pytest.mark.parametrize("legal_form", ["joint", "joint_and_several", "cae"])
def test_a_french_draft_has_no_english_fixed_text(
    notice: Notice,
    group: Group,
    members: dict[str, Member],
    make_proposal: ProposalFactory,
    legal_form: str,
) -> None:
    draft = _draft("fr", notice, group, members, make_proposal, legal_form)
    english, _ = _wordings()
    assert len(english) > 100  # the check covers the drafting texts, not a handful
    for name, text in _renderings(draft).items():
        found = sorted(fragment for fragment in english if fragment in text)
        assert found == [], f"English in the French {name}"
    markdown, document = render_markdown(draft), _docx_text(draft)
    # The go/no-go verdict, said in French from the group's rule (not the English reasons);
    # Markdown escapes "<" in running text, Word shows it as it is.
    assert "Non : 0 pilote déclaré dans l'équipe, 1 requis." in document
    assert "Oui : couverture du lot 1 de 100\u00a0% ≥ 80\u00a0% requis." in document
    assert "Non : couverture du lot 2 de 60\u00a0% < 80\u00a0% requis (20 points de moins)." in (
        document
    )
    assert "lot 2 de 60\u00a0% \\< 80\u00a0% requis" in markdown
    assert "lundi 21/12/2026" in markdown  # dates with French weekday names
    assert "Date limite de remise des offres" in document


@pytest.mark.parametrize("legal_form", ["joint", "joint_and_several", "cae"])
def test_an_english_draft_is_in_english(
    notice: Notice,
    group: Group,
    members: dict[str, Member],
    make_proposal: ProposalFactory,
    legal_form: str,
) -> None:
    draft = _draft("en", notice, group, members, make_proposal, legal_form)
    assert draft.language == "en"
    _, french = _wordings()
    assert len(french) > 100
    for name, text in _renderings(draft).items():
        found = sorted(fragment for fragment in french if fragment in text)
        assert found == [], f"French in the English {name}"
    markdown = render_markdown(draft)
    assert markdown.startswith(f"# Draft response — {draft.notice_title}")
    assert "Fail: 0 declared lead(s) in the team, 1 required." in markdown
    assert "Fail: lot 2 coverage 60% < 80% required (20 points short)." in _docx_text(draft)
    assert "Monday 21/12/2026" in markdown
    assert "- **Deadline for tenders**: Friday 15/01/2027 at 12:00 (Paris time)" in markdown


def test_the_docx_is_proofed_in_the_draft_language(
    notice: Notice, group: Group, members: dict[str, Member], make_proposal: ProposalFactory
) -> None:
    for language, tag in (("fr", "fr-FR"), ("en", "en-GB")):
        draft = _draft(language, notice, group, members, make_proposal, "joint")
        document = docx.Document(BytesIO(render_docx(draft)))
        assert document.core_properties.language == tag
        normal = document.styles["Normal"].element.rPr
        assert normal is not None
        languages = normal.findall(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}lang"
        )
        assert [
            element.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}val")
            for element in languages
        ] == [tag]


def test_the_calendar_says_the_draft_language(
    notice: Notice, group: Group, members: dict[str, Member], make_proposal: ProposalFactory
) -> None:
    english = render_ics(_draft("en", notice, group, members, make_proposal, "joint")).decode()
    french = render_ics(_draft("fr", notice, group, members, make_proposal, "joint")).decode()
    assert "PRODID:-//Cotender//Brouillon de reponse//EN" in english
    assert "X-WR-CALNAME:Response — " in english and "SUMMARY:D-21 · " in english
    assert "X-WR-CALNAME:Réponse — " in french and "SUMMARY:J-21 · " in french
