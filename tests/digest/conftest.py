"""Digest tests: the store's settings point at a real SMTP server on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from app.core.config import Settings
from tests.digest.smtp import SmtpServer, smtp_server


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    """A recording SMTP server on 127.0.0.1."""
    with smtp_server() as server:
        yield server


@pytest.fixture
def settings(tmp_path: Path, database_url: str, smtp: SmtpServer) -> Settings:
    """Settings for one test: its own store, the cheap embedder, the loopback SMTP server."""
    return Settings(
        data_dir=tmp_path / "data",
        database_url=database_url,
        embedder="hashing",
        smtp_url=SecretStr(smtp.url),
        smtp_security="none",
        smtp_retry_wait_seconds=0.01,
        smtp_max_attempts=3,
    )
