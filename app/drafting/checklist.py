"""Administrative checklist: the forms the legal form requires, then the group's documents.

Forms by legal form:

- ``cae``: the cooperative is the single candidate. One DC1 and one DC2, the
  cooperative's, signed by its legal representative (the mandataire prepares
  them); the split between members is internal and declared nowhere.
- ``joint`` / ``joint_and_several``: one DC1 for the groupement, naming the
  mandataire and signed by every co-contractor; one DC2 per co-contractor,
  signed by that member.
- every form: a DUME, accepted by buyers instead of DC1/DC2; one DC4 per
  subcontractor, signed by the candidate and the subcontractor.

Forms are listed whatever the group's ``documents`` say (the buyer requires
them, not the group); the group's other documents (mémoire technique, price
schedule) follow in the group's order.

Due dates come from a procedure step, found by keywords in the step's key,
then in its title (accents folded, word prefixes):

============================  ===========================================  =================
document                      keywords                                     fallback
============================  ===========================================  =================
DC1, DC2, DUME, DC4           sign, submit, depot/depos                    last step
memoire_technique             draft, redaction/rediger, memoire, section   forms' step
price_schedule                price, pricing, prix, chiffrage, bpu, dpgf   forms' step
============================  ===========================================  =================

With the sample procedure: forms at ``sign_and_submit``, the mémoire at
``draft_sections`` and the price schedule at ``review`` ("Relecture croisée et
chiffrage"). A group document is owned by the step's owner when that is one
person (``lead``: the first lead; ``mandataire``), else by the mandataire, who
assembles collective work.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from app.drafting.labels import document_title, join_names, translator
from models.consortium import Consortium, LegalForm, TeamRole
from models.draft import ChecklistItem, PlannedStep
from models.group import Document, OwnerRole, Procedure
from models.member import MemberId
from models.vocabulary.text import fold

FORMS = (Document.DC1, Document.DC2, Document.DUME, Document.DC4)

_FORM_KEYWORDS = ("sign", "submit", "depot", "depos")
STEP_KEYWORDS: dict[Document, tuple[str, ...]] = {
    Document.DC1: _FORM_KEYWORDS,
    Document.DC2: _FORM_KEYWORDS,
    Document.DUME: _FORM_KEYWORDS,
    Document.DC4: _FORM_KEYWORDS,
    Document.memoire_technique: ("draft", "redaction", "rediger", "memoire", "section"),
    Document.price_schedule: ("price", "pricing", "prix", "chiffrage", "bpu", "dpgf"),
}


def step_for_document(document: Document, planning: Sequence[PlannedStep]) -> PlannedStep | None:
    """The step a document is due at (see the module docstring for the mapping)."""
    keywords = STEP_KEYWORDS[document]
    for use_title in (False, True):
        for step in planning:
            words = fold(step.title if use_title else step.key.replace("_", " ")).split()
            if any(word.startswith(keyword) for word in words for keyword in keywords):
                return step
    if document in FORMS:
        return planning[-1] if planning else None
    return step_for_document(Document.DC1, planning)


def co_contractors(proposal: Consortium) -> list[MemberId]:
    """Members who are candidates (mandataire first), i.e. everyone but the subcontractors."""
    subs = set(subcontractors(proposal))
    ids = [proposal.mandataire, *(m.member_id for m in proposal.members)]
    return [member for member in dict.fromkeys(ids) if member not in subs]


def subcontractors(proposal: Consortium) -> list[MemberId]:
    """Members declared by DC4: role ``subcontractor`` or listed in ``proposal.subcontractors``."""
    ids = [m.member_id for m in proposal.members if m.role is TeamRole.subcontractor]
    return [m for m in dict.fromkeys([*ids, *proposal.subcontractors]) if m != proposal.mandataire]


def build_checklist(
    *,
    procedure: Procedure,
    proposal: Consortium,
    planning: Sequence[PlannedStep],
    deadline_day: date,
    cooperative: str,
    names: Mapping[str, str],
    language: str = "fr",
) -> list[ChecklistItem]:
    """The documents to produce, each with owner, signatories, due date and a note.

    Titles and notes are written in ``language`` (the draft's).
    """
    _ = translator(language)
    forms_step = step_for_document(Document.DC1, planning)
    forms_due = forms_step.due if forms_step else deadline_day
    forms_key = forms_step.key if forms_step else None
    mandataire = proposal.mandataire

    def form(document: Document, **fields: object) -> ChecklistItem:
        base: dict[str, object] = {
            "id": document.value,
            "document": document,
            "title": document_title(document, language),
            "owner": mandataire,
            "step_key": forms_key,
            "due": forms_due,
        }
        return ChecklistItem.model_validate(base | fields)

    items: list[ChecklistItem] = []
    coop = cooperative or _("the cooperative")
    if proposal.legal_form is LegalForm.cae:
        items.append(
            form(
                Document.DC1,
                signed_by_cooperative=True,
                note=_(
                    "Single candidate: %(coop)s. Signed by its legal representative; no "
                    "groupement to declare, the split of the work is internal."
                )
                % {"coop": coop},
            )
        )
        items.append(
            form(
                Document.DC2,
                id="DC2:cooperative",
                signed_by_cooperative=True,
                note=_(
                    "Capacities of %(coop)s (turnover, staff, means); signed by its legal "
                    "representative."
                )
                % {"coop": coop},
            )
        )
        items.append(
            form(
                Document.DUME,
                signed_by_cooperative=True,
                alternative_to=[Document.DC1, Document.DC2],
                note=_("The DUME of %(coop)s can replace the DC1 and the DC2.") % {"coop": coop},
            )
        )
    else:
        members = co_contractors(proposal)
        mandataire_name = names.get(mandataire, mandataire)
        if proposal.legal_form is LegalForm.joint_and_several:
            note = _(
                "One DC1 for the joint and several groupement; it names %(mandataire)s as "
                "mandataire and is signed by every co-contractor (or by the mandataire they "
                "empowered). Each member is committed to the whole contract."
            )
        else:
            note = _(
                "One DC1 for the joint groupement; it names %(mandataire)s as mandataire and "
                "is signed by every co-contractor (or by the mandataire they empowered)."
            )
        note %= {"mandataire": mandataire_name}
        items.append(form(Document.DC1, signatories=members, note=note))
        for member in members:
            items.append(
                form(
                    Document.DC2,
                    id=f"DC2:{member}",
                    owner=member,
                    signatories=[member],
                    for_member=member,
                    note=_("For %(name)s: professional, technical and financial capacities.")
                    % {"name": names.get(member, member)},
                )
            )
        items.append(
            form(
                Document.DUME,
                signatories=members,
                alternative_to=[Document.DC1, Document.DC2],
                note=_(
                    "One DUME per member of the groupement, accepted instead of the DC1 and "
                    "the DC2s."
                ),
            )
        )
    for sub in subcontractors(proposal):
        signers = [sub] if proposal.legal_form is LegalForm.cae else [mandataire, sub]
        items.append(
            form(
                Document.DC4,
                id=f"DC4:{sub}",
                signatories=signers,
                signed_by_cooperative=proposal.legal_form is LegalForm.cae,
                for_member=sub,
                note=_(
                    "Subcontracting declared for %(name)s: acceptance of the subcontractor and "
                    "approval of its payment terms, signed by the candidate and the "
                    "subcontractor."
                )
                % {"name": names.get(sub, sub)},
            )
        )
    for document in dict.fromkeys(procedure.documents):
        if document in FORMS:
            continue
        items.append(
            _group_document(document, planning, proposal, forms_due, forms_key, names, language)
        )
    return items


def _group_document(
    document: Document,
    planning: Sequence[PlannedStep],
    proposal: Consortium,
    forms_due: date,
    forms_key: str | None,
    names: Mapping[str, str],
    language: str,
) -> ChecklistItem:
    _ = translator(language)
    step = step_for_document(document, planning)
    owner = proposal.mandataire
    if step and step.owners and step.owner_role in (OwnerRole.lead, OwnerRole.mandataire):
        owner = step.owners[0]
    note = ""
    if document is Document.memoire_technique:
        note = _("Outline proposed in the “Technical proposal” part.")
    elif document is Document.price_schedule and proposal.legal_form is LegalForm.joint:
        people = join_names([names.get(m, m) for m in co_contractors(proposal)], language)
        note = _("Joint groupement: prices split by co-contractor (%(people)s).") % {
            "people": people
        }
    return ChecklistItem(
        id=document.value,
        document=document,
        title=document_title(document, language),
        owner=owner,
        step_key=step.key if step else forms_key,
        due=step.due if step else forms_due,
        note=note,
    )
