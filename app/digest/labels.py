"""Every sentence a digest says, in French and in English."""

from __future__ import annotations

from dataclasses import dataclass, field


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
    score: str
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


FR = Labels(
    language="fr",
    subject_member="Cotender : {count} nouvel(s) avis pour vous",
    subject_group="Cotender : la semaine du groupe {group}",
    subject_other="Cotender : {what}",
    greeting="Bonjour {name},",
    intro_member="Voici ce qui est nouveau pour vous depuis votre dernier récapitulatif.",
    intro_group="Les nouveaux avis de la semaine qui conviennent au groupe {group}.",
    new_title="Nouveaux avis pour vous",
    closing_title="Bientôt clos (moins de 7 jours)",
    changes_title="Changements sur vos avis",
    steps_title="Vos étapes des prochains jours",
    group_new_title="Nouveaux avis pour le groupe",
    deadline="Date limite : {date}",
    no_deadline="Date limite non publiée",
    value="Montant estimé : {value}",
    lot="Lot {lot} : {title}",
    whole_notice="l'avis entier",
    score="pertinence {score}",
    why="Pourquoi : « {passage} » rejoint « {expertise} »",
    why_cpv="Pourquoi : code CPV {code} ({label}) de votre métier",
    fits="{who} conviennent",
    intentions="Intentions déclarées : {list}",
    no_intentions="Aucune intention déclarée pour l'instant",
    open_notice="Voir l'avis",
    more="… et {count} autre(s) sur votre page",
    role={
        "lead": "pilote",
        "contributor": "contributeur",
        "interested": "intéressé",
        "declined": "décline",
    },
    step_due="{date} : {title} — {notice}",
    unsubscribe="Se désabonner de ces e-mails",
    preferences="Changer la fréquence, le seuil ou la langue",
    footer="Vous recevez ce récapitulatif de Cotender.",
    deadline_earlier="date limite avancée du {old} au {new}",
    deadline_later="date limite reportée du {old} au {new}",
    deadline_set="date limite fixée au {new}",
    deadline_removed="date limite retirée",
    status_now={"cancelled": "avis annulé", "awarded": "avis attribué"},
    lot_added="lot {lot} ajouté : {title}",
    lot_removed="lot {lot} supprimé : {title}",
    lot_renamed="lot {lot} modifié : « {old} » devient « {new} »",
    lot_prefix="lot {lot} : ",
    unsubscribe_page="Ne plus recevoir les récapitulatifs de Cotender ?",
    unsubscribe_button="Me désabonner",
    unsubscribed_page="C'est fait : vous ne recevrez plus ces récapitulatifs.",
    feed_title="Cotender : nouveaux avis pour {name}",
)

EN = Labels(
    language="en",
    subject_member="Cotender: {count} new notice(s) for you",
    subject_group="Cotender: the week of group {group}",
    subject_other="Cotender: {what}",
    greeting="Hello {name},",
    intro_member="Here is what is new for you since your last digest.",
    intro_group="This week's new notices that fit group {group}.",
    new_title="New notices for you",
    closing_title="Closing soon (within 7 days)",
    changes_title="Changes to your notices",
    steps_title="Your steps in the coming days",
    group_new_title="New notices for the group",
    deadline="Deadline: {date}",
    no_deadline="Deadline not published",
    value="Estimated value: {value}",
    lot="Lot {lot}: {title}",
    whole_notice="the whole notice",
    score="relevance {score}",
    why="Why: “{passage}” meets “{expertise}”",
    why_cpv="Why: CPV code {code} ({label}) of your trade",
    fits="{who} fit",
    intentions="Intentions declared: {list}",
    no_intentions="No intention declared yet",
    open_notice="Open the notice",
    more="… and {count} more on your page",
    role={
        "lead": "lead",
        "contributor": "contributor",
        "interested": "interested",
        "declined": "declines",
    },
    step_due="{date}: {title} — {notice}",
    unsubscribe="Unsubscribe from these e-mails",
    preferences="Change frequency, threshold or language",
    footer="You receive this digest from Cotender.",
    deadline_earlier="deadline brought forward from {old} to {new}",
    deadline_later="deadline postponed from {old} to {new}",
    deadline_set="deadline set to {new}",
    deadline_removed="deadline withdrawn",
    status_now={"cancelled": "notice cancelled", "awarded": "notice awarded"},
    lot_added="lot {lot} added: {title}",
    lot_removed="lot {lot} removed: {title}",
    lot_renamed="lot {lot} changed: “{old}” is now “{new}”",
    lot_prefix="lot {lot}: ",
    unsubscribe_page="Stop receiving Cotender digests?",
    unsubscribe_button="Unsubscribe",
    unsubscribed_page="Done: you will not receive these digests any more.",
    feed_title="Cotender: new notices for {name}",
)

_BY_LANGUAGE = {"fr": FR, "en": EN}


def labels_for(language: str) -> Labels:
    """The labels of ``language`` (French for any other)."""
    return _BY_LANGUAGE.get(language, FR)
