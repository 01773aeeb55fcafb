"""Every setting is documented in .env.example (and nothing there is stale)."""

import re

from app.core.config import Settings
from models.paths import PROJECT_ROOT


def test_every_setting_is_in_env_example() -> None:
    text = (PROJECT_ROOT / ".env.example").read_text(encoding="utf-8")
    documented = set(re.findall(r"^COTENDER_([A-Z_]+)=", text, flags=re.MULTILINE))
    fields = {name.upper() for name in Settings.model_fields}
    assert documented == fields
