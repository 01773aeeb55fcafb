"""Changes between what a member was told and the notice as served, in French and English."""

from __future__ import annotations

from datetime import UTC, datetime

from app.digest.changes import describe_changes, snapshot_of
from app.digest.labels import labels_for
from models.notice import Lot, Notice, NoticeStatus

FR, EN = labels_for("fr"), labels_for("en")


def _notice(**changes: object) -> Notice:
    base: dict[str, object] = {
        "id": "boamp:26-0001",
        "title": "Étude de mobilité",
        "deadline": datetime(2027, 1, 15, 22, 59, tzinfo=UTC),  # 23:59 Paris
        "lots": [Lot(id="1", title="Diagnostic"), Lot(id="2", title="Concertation")],
    }
    return Notice.model_validate({**base, **changes})


def test_nothing_changed_says_nothing() -> None:
    assert describe_changes(snapshot_of(_notice()), snapshot_of(_notice()), FR) == []


def test_deadline_brought_forward_and_postponed() -> None:
    earlier = _notice(deadline=datetime(2027, 1, 12, 22, 59, tzinfo=UTC))
    later = _notice(deadline=datetime(2027, 1, 22, 11, 0, tzinfo=UTC))
    told = snapshot_of(_notice())
    assert describe_changes(told, snapshot_of(earlier), FR) == [
        "date limite avancée du 15/01 au 12/01"
    ]
    assert describe_changes(told, snapshot_of(later), EN) == [
        "deadline postponed from 15/01 to 22/01 12:00"
    ]


def test_cancellation_and_lot_changes() -> None:
    changed = _notice(
        status=NoticeStatus.cancelled,
        lots=[Lot(id="1", title="Diagnostic partagé"), Lot(id="3", title="Communication")],
    )
    assert describe_changes(snapshot_of(_notice()), snapshot_of(changed), FR) == [
        "avis annulé",
        "lot 1 modifié : « Diagnostic » devient « Diagnostic partagé »",
        "lot 3 ajouté : Communication",
        "lot 2 supprimé : Concertation",
    ]


def test_a_lot_deadline_moved() -> None:
    lots = [
        Lot(id="1", title="Diagnostic", deadline=datetime(2027, 1, 10, 22, 59, tzinfo=UTC)),
        Lot(id="2", title="Concertation"),
    ]
    moved = [
        lots[0].model_copy(update={"deadline": datetime(2027, 1, 8, 22, 59, tzinfo=UTC)}),
        lots[1],
    ]
    assert describe_changes(
        snapshot_of(_notice(lots=lots)), snapshot_of(_notice(lots=moved)), EN
    ) == ["lot 1: deadline brought forward from 10/01 to 08/01"]
