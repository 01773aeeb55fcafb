"""Which publication a record is: a new version of a known notice, or another notice.

eForms and TED give every notice a UUID that all its versions share (BT-701,
``notice-identifier``); the publication number (``ted:<number>``) and BOAMP's
idweb identify one publication each. A UUID seen again is usually a new
version (the unpublished notice, then the published one; a republication), but
real converter output reuses one placeholder UUID for unrelated notices (the
``ted-xml-data-converter`` set, and the SDK's ``pin-only_24.xml``). So a UUID
alone never merges two records: their buyer and title must agree too.
"""

from __future__ import annotations

from ingest.dedupe import containment, key_tokens, same_notice
from models.notice import Notice, ParsedRecord

UUID_ALIAS = "ted-uuid:"
_TITLE_ONLY_THRESHOLD = 0.9


def notice_uuid(record: ParsedRecord) -> str | None:
    """The source's notice UUID, from the record's ``ted-uuid:`` alias."""
    for alias in record.aliases:
        if alias.startswith(UUID_ALIAS):
            return alias.removeprefix(UUID_ALIAS)
    return None


def same_publication(new: Notice, known: Notice) -> bool:
    """Two records with one UUID describe the same notice (versions), not two notices.

    True when their buyers and titles agree (the test twins use), or, without
    buyers, when the titles nearly coincide; a reused UUID on another buyer's or
    another subject's notice is a different notice.
    """
    if new.source != known.source:
        return False
    if new.buyer is not None and known.buyer is not None:
        return same_notice(
            buyer_a=new.buyer.name, title_a=new.title, buyer_b=known.buyer.name, title_b=known.title
        )
    return containment(key_tokens(new.title), key_tokens(known.title)) >= _TITLE_ONLY_THRESHOLD
