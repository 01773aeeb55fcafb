"""Sign-in links from the command line and from the demo open a session in the web app."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from app.cli.main import cli
from app.core.config import Settings, get_settings
from app.demo import demo_people
from app.main import create_app
from app.wiring.context import AppContext

runner = CliRunner()
LINK = re.compile(r"^https://cotender\.example\.org/signin/(ctd_[0-9a-f]{16}_[\w-]+)$")


@pytest.fixture
def env(settings: Settings) -> Iterator[dict[str, str]]:
    """The CLI's environment on the test's store, with a public address."""
    get_settings.cache_clear()
    yield {
        "COTENDER_DATA_DIR": str(settings.data_dir),
        "COTENDER_DATABASE_URL": settings.effective_database_url,
        "COTENDER_EMBEDDER": "hashing",
        "COTENDER_PUBLIC_URL": "https://cotender.example.org/",
    }
    get_settings.cache_clear()


def test_token_create_link_prints_a_working_sign_in_link(
    web_context: AppContext, env: dict[str, str]
) -> None:
    result = runner.invoke(cli, ["token", "create", "--member", "m-comm", "--link"], env=env)
    assert result.exit_code == 0, result.output
    found = LINK.match(result.stdout.strip())
    assert found, result.stdout
    with TestClient(create_app(web_context.settings, context=web_context)) as client:
        opened = client.get(f"/signin/{found.group(1)}", follow_redirects=False)
        assert opened.status_code == 303
        assert "Claire Dumont" in client.get("/").text
    unknown = runner.invoke(cli, ["token", "create", "--member", "m-nobody", "--link"], env=env)
    assert unknown.exit_code == 1 and "unknown member" in unknown.stderr


def test_the_demo_prints_links_for_the_lead_and_a_member(settings: Settings) -> None:
    context = AppContext.open(settings)
    try:
        lines = demo_people(context)
        links = {line.split()[0]: line.split()[-1] for line in lines if "/signin/ctd_" in line}
        assert set(links) == {"m-studies", "m-comm", "admin:"}
        with TestClient(create_app(settings, context=context)) as client:
            client.get(links["m-studies"].replace("http://127.0.0.1:8000", ""))
            assert 'href="/groups/g-participation"' in client.get("/profile").text
    finally:
        context.close()
