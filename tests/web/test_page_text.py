"""Small pure helpers of the pages: quoted titles cut at a word, notice ids as HTML ids."""

from __future__ import annotations

import re

from app.web.render import dom_id
from app.web.views import shortened


def test_shortened_cuts_at_a_word_and_says_so() -> None:
    title = "Animation de la concertation citoyenne dans le cadre du plan départemental"
    assert shortened(title, 200) == title
    cut = shortened(title, 40)
    assert cut == "Animation de la concertation citoyenne…"
    assert len(cut) <= 41 and title.startswith(cut[:-1])


def test_dom_id_is_an_html_id_and_tells_notices_apart() -> None:
    ids = ["boamp:26-4242", "boamp_26-4242", "boamp:26 4242", "ted:123-2026", "decp:a/b?c"]
    made = [dom_id(notice_id) for notice_id in ids]
    assert all(re.fullmatch(r"[A-Za-z0-9_-]+", m) for m in made)
    assert len(set(made)) == len(ids)
    assert dom_id("boamp:26-4242") == "boamp_3a_26-4242"
