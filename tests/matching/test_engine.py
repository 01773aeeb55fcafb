"""The matching engine over a real store and vector index (hashing embedder: mechanics only).

Ranking quality with the real model is measured by ``scripts/eval_matching.py``
and pinned on small real examples in ``test_scoring.py``; here the served path is
checked: candidates, filters, reasons that quote real text, per-lot answers,
search, and a catalog that follows the store.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from sqlalchemy import select

from app.core.config import Settings
from app.matching.batch import build_batch, build_member
from app.matching.engine import YOUNG_COLLECTION_THRESHOLD, MatchingEngine
from app.matching.filters import passes
from app.matching.lexical import notices_index
from app.matching.scoring import member_context, rank_notices, score_targets, target_filters
from app.matching.search import search_notices
from app.members.service import get_member, member_from_row
from app.search.embedder import Embedder
from app.search.units import member_units, text_for_embedding
from app.wiring.background import sync_once
from app.wiring.context import AppContext
from ingest.parse.notice_json import parse_notice_json_line
from ingest.store import NoticeStore
from models.member import Member
from models.notice import Notice
from models.schema import NoticeRow
from tests.utils.data import devset_lines
from tests.utils.people import load_people

NOW = datetime(2026, 11, 26, tzinfo=UTC)


def _store(context: AppContext, lines: list[str]) -> None:
    NoticeStore(context.sessions).apply_batch([parse_notice_json_line(line) for line in lines])


@pytest.fixture
def engine(context: AppContext) -> Iterator[MatchingEngine]:
    load_people(context)
    lines = devset_lines(300)
    open_later = json.loads(lines[0])
    open_later.update(deadline=(NOW + timedelta(days=20)).isoformat())
    open_later["lots"] = [
        {"id": "1", "title": "Animation de la concertation avec les habitants"},
        {"id": "2", "title": "Travaux de voirie et réfection de chaussée"},
    ]
    closed = json.loads(lines[1])
    closed.update(deadline=(NOW - timedelta(days=3)).isoformat())
    _store(context, [json.dumps(open_later), json.dumps(closed), *lines[2:]])
    assert sync_once(context)
    yield context.matching
    context.close()


def _member(context: AppContext, member_id: str) -> Member:
    with context.sessions() as session:
        row = get_member(session=session, member_id=member_id)
        assert row is not None
        return member_from_row(row)


def test_match_member_excludes_closed_unless_asked(
    context: AppContext, engine: MatchingEngine
) -> None:
    member = _member(context, "m-web")
    closed_id = json.loads(devset_lines(2)[1])["id"]
    open_ids = {m.notice_id for m in engine.match_member(member, now=NOW, limit=300)}
    all_ids = {
        m.notice_id for m in engine.match_member(member, now=NOW, limit=300, include_closed=True)
    }
    assert closed_id not in open_ids
    assert closed_id in all_ids or len(all_ids) == 300


def test_reasons_quote_real_passages_and_filters(
    context: AppContext, engine: MatchingEngine
) -> None:
    member = _member(context, "m-web")
    matches = engine.match_member(member, now=NOW, limit=10, include_closed=True)
    assert matches and [m.score for m in matches] == sorted(
        (m.score for m in matches), reverse=True
    )
    documents = {json.loads(line)["id"]: line for line in devset_lines(300)}
    for match in matches:
        reasons = match.reasons.as_json()
        kinds = {reason["type"] for reason in reasons}
        assert {"passage", "filter", "signals"} <= kinds
        for reason in reasons:
            if reason["type"] == "passage" and reason["passage_kind"] != "cpv":
                assert reason["passage"].split()[0] in documents[match.notice_id]
            if reason["type"] == "passage":
                assert reason["expertise"] in " ".join(
                    [*member.expertise, *(f"{r.title}. {r.summary}" for r in member.references)]
                )


def test_match_notice_answers_per_lot(context: AppContext, engine: MatchingEngine) -> None:
    notice_id = json.loads(devset_lines(1)[0])["id"]
    members = [_member(context, m) for m in ("m-studies", "m-web", "m-elec")]
    found = engine.match_notice(notice_id, members, now=NOW)
    assert set(found.lots) == {None, "1", "2"}
    for ranked in found.lots.values():
        assert {member_id for member_id, _ in ranked} <= {"m-studies", "m-web", "m-elec"}


def test_catalog_follows_the_store(context: AppContext, engine: MatchingEngine) -> None:
    before = engine.catalog().version
    _store(context, devset_lines(310)[300:])
    assert sync_once(context)  # indexes the new notices and refreshes the catalog
    assert engine.catalog().version != before
    new_id = json.loads(devset_lines(301)[300])["id"]
    assert new_id in engine.catalog().notice_ids


def test_search_finds_a_notice_by_its_words(engine: MatchingEngine) -> None:
    title = json.loads(devset_lines(6)[5])["title"]
    hits = search_notices(engine, title, now=NOW, limit=5, open_only=False)
    assert json.loads(devset_lines(6)[5])["id"] in [hit.notice_id for hit in hits]


class RecordingEmbedder:
    """An embedder that remembers the texts it was asked to encode."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name = inner.name
        self.dimension = inner.dimension
        self.max_tokens = inner.max_tokens
        self.max_chars = inner.max_chars
        self.texts: list[str] = []

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.texts.extend(texts)
        return self.inner.encode(texts)


