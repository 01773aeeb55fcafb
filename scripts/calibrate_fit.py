"""Calibrate the fit curve of ``app.consortia.fits`` for one embedder, on the development set.

    python scripts/calibrate_fit.py [--embedder use|hashing|sentence-transformers:<name>]

For every devset member and every requirement of every devset notice (as
``fits.notice_requirements`` builds them), the best cosine with the member's
expertise units (``fits.max_cosines``, exactly what the API computes). Each pair
takes its notice's grade from ``qrels.json``: 2 core trade, 1 related, absent
unrelated. A class-balanced logistic regression of core (1) against unrelated (0)
on the cosine gives ``FitCalibration(midpoint, slope)``: the fit is then 0.5 where
a core pair and an unrelated pair are equally likely, whatever their base rates.
Related pairs are left out of the fit and reported.

Printed: the constants, and the figures the comment in ``fits.py`` quotes (share
of core pairs with fit >= 0.5, of unrelated pairs with fit < 0.3, median fits), for
the new constants and for the ones in ``fits.CALIBRATIONS`` now.

Embeddings are cached under ``var/cache/matching/`` (shared with
``eval_matching.py``, keyed by embedder name and text); the hashing embedder is not
cached (it is cheaper to recompute).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from eval_matching import (  # noqa: E402
    CACHE,
    CachedEmbedder,
    load_members,
    load_notices,
    load_qrels,
)

from app.consortia.fits import (  # noqa: E402
    CALIBRATIONS,
    FitCalibration,
    max_cosines,
    notice_requirements,
)
from app.search.embedder import load_embedder  # noqa: E402
from app.search.units import member_units  # noqa: E402

NEWTON_STEPS = 100


def balanced_logistic(cosines: np.ndarray, labels: np.ndarray) -> FitCalibration:
    """Logistic regression of ``labels`` on ``cosines``, each class weighing one half."""
    weights = np.where(labels == 1, 0.5 / labels.sum(), 0.5 / (1 - labels).sum())
    a, b = 0.0, 0.0
    for _ in range(NEWTON_STEPS):
        p = 1.0 / (1.0 + np.exp(-(a + b * cosines)))
        r, s = weights * (p - labels), weights * p * (1 - p)
        gradient = np.array([r.sum(), (r * cosines).sum()])
        hessian = np.array(
            [[s.sum(), (s * cosines).sum()], [(s * cosines).sum(), (s * cosines**2).sum()]]
        )
        step = np.linalg.solve(hessian, gradient)
        a, b = a - step[0], b - step[1]
        if np.abs(step).max() < 1e-10:
            break
    return FitCalibration(midpoint=round(-a / b, 4), slope=round(b, 2))


def report(name: str, calibration: FitCalibration, by_grade: dict[int, np.ndarray]) -> None:
    core, related, unrelated = (calibration(by_grade[g]) for g in (2, 1, 0))
    print(
        f"{name}: midpoint {calibration.midpoint}, slope {calibration.slope}\n"
        f"  core      n={len(core):>7,}  fit >= 0.5: {np.mean(core >= 0.5):.0%}  "
        f"median {np.median(core):.2f}\n"
        f"  related   n={len(related):>7,}  fit >= 0.5: {np.mean(related >= 0.5):.0%}  "
        f"median {np.median(related):.2f}\n"
        f"  unrelated n={len(unrelated):>7,}  fit <  0.3: {np.mean(unrelated < 0.3):.0%}  "
        f"median {np.median(unrelated):.2f}  fit >= 0.5: {np.mean(unrelated >= 0.5):.0%}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--embedder", default="use", help="an embedder spec (default: use)")
    parser.add_argument("--cache-dir", type=Path, default=CACHE, help="embedding cache")
    args = parser.parse_args()
    start = time.perf_counter()
    notices, members, qrels = load_notices(), load_members(), load_qrels()
    embedder = load_embedder(args.embedder)
    encoder = embedder if embedder.name.startswith("hashing") else CachedEmbedder(embedder)
    requirements = []
    owners: list[str] = []
    for notice in notices:
        found = notice_requirements(notice)
        requirements.extend(found)
        owners.extend([notice.id] * len(found))
    units = {member.id: member_units(member) for member in members}
    cosines = max_cosines(requirements, units, encoder)
    by_grade: dict[int, list[np.ndarray]] = {0: [], 1: [], 2: []}
    for member_id, values in cosines.items():
        grades = np.asarray([qrels.get(member_id, {}).get(n, 0) for n in owners])
        for grade, bucket in by_grade.items():
            bucket.append(values[grades == grade])
    pooled = {grade: np.concatenate(parts) for grade, parts in by_grade.items()}
    print(
        f"{len(notices):,} notices, {len(requirements):,} requirements, {len(members)} members, "
        f"embedder {embedder.name}, {time.perf_counter() - start:.1f} s"
    )
    cos = np.concatenate([pooled[2], pooled[0]])
    labels = np.concatenate([np.ones(len(pooled[2])), np.zeros(len(pooled[0]))])
    fitted = balanced_logistic(cos, labels)
    report("fitted", fitted, pooled)
    current = CALIBRATIONS.get(embedder.name)
    if current is None:
        print(f"fits.CALIBRATIONS has no row for {embedder.name!r}: add the fitted one.")
    elif current == fitted:
        print("fits.CALIBRATIONS already holds these constants.")
    else:
        report("in fits.py", current, pooled)
        print("fits.CALIBRATIONS differs: update it (and its comment) if the change is wanted.")


if __name__ == "__main__":
    main()
