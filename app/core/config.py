"""Settings: the only place that reads the environment (prefix ``COTENDER_``).

The embedded default needs no setting at all: a SQLite file and the embedded
Qdrant index live under ``DATA_DIR``. Scale-out is chosen by URLs alone
(``DATABASE_URL`` for PostgreSQL, ``QDRANT_URL`` for a Qdrant server/cluster).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, computed_field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET = "changethis-dev-only"


class Settings(BaseSettings):
    """Runtime configuration; every field is documented in ``.env.example``."""

    model_config = SettingsConfigDict(
        env_prefix="COTENDER_", env_file=".env", env_ignore_empty=True, extra="ignore"
    )

    data_dir: Path = Path("./var")
    database_url: str | None = None
    qdrant_url: str | None = None
    qdrant_api_key: SecretStr | None = None
    embedder: str = "use"
    boamp_base_url: str = "https://boamp-datadila.opendatasoft.com"
    ted_base_url: str = "https://api.ted.europa.eu"
    ted_scope_query: str = "(buyer-country IN (FRA) OR place-of-performance IN (FRA))"
    http_timeout_seconds: float = Field(default=30.0, gt=0)
    http_max_attempts: int = Field(default=5, ge=1, le=20)
    http_max_wait_seconds: float = Field(default=60.0, gt=0)
    user_agent: str = "Cotender/0.1 (open-source tender matching for cooperatives)"
    index_sync_seconds: float = Field(default=5.0, gt=0)
    secret_key: SecretStr = SecretStr(DEV_SECRET)
    environment: str = "development"
    public_url: str = "http://127.0.0.1:8000"
    log_level: str = "WARNING"
    smtp_url: SecretStr | None = None
    smtp_security: str = Field(default="auto", pattern=r"^(auto|starttls|ssl|none)$")
    smtp_timeout_seconds: float = Field(default=30.0, gt=0)
    smtp_max_attempts: int = Field(default=5, ge=1, le=20)
    smtp_retry_wait_seconds: float = Field(default=2.0, ge=0)
    mail_from: str = "Cotender <cotender@localhost>"

    @field_validator("database_url")
    @classmethod
    def _use_psycopg_driver(cls, value: str | None) -> str | None:
        """Accept plain ``postgresql://`` URLs and select the psycopg 3 driver."""
        if value and value.startswith(("postgresql://", "postgres://")):
            return "postgresql+psycopg://" + value.split("://", 1)[1]
        return value

    @model_validator(mode="after")
    def _enforce_non_default_secret(self) -> Settings:
        """Refuse to run outside development with the placeholder secret."""
        if self.environment != "development" and self.secret_key.get_secret_value() == DEV_SECRET:
            raise ValueError("COTENDER_SECRET_KEY must be set outside development")
        return self

    @computed_field  # type: ignore[prop-decorator]
    @property
    def effective_database_url(self) -> str:
        """The database URL, defaulting to a SQLite file under ``data_dir``."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'cotender.sqlite3').resolve()}"

    @field_validator("public_url")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        """Links are built as ``public_url + "/notices/…"``."""
        return value.rstrip("/")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def outbox_dir(self) -> Path:
        """Where digests are written as ``.eml`` files when no SMTP server is configured."""
        return self.data_dir / "outbox"

    @computed_field  # type: ignore[prop-decorator]
    @property
    def index_dir(self) -> Path:
        """Where the embedded vector index keeps its shard."""
        return self.data_dir / "index"


def bound_to(settings: Settings, host: str, port: int) -> Settings:
    """The settings of a server listening on ``host:port``: its links point there.

    Sign-in links, digests and feeds name ``public_url``; left unset, it is where this
    server listens (``cotender serve --port 8001`` links to port 8001, not the default
    8000). Set (``COTENDER_PUBLIC_URL``), it wins: behind a proxy or a domain name,
    users do not reach the server where it listens.
    """
    if "public_url" in settings.model_fields_set:
        return settings
    if host in ("0.0.0.0", "::", ""):
        host = "127.0.0.1"  # every interface: this machine's own address is one of them
    shown = f"[{host}]" if ":" in host else host
    return settings.model_copy(update={"public_url": f"http://{shown}:{port}"})


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
