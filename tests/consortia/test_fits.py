"""Fits of members to a notice's requirements: requirements, the calibrated curve, batching."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pytest

from app.consortia.fits import (
    CALIBRATIONS,
    DEFAULT_CALIBRATION,
    FitCalibration,
    calibration_for,
    max_cosines,
    member_fits,
    notice_requirements,
)
from app.search.embedder import HashingEmbedder, load_embedder
from app.search.units import ExpertiseUnit, member_units
from models.member import Member
from models.notice import Notice

NOTICE = Notice(
    id="boamp:26-1",
    title="Aménagement du centre-bourg",
    description="Mission d'accompagnement de la commune.",
    cpv=["79416000"],
    lots=[
        {
            "id": "1",
            "title": "Concertation des habitants",
            "description": "Animation d'ateliers participatifs et de réunions publiques avec "
            "les habitants.",
        },
        {
            "id": "2",
            "title": "Travaux de voirie",
            "description": "Réfection de la chaussée, enrobés et bordures de trottoirs.",
        },
        {"id": "3"},
    ],
)
FACILITATOR = Member(
    id="m-facil",
    name="Facilitatrice",
    expertise=[
        "Animation de réunions publiques et d'ateliers de concertation avec les habitants.",
        "Facilitation de démarches participatives.",
    ],
)


class CountingEmbedder:
    """The hashing embedder, counting its calls."""

    def __init__(self) -> None:
        self.inner = HashingEmbedder()
        self.name = self.inner.name
        self.dimension = self.inner.dimension
        self.max_tokens = self.inner.max_tokens
        self.max_chars = self.inner.max_chars
        self.calls: list[list[str]] = []

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        self.calls.append(list(texts))
        return self.inner.encode(texts)


@pytest.mark.parametrize("calibration", [*CALIBRATIONS.values(), FitCalibration(0.0, 1.0)])
def test_fit_is_monotone_and_bounded(calibration: FitCalibration) -> None:
    cosines = np.linspace(-1.0, 1.0, 401)
    fits = calibration(cosines)
    assert np.all(np.diff(fits) >= 0)
    assert fits.min() >= 0.0 and fits.max() <= 1.0
    assert calibration(calibration.midpoint) == pytest.approx(0.5)
    assert calibration(calibration.cosine_for(0.3)) == pytest.approx(0.3, abs=1e-4)
    assert calibration([-1e9, 1e9]).tolist() == [0.0, 1.0]  # no overflow


def test_calibration_for_embedders() -> None:
    assert calibration_for("use") is DEFAULT_CALIBRATION
    assert calibration_for("hashing") is CALIBRATIONS["hashing"]
    assert calibration_for("sentence-transformers:/models/mine") is DEFAULT_CALIBRATION
    # The calibration separates the devset's figures: a core median cosine is
    # worth covering, an unrelated median cosine is not.
    assert DEFAULT_CALIBRATION(0.259) >= 0.5 > 0.3 > DEFAULT_CALIBRATION(0.071)


def test_notice_requirements_ids_lots_and_texts() -> None:
    found = notice_requirements(NOTICE)
    by_id = {r.requirement.id: r for r in found}
    assert list(by_id) == [
        "_notice/title",
        "_notice/d1",
        "_notice/cpv:79416000",
        "1/title",
        "1/d1",
        "2/title",
        "2/d1",
        "3/title",
    ]
    cpv = by_id["_notice/cpv:79416000"]
    assert cpv.requirement.lot is None
    assert cpv.requirement.text == "79416000 Services de relations publiques"
    assert cpv.texts == ("Services de relations publiques", "Public relations services")
    assert by_id["1/d1"].requirement.lot == "1"
    # Lot 3 has no text of its own: it is read through the notice's title.
    assert by_id["3/title"].requirement.lot == "3"
    assert by_id["3/title"].texts == ("Aménagement du centre-bourg",)
    assert all(r.requirement.weight == 1.0 for r in found)


def test_notice_requirements_repeats_and_blank_title() -> None:
    sentence = (
        "Nettoyage quotidien des locaux administratifs, " * 4 + "avec des produits écolabellisés."
    )
    notice = Notice(id="boamp:26-2", title="Nettoyage", description=f"{sentence} {sentence}")
    found = notice_requirements(notice)
    assert [(r.requirement.id, r.requirement.text) for r in found] == [
        ("_notice/title", "Nettoyage"),
        ("_notice/d1", sentence),  # the repeated passage is one requirement
    ]
    blank = Notice(id="boamp:26-3", title=" ")
    assert [(r.requirement.id, r.texts) for r in notice_requirements(blank)] == [
        ("_notice/title", ("boamp:26-3",))
    ]
    selected = notice_requirements(NOTICE, ["2"])
    assert "3/title" not in {r.requirement.id for r in selected}  # only selected lots are filled


def test_max_cosines_one_batch_of_distinct_texts() -> None:
    requirements = notice_requirements(NOTICE)
    units = {
        "m-facil": member_units(FACILITATOR),
        "m-twin": member_units(FACILITATOR.model_copy(update={"id": "m-twin"})),
        "m-none": [],
    }
    encoder = CountingEmbedder()
    cosines = max_cosines(requirements, units, encoder)
    assert len(encoder.calls) == 1
    texts = encoder.calls[0]
    assert len(texts) == len(set(texts))  # the twin's units are not embedded twice
    assert cosines["m-none"].tolist() == [0.0] * len(requirements)
    np.testing.assert_array_equal(cosines["m-facil"], cosines["m-twin"])
    # The best cosine over the member's units, by hand for one requirement.
    vectors = HashingEmbedder().encode(
        ["Concertation des habitants", *(u.text for u in member_units(FACILITATOR))]
    )
    expected = float((vectors[1:] @ vectors[0]).max())
    index = [r.requirement.id for r in requirements].index("1/title")
    assert cosines["m-facil"][index] == pytest.approx(expected, abs=1e-6)


def test_member_fits_identical_text_fits_fully() -> None:
    notice = Notice(id="boamp:26-4", title=FACILITATOR.expertise[0])
    requirements = notice_requirements(notice)
    units: dict[str, list[ExpertiseUnit]] = {"m-facil": member_units(FACILITATOR)}
    fits = member_fits(requirements, units, HashingEmbedder(), CALIBRATIONS["hashing"])
    assert fits == {"m-facil": {"_notice/title": pytest.approx(1.0, abs=0.03)}}
    assert member_fits([], units, HashingEmbedder()) == {"m-facil": {}}


@pytest.mark.slow
def test_member_fits_with_use_prefers_the_matching_lot() -> None:
    embedder = load_embedder("use")
    requirements = notice_requirements(NOTICE)
    units = {"m-facil": member_units(FACILITATOR)}
    fits = member_fits(requirements, units, embedder, calibration_for(embedder.name))["m-facil"]
    assert fits["1/title"] >= 0.5 and fits["1/d1"] >= 0.5  # participation: covered
    assert fits["2/d1"] < 0.5  # roadworks: not covered
    assert fits["1/d1"] > fits["2/d1"] and fits["1/title"] > fits["2/title"]
