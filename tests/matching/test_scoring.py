"""Hybrid scoring on real devset notices: ranking, reasons, filters, lots."""

from __future__ import annotations

import json
import zlib
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from app.matching.batch import MemberEvidence, NoticeBatch, build_batch, build_member
from app.matching.cpv_inference import CpvLabelIndex
from app.matching.filters import apply_filters, departments_of, passes
from app.matching.lexical import BM25Index, notices_index
from app.matching.scoring import Match, ScoringWeights, member_context, rank_notices
from app.matching.sells import notice_buys, proposed_natures
from app.search.embedder import load_embedder
from app.search.units import member_units
from models.member import Member
from models.notice import Lot, Nature, Notice, NoticeStatus
from models.vocabulary.cpv import cpv_labels, shared_depth
from models.vocabulary.text import fold

DEVSET = Path(__file__).resolve().parents[2] / "data" / "devset" / "notices.jsonl"
CONCERTATION = "decp:226600013000162018201902200"  # animation de la concertation citoyenne
ROADWORKS = "decp:21740256900016201818S001300"  # petits travaux d'entretien de voirie
COMMUNICATION = "decp:24380098400029201819000200"  # conseil en communication concertation
IT_TRAINING = "ted:429711-2021"  # formations en informatique (long description)
EXTRA = [
    CONCERTATION,
    ROADWORKS,
    COMMUNICATION,
    "decp:200040566000162019A0300",  # travaux de voirie
    IT_TRAINING,
]
NOW = datetime(2026, 3, 1, tzinfo=UTC)

FACILITATOR_FR = Member(
    id="m-facilitation",
    name="Consultante en participation",
    regions=["59", "62"],
    expertise=[
        "Animation de démarches participatives et de concertation citoyenne.",
        "Conception et animation de réunions publiques, d'ateliers et de débats avec "
        "les habitants.",
        "Assistance à maîtrise d'ouvrage pour associer les usagers aux projets publics.",
    ],
)
FACILITATOR_EN = Member(
    id="m-facilitation-en",
    name="Participation consultant",
    languages=["en"],
    expertise=[
        "Facilitation of citizen participation and public consultation processes.",
        "Design and facilitation of public meetings, workshops and debates with residents.",
        "Project owner assistance to involve service users in public projects.",
    ],
)


class TrigramEmbedder:
    """Cheap deterministic stand-in for a sentence encoder: hashed character trigrams."""

    name = "trigram"
    dimension = 256
    max_tokens = None
    max_chars = 320

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            padded = f"  {fold(text)}  "
            for i in range(len(padded) - 2):
                out[row, zlib.crc32(padded[i : i + 3].encode()) % self.dimension] += 1.0
        unit: np.ndarray = out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)
        return unit


@cache
def _pool() -> tuple[Notice, ...]:
    lines = DEVSET.read_text(encoding="utf-8").splitlines()
    notices = [Notice.model_validate(json.loads(line)) for line in lines[:40]]
    wanted = set(EXTRA)
    notices += [
        Notice.model_validate(json.loads(line))
        for line in lines[40:]
        if json.loads(line)["id"] in wanted
    ]
    assert {n.id for n in notices} >= wanted
    return tuple(notices)


@cache
def _prepared() -> tuple[NoticeBatch, BM25Index]:
    return build_batch(_pool(), TrigramEmbedder()), notices_index(_pool())


def _rank(member: Member, **kwargs: object) -> list[Match]:
    batch, lexical = _prepared()
    evidence = build_member(member, TrigramEmbedder())
    return rank_notices(evidence, batch, lexical, now=NOW, **kwargs)  # type: ignore[arg-type]


def _position(matches: list[Match], notice_id: str) -> int:
    return [m.notice_id for m in matches].index(notice_id)


def test_facilitator_ranks_concertation_first_and_is_not_proposed_roadworks() -> None:
    matches = _rank(FACILITATOR_FR)
    assert _position(matches, CONCERTATION) < 3
    assert _position(matches, CONCERTATION) < _position(matches, IT_TRAINING)
    # Every statement names a service (animation, conception, assistance): no works.
    assert ROADWORKS not in {m.notice_id for m in matches}
    [*_, refused] = apply_filters(
        next(n for n in _pool() if n.id == ROADWORKS),
        include_closed=True,
        now=NOW,
        sells=proposed_natures(FACILITATOR_FR),
    )
    assert (refused.name, refused.passed) == ("sells", False)
    assert refused.detail.startswith("works only")


def test_facilitator_ranks_concertation_above_it_training_across_languages() -> None:
    matches = _rank(FACILITATOR_EN)
    assert _position(matches, CONCERTATION) < _position(matches, IT_TRAINING)


