"""Hypothesis strategies for consortium assembly requests (small, valid, varied)."""

from __future__ import annotations

from hypothesis import strategies as st

from app.consortia import AssemblyRequest, Candidate, Requirement
from models.consortium import IntentionRole
from models.group import GoRule, WorkSharing
from models.member import MemberKind

# Multiples of 0.05 and weights in thousandths: the solver's integer objective is then
# exact, so scores can be compared with a float brute force to 1e-9.
FITS = st.sampled_from([0.0, 0.0, 0.3, 0.45, 0.5, 0.55, 0.6, 0.7, 0.8, 0.85, 0.9, 1.0])
WEIGHTS = st.sampled_from([1.0, 1.0, 2.0, 0.5])
INTENTIONS = st.sampled_from([None, None, None, *IntentionRole])
KINDS = st.sampled_from([MemberKind.cae_member, MemberKind.cae_member, MemberKind.partner])


@st.composite
def assembly_requests(
    draw: st.DrawFn,
    *,
    max_candidates: int = 6,
    max_requirements: int = 6,
    max_team: int = 4,
) -> AssemblyRequest:
    """A valid request: every selected lot has a requirement, ids are unique."""
    n_lots = draw(st.integers(0, 3))
    lots: tuple[str | None, ...] = tuple(f"L{i}" for i in range(1, n_lots + 1)) or (None,)
    n_reqs = draw(st.integers(max(1, n_lots), max(max_requirements, n_lots)))
    notice_wide = n_lots > 0 and draw(st.booleans())
    requirements = []
    for i in range(n_reqs):
        if i < len(lots):
            lot = lots[i]
        elif notice_wide and i == n_reqs - 1:
            lot = None
        else:
            lot = draw(st.sampled_from(lots))
        requirements.append(Requirement(f"r{i}", lot, f"need {i}", draw(WEIGHTS)))
    n_cands = draw(st.integers(2, max_candidates))
    candidates = []
    for i in range(n_cands):
        intention = draw(INTENTIONS)
        scoped = n_lots > 0 and intention is not None and draw(st.booleans())
        intention_lots = (
            tuple(draw(st.lists(st.sampled_from(lots), min_size=1, max_size=2, unique=True)))
            if scoped
            else ()
        )
        candidates.append(
            Candidate(
                member_id=f"m{i}",
                kind=draw(KINDS),
                in_group=draw(st.booleans()),
                intention=intention,
                intention_lots=intention_lots,
                availability_days_per_month=draw(st.sampled_from([None, 8.0, 8.0, 12.0, 0.0])),
                fit={r.id: draw(FITS) for r in requirements},
            )
        )
    return AssemblyRequest(
        requirements=tuple(requirements),
        candidates=tuple(candidates),
        lots=lots,
        max_members=draw(st.integers(1, max_team)),
        work_sharing=WorkSharing(
            max_share_per_member=draw(st.sampled_from([1.0, 1.0, 0.7, 0.5, 0.4])),
            rotate_mandataire=draw(st.booleans()),
        ),
        go_rule=GoRule(
            min_leads=draw(st.integers(0, 1)),
            min_coverage=draw(st.sampled_from([0.5, 0.8, 1.0])),
        ),
        past_mandataire_counts={c.member_id: draw(st.integers(0, 3)) for c in candidates},
        cover_threshold=draw(st.sampled_from([0.5, 0.5, 0.7])),
        max_proposals=draw(st.integers(1, 4)),
    )
