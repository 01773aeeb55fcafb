"""The time zone French deadlines are written in.

BOAMP labels Paris wall-clock time as UTC and drafts count working days in
France, so every layer reads and shows dates in Europe/Paris.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
