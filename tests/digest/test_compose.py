"""Writing a digest: value shown only when the notice has one, HTML escaped, both languages."""

from __future__ import annotations

from datetime import UTC, datetime

from app.digest.compose import write_member
from app.digest.content import MemberDigest, NewNotice, NoticeLine, format_value
from app.digest.labels import Labels, labels_for

FR, EN = labels_for("fr"), labels_for("en")


def _digest(title: str, value: str | None, labels: Labels = FR) -> MemberDigest:
    line = NoticeLine(
        notice_id="boamp:26-0001",
        title=title,
        url="http://127.0.0.1:8000/notices/boamp:26-0001",
        deadline=datetime(2027, 1, 15, 11, 0, tzinfo=UTC),
        value=value,
    )
    digest = MemberDigest("member:m-web", "t@example.org", "Tomás", labels)
    digest.new.append(NewNotice(line, 12.3, "Lot 1 : Site", "Pourquoi : « site » rejoint « web »"))
    return digest


def test_value_is_rendered_only_when_the_notice_has_one() -> None:
    assert format_value({"amount": 120000, "currency": "EUR"}, "fr") == "120\u202f000 EUR"
    assert format_value(85000.0, "en") == "85,000 EUR"
    assert format_value(None, "fr") is None and format_value({"currency": "EUR"}, "fr") is None
    with_value = write_member(
        _digest("Site", "120\u202f000 EUR"), public_url="http://x", unsubscribe_url="http://x/u"
    )
    without = write_member(
        _digest("Site", None), public_url="http://x", unsubscribe_url="http://x/u"
    )
    assert "Montant estimé : 120\u202f000 EUR" in with_value.text
    assert "Montant estimé" not in without.text and "Montant estimé" not in without.html
    assert "Date limite : 15/01/2027 12:00" in with_value.text
    assert "bonne correspondance (score 12,3)" in with_value.text


def test_html_escapes_notice_text_and_english_is_english() -> None:
    written = write_member(
        _digest("<script>alert(1)</script> & co", None, EN),
        public_url="http://x",
        unsubscribe_url="http://x/u",
    )
    assert "<script>" not in written.html and "&lt;script&gt;" in written.html
    assert "<script>alert(1)</script> & co" in written.text
    assert written.subject == "Cotender: 1 new notice(s) for you"
    assert "Deadline: 15/01/2027 12:00" in written.text and "Unsubscribe" in written.text
    assert "good match (score 12.3)" in written.text and "good match" in written.html
