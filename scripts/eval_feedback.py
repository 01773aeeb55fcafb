"""Evaluate matching that learns from feedback, on the devset's judged grades.

    nice -n 10 python scripts/eval_feedback.py [--grid]

For each devset member, the engine as served (store, vector index, engine, USE
model) proposes its list; the judged grades (``data/devset/judged.json``) of its
first 10 notices become the member's feedback (grade ≥ 1 relevant, 0 not
relevant, unjudged: none). Then, against the same judged grades:

- **without feedback**: the next 10, ranks 11–20 of the engine's list;
- **with feedback**: the engine's ranks 11–40 (three times the 10 shown, as
  served) re-ranked by :func:`app.feedback.rerank.rerank`, first 10.

Both are scored by judged nDCG@10 (gain = grade; unjudged counts 0; the ideal
from the member's judged grades outside the 10 given as feedback), per member and
mean, with the judged share of each top 10 (a figure whose share is under 0.9 is a
lower bound). ``--grid`` also prints a few settings of the weights around the
defaults, and the defaults with one kind of feedback only. Last, the cost of the
served path: member matches (limit 20) from the engine alone, then with feedback.
Embeddings are cached as ``scripts/eval_matching.py`` does.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from eval_matching import CACHE, DEVSET, CachedEmbedder, load_members  # noqa: E402

from app.feedback.rerank import FeedbackWeights, NoticeProfile, rerank  # noqa: E402
from app.feedback.service import (  # noqa: E402
    CANDIDATE_FACTOR,
    notice_profiles,
    rerank_for_member,
)
from app.matching.scoring import Match  # noqa: E402
from app.members.feedback_examples import Example  # noqa: E402
from app.search.embedder import load_embedder  # noqa: E402

SHOWN = 10
Grades = dict[str, int]


def ndcg(ranked: Sequence[str], grades: Grades, ideal_pool: Sequence[int]) -> float:
    """Judged nDCG@10 of ``ranked``, the ideal from ``ideal_pool`` (grades)."""
    dcg = sum(grades.get(d, 0) / math.log2(i + 2) for i, d in enumerate(ranked[:SHOWN]))
    ideal = sorted(ideal_pool, reverse=True)[:SHOWN]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg > 0 else 0.0


def judged_share(ranked: Sequence[str], grades: Grades) -> float:
    """Share of the first 10 that the assessors judged."""
    top = ranked[:SHOWN]
    return sum(1 for d in top if d in grades) / len(top) if top else 0.0


def feedback_of(first: Sequence[str], grades: Grades) -> list[Example]:
    """The judged grades of the first notices as the member would mark them."""
    return [
        Example(d, positive=grades[d] >= 1, cause="relevant" if grades[d] >= 1 else "not_relevant")
        for d in first
        if d in grades
    ]


@dataclasses.dataclass
class MemberCase:
    """One member's engine list, feedback and the profiles re-ranking needs."""

    member_id: str
    grades: Grades
    ranked: list[Match]
    examples: list[Example]
    profiles: dict[str, NoticeProfile]

    def without(self) -> list[str]:
        return [m.notice_id for m in self.ranked[SHOWN : 2 * SHOWN]]

    def with_feedback(self, weights: FeedbackWeights, kinds: str = "both") -> list[str]:
        examples = [
            e for e in self.examples if kinds == "both" or e.positive == (kinds == "positive")
        ]
        candidates = self.ranked[SHOWN:]
        ranked = rerank(candidates, examples, self.profiles, limit=SHOWN, weights=weights)
        return [r.match.notice_id for r in ranked]

    def ideal_pool(self) -> list[int]:
        given = {m.notice_id for m in self.ranked[:SHOWN]}
        return [g for d, g in self.grades.items() if d not in given]


def build(folder: Path, cache_dir: Path) -> tuple[list[MemberCase], Callable[[], None]]:
    """Each member's case over the served engine, and a timing of the served path."""
    from app.core.db import create_db_engine, migrate, session_factory
    from app.matching.engine import MatchingEngine
    from app.search.edge_index import EdgeIndex
    from app.search.indexer import Indexer
    from ingest.parse.notice_json import parse_notice_json_line
    from ingest.store import NoticeStore

    judged: dict[str, Grades] = json.loads((DEVSET / "judged.json").read_text(encoding="utf-8"))
    engine = create_db_engine(f"sqlite:///{folder / 'eval.sqlite3'}")
    migrate(engine)
    sessions = session_factory(engine)
    lines = (DEVSET / "notices.jsonl").read_text(encoding="utf-8").splitlines()
    NoticeStore(sessions).apply_batch([parse_notice_json_line(line) for line in lines])
    embedder = CachedEmbedder(load_embedder("use"), cache_dir)
    index = EdgeIndex(folder / "index", int(embedder.inner.dimension))
    Indexer(sessions, index, embedder).sync()
    matching = MatchingEngine(sessions, index, embedder)
    now = datetime.now(UTC)
    print(f"embedder {embedder.inner.name} ({type(embedder.inner).__name__})")
    cases = []
    for member in load_members():
        grades = judged.get(member.id, {})
        ranked = matching.match_member(
            member, now=now, limit=SHOWN + SHOWN * CANDIDATE_FACTOR, include_closed=True
        )
        examples = feedback_of([m.notice_id for m in ranked[:SHOWN]], grades)
        with sessions() as session:
            ids = {m.notice_id for m in ranked}
            profiles = notice_profiles(session, index, ids)
        cases.append(MemberCase(member.id, grades, ranked, examples, profiles))

    def timing() -> None:
        """Served ``limit`` 20: the engine alone, then 3 × 20 candidates + profiles + re-rank."""
        plain, learning = [], []
        members = {m.id: m for m in load_members()}
        for _ in range(3):
            for case in cases:
                member = members[case.member_id]
                start = time.perf_counter()
                matching.match_member(member, now=now, limit=20, include_closed=True)
                plain.append(time.perf_counter() - start)
                start = time.perf_counter()
                candidates = matching.match_member(
                    member, now=now, limit=20 * CANDIDATE_FACTOR, include_closed=True
                )
                with sessions() as session:
                    rerank_for_member(session, index, candidates, case.examples, limit=20)
                learning.append(time.perf_counter() - start)
        for name, values in (("engine alone", plain), ("with feedback", learning)):
            ms = np.percentile(np.asarray(values) * 1000, [50, 95])
            print(f"member matches, limit 20, {name:<14} p50 {ms[0]:.1f} ms, p95 {ms[1]:.1f} ms")

    return cases, timing