@pytest.mark.usefixtures("engine")
def test_notice_vectors_are_read_back_not_embedded_again(context: AppContext) -> None:
    """Passages and the shared CPV labels come from the index; only the member is embedded."""
    recording = RecordingEmbedder(context.embedder)
    fresh = MatchingEngine(context.sessions, context.index, recording)
    member = _member(context, "m-studies")
    matches = fresh.match_member(member, now=NOW, limit=20, include_closed=True)
    assert len(matches) == 20
    units = {text_for_embedding(unit.text) for unit in member_units(member)}
    assert recording.texts and set(recording.texts) <= units


@pytest.mark.usefixtures("engine")
def test_a_new_catalog_s_words_are_embedded_for_search_only_if_new(context: AppContext) -> None:
    recording = RecordingEmbedder(context.embedder)
    fresh = MatchingEngine(context.sessions, context.index, recording)
    before = fresh.catalog().words
    assert recording.texts == []  # no search yet: no word embedded
    fresh.equivalents()
    assert sorted(recording.texts) == sorted({*before.fr, *before.en})
    recording.texts.clear()
    _store(context, devset_lines(600)[300:])
    assert sync_once(context)  # the new notices indexed: their passages are read back
    assert fresh.refresh()
    assert fresh.equivalents() is fresh.equivalents()  # once per catalog
    after = fresh.catalog().words
    new_words = {*after.fr, *after.en} - {*before.fr, *before.en}
    assert len(new_words) > 100  # 300 more notices bring words two of them use
    assert sorted(recording.texts) == sorted(new_words)


CONCERTATION = "decp:226600013000162018201902200"  # animation de la concertation citoyenne
ROADWORKS = "decp:21740256900016201818S001300"  # petits travaux d'entretien de voirie


@pytest.mark.slow
@pytest.mark.parametrize(
    "query",
    [
        "Animation de réunions publiques et concertation avec les habitants",
        "Facilitation of public consultation and workshops with residents",
    ],
    ids=["fr", "en"],
)
def test_search_with_the_real_model_finds_the_concertation_notice(
    settings: Settings, query: str
) -> None:
    """Free-text search as served (store, index, engine) with the default USE model."""
    context = AppContext.open(settings.model_copy(update={"embedder": "use"}))
    wanted = {CONCERTATION, ROADWORKS}
    lines = [line for line in devset_lines(2555) if json.loads(line)["id"] in wanted]
    _store(context, [*devset_lines(60), *lines])
    assert sync_once(context)
    hits = search_notices(context.matching, query, now=NOW, limit=20, open_only=False)
    ranked = [hit.notice_id for hit in hits]
    assert CONCERTATION in ranked[:3]
    assert ROADWORKS not in ranked or ranked.index(CONCERTATION) < ranked.index(ROADWORKS)
    context.close()


def _stored_notices(context: AppContext) -> list[Notice]:
    with context.sessions() as session:
        rows = session.execute(select(NoticeRow.document).order_by(NoticeRow.id)).all()
    return [Notice.model_validate(row.document) for row in rows]


@pytest.mark.parametrize("member_id", ["m-web", "m-studies", "m-clean"])
def test_served_scores_are_the_tuned_scores(
    context: AppContext, engine: MatchingEngine, member_id: str
) -> None:
    """The engine (store, index, candidates) and the tuner's functions give the same numbers.

    The tuner scores the whole pool at once with ``member_context`` and ``score_targets``;
    the engine finds candidates first and reads vectors back from the index (stored as
    float16, hence the tolerance).
    """
    member = _member(context, member_id)
    served = engine.match_member(member, now=NOW, limit=15, include_closed=True)
    notices = _stored_notices(context)
    batch = build_batch(notices, context.embedder)
    lexical = notices_index(notices)
    evidence = build_member(member, context.embedder)
    weights = engine.weights
    tuned_context = member_context(evidence, batch, lexical, weights)
    assert tuned_context.profile == engine.context(member).profile
    scores = score_targets(evidence, batch, lexical, weights, tuned_context)
    eligible = [passes(f) for f in target_filters(batch, evidence, include_closed=True, now=NOW)]
    best: dict[str, float] = {}
    for target, (n, _) in enumerate(batch.targets):
        notice_id = batch.notices[n].id
        if eligible[target]:
            best[notice_id] = max(best.get(notice_id, -np.inf), float(scores.score[target]))
    tuned = sorted(best.items(), key=lambda item: (-item[1], item[0]))[:15]
    assert [m.score for m in served] == pytest.approx([s for _, s in tuned], abs=2e-3)
    assert {m.notice_id for m in served[:10]} <= {notice_id for notice_id, _ in tuned}
    offline = rank_notices(evidence, batch, lexical, weights, now=NOW, include_closed=True)
    assert [m.notice_id for m in offline[:15]] == [notice_id for notice_id, _ in tuned]


def test_a_serving_process_collects_its_young_objects_less_often(settings: Settings) -> None:
    """Opening the context sets the collector's first threshold (the engine's caches make
    every full collection long, see ``YOUNG_COLLECTION_THRESHOLD``); the others stay."""
    before = gc.get_threshold()
    gc.set_threshold(700, *before[1:])
    try:
        AppContext.open(settings).close()
        assert gc.get_threshold() == (YOUNG_COLLECTION_THRESHOLD, *before[1:])
    finally:
        gc.set_threshold(*before)
