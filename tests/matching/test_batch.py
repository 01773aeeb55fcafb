"""A batch's shortcuts give the numbers of the plain computation, on real devset notices."""

from __future__ import annotations

import numpy as np

from app.matching.batch import MemberEvidence, NoticeBatch, build_batch, build_member
from app.matching.lexical import notices_index
from app.matching.scoring import lexical_scores, unit_maxima
from tests.matching.test_scoring import FACILITATOR_FR, TrigramEmbedder, _pool


def _plain_maxima(batch: NoticeBatch, member: MemberEvidence, *, labels: bool = True) -> np.ndarray:
    """The plain computation: every passage's own vector, every pair visited."""
    vectors = np.vstack([batch.vectors_of([row]) for row in range(len(batch.passages))])
    sims = vectors @ member.vectors.T
    expected = np.full((len(batch.targets), len(member.units)), -1.0, dtype=np.float32)
    for target, passage in zip(batch.pair_target, batch.pair_passage, strict=True):
        if labels or batch.passages[passage].kind != "cpv":
            expected[target] = np.maximum(expected[target], sims[passage])
    return expected


def test_each_units_best_passage_per_target_is_the_plain_maximum() -> None:
    notices = _pool()
    batch = build_batch(notices, TrigramEmbedder())
    member = build_member(FACILITATOR_FR, TrigramEmbedder())
    assert np.allclose(unit_maxima(batch, member), _plain_maxima(batch, member), atol=1e-6)
    # CPV labels repeat across notices: fewer distinct texts than passages.
    assert len(batch.unique_vectors) < len(batch.passages)
    for target in (0, len(batch.targets) - 1):
        rows = batch.target_passages(target)
        assert set(rows) == set(batch.pair_passage[batch.pair_target == target])


def test_without_labels_each_target_reads_only_what_its_buyer_wrote() -> None:
    batch = build_batch(_pool(), TrigramEmbedder())
    member = build_member(FACILITATOR_FR, TrigramEmbedder())
    own = unit_maxima(batch, member, labels=False)
    assert np.allclose(own, _plain_maxima(batch, member, labels=False), atol=1e-6)
    # Labels do count otherwise: somewhere a label is a target's best passage.
    assert (unit_maxima(batch, member) > own + 1e-6).any()


def test_lexical_positions_follow_the_index_asked() -> None:
    notices = _pool()
    batch = build_batch(notices[:10], TrigramEmbedder())
    whole, part = notices_index(notices), notices_index(notices[5:10])
    query = build_member(FACILITATOR_FR, TrigramEmbedder()).query
    for index in (whole, part, whole):  # the kept positions are those of the index asked
        scores = index.scores(query)
        expected = [
            float(scores[index.keys.index(key)]) if key in index else 0.0
            for key in batch.target_keys
        ]
        assert lexical_scores(batch, index, query).tolist() == expected
    # The two indexes give different numbers: a target missing from one scores 0 there.
    absent = [t for t, key in enumerate(batch.target_keys) if key not in part]
    assert absent and lexical_scores(batch, whole, query)[absent].max() > 0
    assert lexical_scores(batch, part, query)[absent].max() == 0
    own = notices_index(notices[:10])
    assert batch.lexical_positions(own) is None  # the index's own order: no look-up
