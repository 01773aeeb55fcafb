"""The weekly group digest to the group's mailing list: who fits which lot, intentions so far."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from app.digest.run import send_digests
from app.wiring.context import AppContext
from tests.digest.scenario import NOTICE, build_store, now_utc
from tests.digest.smtp import SmtpServer


def test_group_list_gets_who_fits_which_lot_and_the_intentions(
    context: AppContext, smtp: SmtpServer, tmp_path: Path
) -> None:
    now = now_utc()
    build_store(context, tmp_path, now=now)

    send_digests(context, now=now, group_id="g-participation")

    (message,) = smtp.handler.messages
    assert message["To"] == "participation@example.org"
    assert message["Subject"] == "Cotender : la semaine du groupe Démarches participatives"
    body = message.get_body(("plain",))
    assert body is not None
    text = str(body.get_content())
    block = text.split("* Animation de la concertation citoyenne")[1].split("\n* ")[0]
    assert "Lot 3 : Communication de la concertation : " in block
    assert "Claire Dumont" in block  # m-comm, the group's communication member
    assert "Intentions déclarées : " in block and "Inès Moreau (pilote)" in block
    assert "(décline)" in block  # m-print declined: the group sees it
    assert f"http://127.0.0.1:8000/notices/{NOTICE}" in block
    assert "http://127.0.0.1:8000/groups/g-participation" in text

    # weekly: not due again three days later, due a week later with nothing new
    assert (
        send_digests(context, now=now + timedelta(days=3), group_id="g-participation").not_due == 1
    )
    later = send_digests(context, now=now + timedelta(days=7), group_id="g-participation")
    assert later.composed == 0 and later.nothing_new == 1