def test_one_match_per_notice_best_first_and_deterministic() -> None:
    matches = _rank(FACILITATOR_FR)
    # Every notice that buys a service, or goods with their installation: a facilitator
    # sells services only.
    buys = {n.id: notice_buys(n) for n in _pool()}
    sellable = [
        n
        for n in _pool()
        if Nature.services in buys[n.id].natures
        or (buys[n.id].installation and buys[n.id].natures == {Nature.supplies})
    ]
    assert 0 < len(sellable) < len(_pool())
    assert {m.notice_id for m in matches} == {n.id for n in sellable}
    assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)
    assert [m.notice_id for m in matches] == [m.notice_id for m in _rank(FACILITATOR_FR)]
    assert len(_rank(FACILITATOR_FR, limit=5)) == 5


def test_reasons_quote_the_notice_and_the_member_truthfully() -> None:
    notices = {n.id: n for n in _pool()}
    labels = cpv_labels()
    units = {u.text for u in member_units(FACILITATOR_FR)}
    encoder = TrigramEmbedder()
    for match in _rank(FACILITATOR_FR, limit=8):
        notice, reasons = notices[match.notice_id], match.reasons
        assert reasons.passages
        for pair in reasons.passages:
            assert pair.passage.notice_id == notice.id
            if pair.passage.kind == "title":
                assert pair.passage.text == notice.title
            elif pair.passage.kind == "description":
                assert pair.passage.text in " ".join(notice.description.split())
            else:
                code = pair.passage.code
                assert code in notice.cpv
                assert pair.passage.text in (labels[code].fr, labels[code].en)
            assert pair.unit.text in units
            pair_vectors = encoder.encode([pair.passage.text.lower(), pair.unit.text])
            if pair.passage.text.isupper():
                assert pair.score == pytest.approx(float(pair_vectors[0] @ pair_vectors[1]))
        for overlap in reasons.cpv:
            assert overlap.notice_code in notice.cpv
            assert overlap.depth == shared_depth(overlap.member_code, overlap.notice_code)
            assert overlap.member_code[: overlap.depth] == overlap.notice_code[: overlap.depth]
        assert [f.name for f in reasons.filters] == ["deadline", "region", "sells"]
        payload = reasons.as_json()
        assert {item["type"] for item in payload} >= {"passage", "filter", "signals"}
        json.dumps(payload)


def test_concertation_match_shows_its_cpv_overlap() -> None:
    match = next(m for m in _rank(FACILITATOR_FR) if m.notice_id == CONCERTATION)
    assert match.reasons.cpv
    assert match.reasons.cpv[0].notice_code == "79416000"


def test_closed_notices_are_excluded_unless_asked() -> None:
    by_id = {n.id: n for n in _pool()}
    # Three notices that buy services, as the facilitator sells.
    closed = by_id[COMMUNICATION].model_copy(update={"status": NoticeStatus.closed})
    past = by_id[IT_TRAINING].model_copy(update={"deadline": NOW - timedelta(days=1)})
    future = by_id[CONCERTATION].model_copy(update={"deadline": NOW + timedelta(days=20)})
    changed = {n.id: n for n in (closed, past, future)}
    notices = [changed.get(n.id, n) for n in _pool()]
    batch = build_batch(notices, TrigramEmbedder())
    evidence = build_member(FACILITATOR_FR, TrigramEmbedder())
    kept = {m.notice_id for m in rank_notices(evidence, batch, notices_index(notices), now=NOW)}
    assert closed.id not in kept and past.id not in kept and future.id in kept
    everything = rank_notices(evidence, batch, notices_index(notices), now=NOW, include_closed=True)
    assert {closed.id, past.id} <= {m.notice_id for m in everything}


def test_region_filter_semantics() -> None:
    notice = _pool()[0]

    def kept(places: list[str], regions: Sequence[str] = ("59", "62")) -> bool:
        located = notice.model_copy(update={"place": places})
        return passes(apply_filters(located, regions=regions, now=NOW))

    assert kept(["59"]) and kept(["FRE12"]) and kept(["FRE1"]) and kept(["FR"])
    assert kept([])  # no place given: kept, and the reason says so
    assert not kept(["75"]) and not kept(["FR101"]) and not kept(["BE100"])
    assert kept(["75"], regions=())  # the member does not restrict regions
    assert kept(["FRZZZ"])  # not comparable: kept
    assert departments_of("FRE2") == {"02", "60", "80"}
    detail = apply_filters(notice, regions=["59"], now=NOW)[1].detail
    assert "no place" in detail


def test_nature_filter_only_when_requested() -> None:
    works = _pool()[1].model_copy(update={"nature": Nature.works})
    assert len(apply_filters(works, now=NOW)) == 1
    assert not passes(apply_filters(works, now=NOW, natures={Nature.services}))
    unknown = _pool()[1]
    assert passes(apply_filters(unknown, now=NOW, natures={Nature.services}))


