"""Matching: hybrid scoring of notices (and their lots) against members' expertise.

Pure scoring, no I/O and no model loading: callers pass an embedder (anything with
``encode(texts) -> (n, dim)`` L2-normalised float32) or vectors they already hold.

- ``units``: requirement passages of a notice / lot, expertise units of a member.
- ``lexical``: BM25 with accent folding, French/English Snowball stemming and stopwords.
- ``cpv_inference``: a member's CPV codes inferred from their text; CPV overlap by depth.
- ``scoring``: the signals fused into one score per (member, notice, lot), with reasons
  and hard filters; ``ScoringWeights`` holds the defaults produced by
  ``scripts/tune_matching.py`` on ``data/devset``.
"""
