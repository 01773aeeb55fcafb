"""What a member sells and what a notice buys (real devset members and notice titles)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from app.matching.filters import apply_filters
from app.matching.sells import member_sells, notice_buys, proposed_natures, sold_codes
from models.member import Member
from models.notice import Lot, Nature, Notice

DEVSET = Path(__file__).resolve().parents[2] / "data" / "devset"
NOW = datetime(2026, 12, 1, tzinfo=UTC)


def _members() -> dict[str, Member]:
    raw = yaml.safe_load((DEVSET / "members.yaml").read_text(encoding="utf-8"))
    return {m["id"]: Member.model_validate(m) for m in raw}


def _notice(title: str, codes: list[str], **extra: object) -> Notice:
    return Notice.model_validate({"id": "decp:1", "title": title, "cpv": codes, **extra})


def test_devset_members_stay_valid_and_their_sales_are_inferred() -> None:
    members = _members()
    assert all(m.sells is None for m in members.values())  # none declared in the file
    assert Nature.supplies in member_sells(members["m-print"])  # "impression ... de documents"
    assert Nature.supplies not in member_sells(members["m-web"])
    assert Nature.supplies not in member_sells(members["m-clean"])  # "avec des produits": a means
    assert Nature.works in member_sells(members["m-elec"])  # "installation ... de réseaux"


def test_declared_sales_win_and_bad_values_are_refused() -> None:
    web = _members()["m-web"]
    declared = web.model_copy(update={"sells": [Nature.services, Nature.supplies]})
    assert member_sells(declared) == {Nature.services, Nature.supplies}
    with pytest.raises(ValidationError, match="sells"):
        Member.model_validate({**web.model_dump(), "sells": ["goods"]})


@pytest.mark.parametrize(
    ("title", "codes", "supplies_only", "installation"),
    [
        ("Fourniture et livraison de peinture pour les services", ["44810000"], True, False),
        ("Fourniture de produits d'entretien et d'hygiène", ["39830000"], True, False),
        ("Fourniture et pose de clôtures et portails", ["34928200"], False, True),
        ("ACQUISITION ET MISE EN PLACE DES TRIBUNES REPLIABLES", ["37535280"], False, True),
        ("Préparation et fourniture de repas en liaison froide", ["15894200"], False, False),
        ("Travaux de peinture dans les bâtiments communaux", ["45442100"], False, False),
    ],
)  # fmt: skip
def test_what_a_notice_buys(
    title: str, codes: list[str], supplies_only: bool, installation: bool
) -> None:
    buys = notice_buys(_notice(title, codes))
    assert buys.supplies_only is supplies_only
    assert buys.installation is installation


def test_the_sells_filter_says_why() -> None:
    painter = Member(id="m-painter", name="Peintre", expertise=["Peintre en bâtiment."])
    sells = proposed_natures(painter)
    supply = _notice("Fourniture de peintures pour 2019 & 2020", ["44810000"])
    [*_, refused] = apply_filters(supply, include_closed=True, now=NOW, sells=sells)
    assert (refused.name, refused.passed) == ("sells", False)
    assert "supplies only" in refused.detail
    laid = _notice("Fourniture et pose de revêtements de sols", ["44112200"])
    [*_, kept] = apply_filters(laid, include_closed=True, now=NOW, sells=sells)
    assert kept.passed and "installation, laying or maintenance" in kept.detail


def test_a_lot_buys_by_its_own_codes_and_words() -> None:
    notice = _notice(
        "Réhabilitation de l'école (3 lots)",
        ["45000000"],
        lots=[Lot(id="1", title="Fourniture de mobilier scolaire", cpv=["39160000"])],
    )
    assert notice_buys(notice, "1").supplies_only
    assert not notice_buys(notice).supplies_only


def test_codes_of_goods_enter_only_a_supplier_s_profile() -> None:
    evidence = [("48441000", 1.0), ("79212000", 0.5), ("45321000", 0.33), ("03000000", 0.25)]
    inferred = sold_codes(evidence, {Nature.services, Nature.works})
    assert inferred == [("79212000", 0.5), ("45321000", 0.33)]  # software and goods left out
    assert sold_codes(evidence, {Nature.services}) == [("79212000", 0.5)]  # no works
    assert sold_codes(evidence, set(Nature)) == evidence


def test_works_are_read_from_statements_that_name_no_intellectual_service() -> None:
    auditor = Member(
        id="m-energy",
        name="Auditrice énergétique",
        expertise=[
            "Audits énergétiques des bâtiments publics, bilans carbone.",
            "Accompagnement des collectivités à la rénovation thermique.",
        ],
    )
    works = _notice("Travaux de rénovation thermique du groupe scolaire", ["45321000"])
    # Each statement names its service (an audit, support): works it is about are not sold.
    assert proposed_natures(auditor) == {Nature.services}
    [*_, refused] = apply_filters(
        works, include_closed=True, now=NOW, sells=proposed_natures(auditor)
    )
    assert (refused.name, refused.passed) == ("sells", False)
    assert (
        refused.detail == "works only: the member sells none (declared, or read from their words)"
    )
    # A statement that names no service may be works: assumed, as for a landscaper.
    hands_on = auditor.model_copy(
        update={"expertise": [*auditor.expertise, "Isolation des combles."]}
    )
    assert Nature.works in proposed_natures(hands_on)
    [*_, kept] = apply_filters(
        works, include_closed=True, now=NOW, sells=proposed_natures(hands_on)
    )
    assert kept.passed
    declared = auditor.model_copy(update={"sells": [Nature.services, Nature.works]})
    assert Nature.works in proposed_natures(declared)
    members = _members()
    # The assessors graded every works-only notice 0 for these (judged.json).
    for member in ("m-archi", "m-studies", "m-social", "m-legal", "m-training"):
        assert Nature.works not in proposed_natures(members[member]), member
    for member in ("m-elec", "m-green"):  # works graded 2 for them
        assert Nature.works in proposed_natures(members[member]), member
    study = _notice("Audit énergétique des bâtiments communaux", ["71314300"])
    [*_, service] = apply_filters(study, include_closed=True, now=NOW, sells={Nature.services})
    assert service.passed
    # A supplier who declared only supplies is still proposed services (printing is one).
    assert proposed_natures(declared.model_copy(update={"sells": [Nature.supplies]})) == {
        Nature.services,
        Nature.supplies,
    }