def test_lots_are_scored_and_the_best_target_is_kept() -> None:
    base = next(n for n in _pool() if n.id == ROADWORKS)
    with_lots = base.model_copy(
        update={
            "title": "Aménagement de la place du marché",
            "cpv": ["45233141"],
            "lots": [
                Lot(id="1", title="Travaux de voirie et réseaux divers", cpv=["45233141"]),
                Lot(
                    id="2",
                    title="Concertation citoyenne et ateliers avec les habitants",
                    cpv=["79416000"],
                ),
            ],
        }
    )
    notices = [*(n for n in _pool() if n.id != ROADWORKS), with_lots]
    batch = build_batch(notices, TrigramEmbedder())
    evidence: MemberEvidence = build_member(FACILITATOR_FR, TrigramEmbedder())
    lexical = notices_index(notices)
    matches = rank_notices(evidence, batch, lexical, now=NOW)
    best = next(m for m in matches if m.notice_id == base.id)
    assert best.lot == "2"
    assert all(p.passage.lot in (None, "2") for p in best.reasons.passages)
    per_lot = [
        m
        for m in rank_notices(evidence, batch, lexical, now=NOW, per_lot=True)
        if m.notice_id == base.id
    ]
    assert [m.lot for m in per_lot][0] == "2"
    assert {m.lot for m in per_lot} == {None, "2"}  # lot 1 buys works: not proposed
    # Declared as selling works too, the member gets lot 1 as well, below lot 2.
    both = build_member(
        FACILITATOR_FR.model_copy(update={"sells": [Nature.services, Nature.works]}),
        TrigramEmbedder(),
    )
    per_lot = [
        m
        for m in rank_notices(both, batch, lexical, now=NOW, per_lot=True)
        if m.notice_id == base.id
    ]
    lot2 = next(m for m in per_lot if m.lot == "2")
    lot1 = next(m for m in per_lot if m.lot == "1")
    assert lot2.score > lot1.score


def test_profile_comes_from_labels_without_notice_feedback() -> None:
    labels = cpv_labels()
    codes = [c for c in labels if c[:2] in {"45", "79", "71"}]
    encoder = TrigramEmbedder()
    index = CpvLabelIndex.build(
        encoder.encode([labels[c].fr for c in codes]),
        encoder.encode([labels[c].en for c in codes]),
        codes,
    )
    batch, lexical = _prepared()
    evidence = build_member(FACILITATOR_FR, encoder)
    only_labels = replace(ScoringWeights(), feedback_notices=0)
    context = member_context(evidence, batch, lexical, only_labels, labels=index)
    nodes = context.profile.codes()
    assert nodes and all(node.code in batch.cpv_nodes.known for node in nodes)
    assert {node.code[:2] for node in nodes} <= {"45", "79", "71"}
    empty = member_context(evidence, batch, lexical, only_labels)
    assert empty.profile.codes() == []
    matches = rank_notices(evidence, batch, lexical, only_labels, context=empty, now=NOW)
    assert all(m.reasons.cpv == () for m in matches)


def test_zero_cpv_weight_leaves_the_cpv_part_out() -> None:
    no_cpv = replace(ScoringWeights(), cpv=0.0)
    for match in _rank(FACILITATOR_FR, weights=no_cpv):
        assert dict(match.reasons.signals)["cpv_part"] == 0.0


@pytest.mark.slow
@pytest.mark.parametrize("member", [FACILITATOR_FR, FACILITATOR_EN], ids=["fr", "en"])
def test_real_encoder_ranks_participation_first(member: Member) -> None:
    encoder = load_embedder("use")
    batch = build_batch(_pool(), encoder)
    matches = rank_notices(build_member(member, encoder), batch, notices_index(_pool()), now=NOW)
    assert _position(matches, CONCERTATION) < 3
    assert _position(matches, CONCERTATION) < _position(matches, IT_TRAINING)
    assert ROADWORKS not in {m.notice_id for m in matches}  # works only


def test_one_notice_scored_with_the_pool_context_keeps_its_pool_score() -> None:
    batch, lexical = _prepared()
    evidence = build_member(FACILITATOR_FR, TrigramEmbedder())
    weights = ScoringWeights()
    context = member_context(evidence, batch, lexical, weights)
    in_pool = next(
        m for m in rank_notices(evidence, batch, lexical, now=NOW) if m.notice_id == CONCERTATION
    )
    alone = build_batch([n for n in _pool() if n.id == CONCERTATION], TrigramEmbedder())
    [single] = rank_notices(evidence, alone, lexical, context=context, now=NOW, per_lot=True)
    assert single.notice_id == CONCERTATION
    assert single.score == pytest.approx(in_pool.score, rel=1e-5)
    assert single.reasons.cpv == in_pool.reasons.cpv
