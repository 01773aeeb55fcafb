"""Every sentence a digest says, in the recipient's language, from the application's catalogues.

The words are gettext messages of ``app.core.i18n`` (English msgids, French in
``app/locale/fr``), the one translation mechanism the web pages and the drafts
use too; ``{placeholders}`` are filled by ``str.format`` in the templates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from app.core.i18n import LANGUAGES, format_number, supported, translations
from app.matching.strength import strength_label, strength_of


@dataclass(frozen=True)
class Labels:
    """The words of one language (``{placeholders}`` filled by ``str.format``)."""

    language: str
    subject_member: str
    subject_group: str
    subject_other: str
    greeting: str
    intro_member: str
    intro_group: str
    new_title: str
    closing_title: str
    changes_title: str
    steps_title: str
    group_new_title: str
    deadline: str
    no_deadline: str
    value: str
    lot: str
    whole_notice: str
    strength_line: str
    why: str
    why_cpv: str
    fits: str
    intentions: str
    no_intentions: str
    open_notice: str
    more: str
    role: dict[str, str]
    step_due: str
    unsubscribe: str
    preferences: str
    footer: str
    deadline_earlier: str
    deadline_later: str
    deadline_set: str
    deadline_removed: str
    status_now: dict[str, str] = field(default_factory=dict)
    lot_added: str = ""
    lot_removed: str = ""
    lot_renamed: str = ""
    lot_prefix: str = ""
    unsubscribe_page: str = ""
    unsubscribe_button: str = ""
    unsubscribed_page: str = ""
    feed_title: str = ""

    def strength(self, score: float) -> str:
        """How strongly a match fits, in words, with its score ("good match (score 12.3)")."""
        return self.strength_line.format(
            strength=strength_label(strength_of(score), self.language),
            score=format_number(round(score, 2), self.language),
        )


@lru_cache(maxsize=len(LANGUAGES))
def labels_for(language: str) -> Labels:
    """The labels of ``language`` (French for any other)."""
    language = supported(language)
    _ = translations(language).gettext
    return Labels(
        language=language,
        subject_member=_("Cotender: {count} new notice(s) for you"),
        subject_group=_("Cotender: the week of group {group}"),
        subject_other=_("Cotender: {what}"),
        greeting=_("Hello {name},"),
        intro_member=_("Here is what is new for you since your last digest."),
        intro_group=_("This week's new notices that fit group {group}."),
        new_title=_("New notices for you"),
        closing_title=_("Closing soon (within 7 days)"),
        changes_title=_("Changes to your notices"),
        steps_title=_("Your steps in the coming days"),
        group_new_title=_("New notices for the group"),
        deadline=_("Deadline: {date}"),
        no_deadline=_("Deadline not published"),
        value=_("Estimated value: {value}"),
        lot=_("Lot {lot}: {title}"),
        whole_notice=_("the whole notice"),
        strength_line=_("{strength} (score {score})"),
        why=_("Why: “{passage}” meets “{expertise}”"),
        why_cpv=_("Why: CPV code {code} ({label}) of your trade"),
        fits=_("{who} fit"),
        intentions=_("Intentions declared: {list}"),
        no_intentions=_("No intention declared yet"),
        open_notice=_("Open the notice"),
        more=_("… and {count} more on your page"),
        role={
            "lead": _("lead"),
            "contributor": _("contributor"),
            "interested": _("interested"),
            "declined": _("declines"),
        },
        step_due=_("{date}: {title} — {notice}"),
        unsubscribe=_("Unsubscribe from these e-mails"),
        preferences=_("Change frequency, threshold or language"),
        footer=_("You receive this digest from Cotender."),
        deadline_earlier=_("deadline brought forward from {old} to {new}"),
        deadline_later=_("deadline postponed from {old} to {new}"),
        deadline_set=_("deadline set to {new}"),
        deadline_removed=_("deadline withdrawn"),
        status_now={"cancelled": _("notice cancelled"), "awarded": _("notice awarded")},
        lot_added=_("lot {lot} added: {title}"),
        lot_removed=_("lot {lot} removed: {title}"),
        lot_renamed=_("lot {lot} changed: “{old}” is now “{new}”"),
        lot_prefix=_("lot {lot}: "),
        unsubscribe_page=_("Stop receiving Cotender digests?"),
        unsubscribe_button=_("Unsubscribe"),
        unsubscribed_page=_("Done: you will not receive these digests any more."),
        feed_title=_("Cotender: new notices for {name}"),
    )