def report(
    cases: Sequence[MemberCase],
    weights: FeedbackWeights,
    *,
    per_member: bool,
    kinds: str = "both",
) -> float:
    """Print the figures for ``weights`` (feedback of ``kinds``: both, positive, negative)."""
    rows = []
    for case in cases:
        before, after = case.without(), case.with_feedback(weights, kinds)
        pool = case.ideal_pool()
        rows.append(
            (
                case.member_id,
                len([e for e in case.examples if e.positive]),
                len([e for e in case.examples if not e.positive]),
                ndcg(before, case.grades, pool),
                ndcg(after, case.grades, pool),
                judged_share(before, case.grades),
                judged_share(after, case.grades),
            )
        )
    if per_member:
        print(
            f"{'member':<14} {'+':>3} {'-':>3} {'without':>8} {'with':>8} {'gain':>7} "
            f"{'judged w/o':>10} {'judged with':>11}"
        )
        for member_id, pos, neg, before_v, after_v, share_b, share_a in rows:
            print(
                f"{member_id:<14} {pos:>3} {neg:>3} {before_v:>8.3f} {after_v:>8.3f} "
                f"{after_v - before_v:>+7.3f} {share_b:>10.2f} {share_a:>11.2f}"
            )
    n = len(rows)
    before_m = sum(r[3] for r in rows) / n
    after_m = sum(r[4] for r in rows) / n
    worst = min(r[4] - r[3] for r in rows)
    share_b = sum(r[5] for r in rows) / n
    share_a = sum(r[6] for r in rows) / n
    print(
        f"{'mean':<22} {before_m:>8.3f} {after_m:>8.3f} {after_m - before_m:>+7.3f} "
        f"{share_b:>10.2f} {share_a:>11.2f}   worst member {worst:+.3f}   "
        f"{'' if kinds == 'both' else kinds + ' feedback only, '}{weights}"
    )
    return after_m - before_m


def cross_validated(cases: Sequence[MemberCase]) -> tuple[float, float]:
    """Mean and worst gain when each member's weights are chosen on the 11 others.

    Over 27 settings (contrast 0.25/0.5/0.75 × dense share 0.5/0.7/1 × neighbours
    1/2/3): what choosing the weights on the devset itself costs in optimism.
    """
    grid = [
        FeedbackWeights(contrast=c, dense_share=d, neighbours=k)
        for c in (0.25, 0.5, 0.75)
        for d in (0.5, 0.7, 1.0)
        for k in (1, 2, 3)
    ]
    gains = np.array(
        [
            [
                ndcg(case.with_feedback(w), case.grades, case.ideal_pool())
                - ndcg(case.without(), case.grades, case.ideal_pool())
                for w in grid
            ]
            for case in cases
        ]
    )
    held = [
        gains[i, int(np.argmax(np.delete(gains, i, axis=0).mean(axis=0)))]
        for i in range(len(cases))
    ]
    return float(np.mean(held)), float(min(held))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--grid", action="store_true", help="also a few other weights")
    parser.add_argument("--cache-dir", type=Path, default=CACHE, help="embedding cache")
    args = parser.parse_args()
    started = time.perf_counter()
    cases, timing = build(Path(tempfile.mkdtemp()), args.cache_dir)
    print(
        f"devset: {len(cases)} members; feedback: judged grades of the first {SHOWN} notices; "
        f"judged nDCG@10 of the next {SHOWN} (engine ranks 11-20 without feedback, "
        f"ranks 11-{SHOWN + SHOWN * CANDIDATE_FACTOR} re-ranked with it); "
        f"built in {time.perf_counter() - started:.1f}s\n"
    )
    defaults = FeedbackWeights()
    report(cases, defaults, per_member=True)
    if args.grid:
        print("\nother weights (mean figures only)")
        replace = dataclasses.replace
        for change in (
            {"contrast": 0.25},
            {"contrast": 0.75},
            {"dense_share": 0.5},
            {"dense_share": 1.0},
            {"neighbours": 1},
            {"neighbours": 3},
        ):
            report(cases, replace(defaults, **change), per_member=False)
        mean, worst = cross_validated(cases)
        print(
            f"weights chosen leave-one-member-out among 27: mean gain {mean:+.3f}, "
            f"worst member {worst:+.3f}"
        )
        print("\nthe defaults, one kind of feedback only (the other kind dropped)")
        for kinds in ("negative", "positive"):
            report(cases, defaults, per_member=False, kinds=kinds)
    print()
    timing()
    print(f"\nelapsed {time.perf_counter() - started:.1f}s")


if __name__ == "__main__":
    main()
