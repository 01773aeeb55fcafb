"""Free-text search as people type it, served (store, index, engine) with the real USE model.

Two or three words, French or English, against real devset notices: a query in one
language finds notices written in the other (by its words' equivalents where no CPV
label carries it), "website development" finds website
projects before the maintenance of named software packages (and, over the whole
devset, before works coded "Site-development work"), and accents, ligatures
and case never matter. One store for the module (embedding its notices takes most of
the time); the ranking does not depend on the database (SQLite here).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.core.config import Settings
from app.matching.batch import build_batch, build_member
from app.matching.engine import CONTEXT_CANDIDATES
from app.matching.lexical import notices_index
from app.matching.scoring import member_context
from app.matching.search import SHORT_QUERY_CONTEXT_CANDIDATES, read_query, search_notices
from app.search.index import REQUIREMENT
from app.wiring.background import sync_once
from app.wiring.context import AppContext
from ingest.parse.notice_json import parse_notice_json_line
from ingest.store import NoticeStore
from tests.utils.data import DEVSET, devset_lines

pytestmark = pytest.mark.slow

NOW = datetime(2026, 11, 26, tzinfo=UTC)
DEVSET_NOTICES = 2555

WEBSITES = {
    "ted:085126-2018": "Website (Re)Development www.era.int",
    "decp:2178031130001820182rG0hS6Dd200": "Refonte du site internet de la Ville",
    "decp:223800012000132018DAM06300": "Conception et mise en place d'un site internet …",
}
SOFTWARE_PACKAGES = {
    "decp:221700016007382018267E1800": "MAINTENANCE PRESTATIONS LOGICIEL ISHTAR",
    "decp:2245000170001320181831500": "Maintenance du progiciel MICROSAT",
    "decp:0000000000000020183WC4e9_iEw00": "Maintenance progiciel Symphony",
}
JUDGED_WEBSITES = {  # graded 2 for "website development" by the assessors (q-d11)
    "ted:085126-2018": "Website (Re)Development www.era.int",
    "decp:2178031130001820182rG0hS6Dd200": "Refonte du site internet de la Ville",
}
SITE_DEVELOPMENT = "45111291"  # "Site-development work": housing and land works
FACILITIES = "ted:153877-2018"  # "Facilities Management Services", in English
ELECTRICAL = {  # French notices about electrical installations
    "decp:275000024000162018FmIhUG0pbi00": "TRAVAUX D'ENTRETIEN DES INSTALLATIONS ELECTRIQUES …",
    "decp:289000010000322018-THBHORfk100": "Vérification réglementaire des installations …",
    "ted:296419-2017": "Travaux d'installations électriques à exécuter …",
}
SCHOOL_DESIGN = {  # maîtrise d'œuvre of schools, with and without accents and ligatures
    "decp:680200128000712018KL9E4y0Av800": "Marché de maîtrise d'œuvre pour la construction …",
    "decp:219300324000152019201820600": "Maîtrise d'oeuvre pour la reconstruction de l'école …",
    "decp:211603204000102019STGENISMO00": "MARCHÉ ADAPTÉ DE MAITRISE D'OEUVRE POUR … L'ECOLE …",
}


def _served(folder: Path, lines: list[str]) -> AppContext:
    settings = Settings(
        data_dir=folder / "data",
        database_url=f"sqlite:///{folder / 'store.sqlite3'}",
        embedder="use",
    )
    context = AppContext.open(settings)
    NoticeStore(context.sessions).apply_batch([parse_notice_json_line(line) for line in lines])
    assert sync_once(context)
    return context


@pytest.fixture(scope="module")
def context(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppContext]:
    wanted = {*WEBSITES, *SOFTWARE_PACKAGES, FACILITIES, *ELECTRICAL, *SCHOOL_DESIGN}
    chosen = [line for line in devset_lines(DEVSET_NOTICES) if json.loads(line)["id"] in wanted]
    assert len(chosen) == len(wanted)
    context = _served(tmp_path_factory.mktemp("search"), [*devset_lines(120), *chosen])
    yield context
    context.close()


@pytest.fixture(scope="module")
def devset(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppContext]:
    """The whole devset: a query's CPV profile comes from its best notices in the store,
    and only a store of that size holds the neighbours that make a profile drift."""
    context = _served(tmp_path_factory.mktemp("devset"), devset_lines(DEVSET_NOTICES))
    yield context
    context.close()


def _ranked(context: AppContext, query: str, limit: int = 20) -> list[str]:
    hits = search_notices(context.matching, query, now=NOW, limit=limit, open_only=False)
    return [hit.notice_id for hit in hits]


def test_a_two_word_french_query_finds_a_notice_written_in_english(context: AppContext) -> None:
    assert _ranked(context, "gestion des installations")[0] == FACILITIES


def test_a_two_word_english_query_finds_notices_written_in_french(context: AppContext) -> None:
    first = _ranked(context, "electrical works")[:5]
    assert set(ELECTRICAL) <= set(first), first


def test_website_development_finds_websites_before_software_package_maintenance(
    context: AppContext,
) -> None:
    ranked = _ranked(context, "website development", limit=50)
    websites = [ranked.index(i) for i in WEBSITES if i in ranked]
    assert len(websites) == len(WEBSITES), ranked
    packages = [ranked.index(i) for i in SOFTWARE_PACKAGES if i in ranked]
    assert max(websites) < min(packages, default=len(ranked)), ranked


def test_website_development_finds_websites_before_works_coded_site_development(
    devset: AppContext,
) -> None:
    """The label "Site-development work" echoes both words; what the buyers wrote does not.

    The notices carrying that code must not lend it to the query's profile and carry
    their kind in before the websites (they did, ranks 2 to 8, when the label counted).
    """
    ranked = _ranked(devset, "website development", limit=50)
    assert set(JUDGED_WEBSITES) <= set(ranked[:10]), ranked
    codes = {n.id: n.cpv for n in devset.matching.notices(ranked)}
    works = [i for i, notice_id in enumerate(ranked) if SITE_DEVELOPMENT in codes[notice_id]]
    assert works, "the devset holds notices coded site development that share the words"
    assert max(ranked.index(i) for i in JUDGED_WEBSITES) < min(works), ranked


def _without_equivalents(context: AppContext, text: str, limit: int) -> list[str]:
    query = read_query(text)
    assert query.weights is not None and query.weights.equivalent_weight > 0
    found = context.matching.match_member(
        query.member,
        now=NOW,
        limit=limit,
        include_closed=True,
        weights=dataclasses.replace(query.weights, equivalent_weight=0.0),
        context_candidates=query.context_candidates,
    )
    return [match.notice_id for match in found]


def test_an_english_query_s_words_find_french_websites_through_their_equivalents(
    devset: AppContext,
) -> None:
    """The word "website" is in no French notice; its equivalent "site" is."""

    def french_websites(ranked: list[str]) -> list[str]:
        notices = devset.matching.notices(ranked)
        words = ({"site", "sites", "web"} & set(n.title.lower().split()) for n in notices)
        return [n.id for n, w in zip(notices, words, strict=True) if n.language == "fr" and w]

    served = french_websites(_ranked(devset, "website development", limit=10))
    without = french_websites(_without_equivalents(devset, "website development", 10))
    assert len(served) >= 2 and len(served) > len(without), (served, without)


def test_a_french_query_finds_the_english_website_through_its_words_equivalents(
    devset: AppContext,
) -> None:
    english = "ted:085126-2018"  # "Website (Re)Development", graded 2 for this query
    assert english in _ranked(devset, "site internet accessible", limit=10)
    assert english not in _without_equivalents(devset, "site internet accessible", 10)


@pytest.mark.parametrize("query", ["MAÎTRISE D’ŒUVRE ÉCOLE", "Maîtrise d'Œuvre École"])
def test_accents_ligatures_and_case_do_not_matter(context: AppContext, query: str) -> None:
    """Capitals and quotes in the query, accents and ligatures or none in the notices.

    The notices are found whether they write "maîtrise d'œuvre", "Maîtrise d'oeuvre" or
    "MAITRISE D'OEUVRE", in the order of the query typed plainly. (A query typed
    without its accents, or with "oe" for "œ", reads the same words, but the model
    embeds it as another text: see the README.)
    """
    plain = _ranked(context, "maîtrise d'œuvre école")
    assert set(plain[:3]) == set(SCHOOL_DESIGN)
    assert _ranked(context, query) == plain


def test_a_short_query_s_codes_come_from_its_first_candidates_as_from_every_notice(
    devset: AppContext,
) -> None:
    """A short query reads fewer candidates than a member for its CPV profile (the cost of a
    search): for every judged query, the profile is the one every notice gives."""
    queries: dict[str, str] = json.loads((DEVSET / "search" / "queries.json").read_text("utf-8"))
    every = devset.index.count(REQUIREMENT)  # every passage: every notice is a candidate
    assert SHORT_QUERY_CONTEXT_CANDIDATES < CONTEXT_CANDIDATES < every
    for text in queries.values():
        query = read_query(text)
        assert query.context_candidates == SHORT_QUERY_CONTEXT_CANDIDATES
        served = devset.matching.context(
            query.member, query.weights, candidates=SHORT_QUERY_CONTEXT_CANDIDATES
        )
        whole = devset.matching.context(query.member, query.weights, candidates=every)
        assert served.profile == whole.profile, text
        assert served.profile.levels, text  # a profile, not two empty ones


def test_every_judged_query_gets_the_tuner_s_profile(devset: AppContext) -> None:
    """The tuner's functions over the whole devset at once and the served engine give a
    query the same CPV profile, labels nowhere (the served engine holds no label index):
    "maîtrise d'oeuvre école", whose best notices lend no code its words support, gets
    none, where codes guessed from the labels read "œuvre" as works of art."""
    queries: dict[str, str] = json.loads((DEVSET / "search" / "queries.json").read_text("utf-8"))
    engine = devset.matching
    notices = engine.notices(list(engine.catalog().notice_ids))
    batch = build_batch(notices, devset.embedder)  # the indexed passages, remembered
    lexical = notices_index(notices)
    profiles = {}
    for text in queries.values():
        query = read_query(text)
        # The query's words with their equivalents among the catalog's, as served.
        evidence = engine.evidence(query.member, query.weights)
        assert evidence.units == build_member(query.member, devset.embedder).units
        tuned = member_context(evidence, batch, lexical, query.weights or engine.weights)
        served = engine.context(query.member, query.weights, candidates=query.context_candidates)
        assert tuned.profile == served.profile, text
        profiles[text] = served.profile
    assert not any(profiles["maîtrise d'oeuvre école"].levels.values())
    assert sum(1 for profile in profiles.values() if any(profile.levels.values())) >= 8
