"""CPV profiles: inference from labels and notices, overlap by shared depth."""

from __future__ import annotations

import zlib

import numpy as np
import pytest

from app.matching.cpv_inference import (
    CpvLabelIndex,
    CpvNodeIndex,
    ancestors,
    infer_profile,
    notice_evidence,
)
from models.vocabulary.cpv import cpv_labels, shared_depth
from models.vocabulary.text import fold


def _trigram_vectors(texts: list[str], dim: int = 256) -> np.ndarray:
    out = np.zeros((len(texts), dim), dtype=np.float32)
    for row, text in enumerate(texts):
        padded = f"  {fold(text)}  "
        for i in range(len(padded) - 2):
            out[row, zlib.crc32(padded[i : i + 3].encode()) % dim] += 1.0
    unit: np.ndarray = out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)
    return unit


def test_ancestors_skip_levels_whose_digit_is_zero() -> None:
    assert ancestors("45101000") == [(2, "45000000"), (3, "45100000"), (5, "45101000")]
    assert ancestors("79311000") == [
        (2, "79000000"),
        (3, "79300000"),
        (4, "79310000"),
        (5, "79311000"),
    ]
    assert ancestors("79000000") == [(2, "79000000")]


def test_profile_from_notices_overlaps_at_the_shared_depth() -> None:
    profile = infer_profile(
        notices=notice_evidence([("79311000",), ("79315000",), ("45233141",)], top=2)
    )
    assert profile.levels[4] == {"79310000": 1.0}
    assert "45000000" not in profile.levels[2]
    score, overlaps = profile.overlap(["79311200", "79000000"], (1.0, 1.0, 1.0, 1.0))
    assert [o.depth for o in overlaps] == [5, 4, 3, 2]
    for overlap in overlaps:
        assert overlap.depth == shared_depth(overlap.member_code, overlap.notice_code)
        assert overlap.notice_code in ("79311200", "79000000")
    assert score == pytest.approx(sum(o.confidence for o in overlaps))
    assert profile.overlap(["45233141"], (1.0, 1.0, 1.0, 1.0)) == (0.0, [])


def test_declared_codes_are_certain_at_every_level() -> None:
    profile = infer_profile(declared=["71221000"])
    assert [c.code for c in profile.codes()] == ["71221000", "71220000", "71200000", "71000000"]
    assert all(c.confidence == 1.0 for c in profile.codes())


def test_label_share_mixes_label_and_notice_evidence() -> None:
    profile = infer_profile(
        labels=[("80530000", 1.0)], notices=[("79311000", 1.0)], label_share=0.25
    )
    assert profile.levels[2] == {"80000000": 0.25, "79000000": 0.75}


def test_secondary_codes_count_less_than_the_main_code() -> None:
    profile = infer_profile(notices=[("79416000", 1.0)])
    main, _ = profile.overlap(["79416000", "45233141"], (1.0, 1.0, 1.0, 1.0), secondary=0.5)
    other, overlaps = profile.overlap(["45233141", "79416000"], (1.0, 1.0, 1.0, 1.0), 0.5)
    assert other == pytest.approx(main / 2)
    assert overlaps and not any(o.main for o in overlaps)


def test_deep_nodes_keep_the_share_of_evidence_that_reaches_them() -> None:
    profile = infer_profile(notices=[("72000000", 1.0), ("73100000", 0.5)])
    assert profile.levels[2] == {"72000000": 1.0, "73000000": 0.5}
    assert profile.levels[3] == {"73100000": 0.5}


def test_node_index_scores_equal_the_profile_overlap() -> None:
    targets = [("79311000", "79341000"), ("45233141",), (), ("79000000",), ("80530000",)]
    profile = infer_profile(
        labels=[("80500000", 1.0), ("79340000", 0.5)],
        notices=[("79311000", 1.0), ("79315000", 0.5)],
        label_share=0.5,
    )
    weights = (0.5, 1.0, 1.0, 0.25)
    index = CpvNodeIndex.build(targets)
    for secondary in (1.0, 0.5):
        expected = [profile.overlap(codes, weights, secondary)[0] for codes in targets]
        assert index.scores(profile, weights, secondary) == pytest.approx(expected)
    assert "79310000" in CpvNodeIndex.build(targets).known


def test_label_evidence_finds_the_trade_codes() -> None:
    labels = cpv_labels()
    codes = [c for c in labels if c.startswith(("909", "452", "794", "803"))]
    index = CpvLabelIndex.build(
        _trigram_vectors([labels[c].fr for c in codes]),
        _trigram_vectors([labels[c].en for c in codes]),
        codes,
    )
    unit = "Nettoyage de bureaux et de locaux administratifs"
    found = index.evidence([unit], _trigram_vectors([unit]), per_unit=3, lexical_share=1.0)
    assert found[0][1] == 1.0 and len(found) == 3
    assert all(code.startswith("909") for code, _ in found)
    only = index.evidence(
        [unit], _trigram_vectors([unit]), per_unit=3, lexical_share=1.0, allowed={"90911200"}
    )
    assert only == [("90911200", 1.0)]


def test_leading_codes_name_each_branch_once_deepest_first() -> None:
    # Notices lend a category of studies twice, a class of architecture once, a division.
    profile = infer_profile(
        notices=[("79311000", 1.0), ("79311000", 0.5), ("71221000", 0.33), ("45000000", 0.25)],
        label_share=0.0,
    )
    leading = profile.leading_codes(5)
    assert [c.code for c in leading] == ["79311000", "71221000"]  # not 79300000, 71200000…
    assert leading[0].confidence > leading[1].confidence
    assert profile.leading_codes(1) == leading[:1]
    assert all(c.depth >= 3 for c in leading)  # the bare division 45000000 says too little
