"""``cotender serve`` and ``demo`` link to where the server listens, unless told otherwise."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from app.cli.main import cli
from app.core.config import Settings, bound_to, get_settings

runner = CliRunner()


def test_links_name_the_port_the_server_listens_on() -> None:
    bound = bound_to(Settings(), "127.0.0.1", 8123)
    assert bound.public_url == "http://127.0.0.1:8123"
    assert bound_to(Settings(), "0.0.0.0", 9000).public_url == "http://127.0.0.1:9000"
    assert bound_to(Settings(), "::1", 9000).public_url == "http://[::1]:9000"


def test_a_public_url_set_by_the_operator_wins() -> None:
    told = Settings(public_url="https://cotender.example.coop/")
    assert bound_to(told, "127.0.0.1", 8123).public_url == "https://cotender.example.coop"


def test_the_demo_prints_sign_in_links_to_its_own_port(tmp_path: Path) -> None:
    env = {"COTENDER_DATA_DIR": str(tmp_path / "data"), "COTENDER_EMBEDDER": "hashing"}
    get_settings.cache_clear()
    try:
        result = runner.invoke(cli, ["demo", "--load-only", "--port", "8123"], env=env)
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    links = [word for word in result.output.split() if word.startswith("http://")]
    assert sum("/signin/" in link for link in links) == 3, result.output  # lead, member, admin
    assert "http://127.0.0.1:8123/api/groups" in links
    assert all(link.startswith("http://127.0.0.1:8123/") for link in links), links
