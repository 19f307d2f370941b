"""How long each part runs: short enough for CI on two cores, or long for the report."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Durations:
    editors: int = 8
    editing_seconds: float = 10
    connections: int = 64
    load_seconds: float = 10
    kill_seconds: float = 8
    unreadable_seconds: float = 2
    disk_full_seconds: float = 3
    backup_seconds: float = 8
    login_seconds: float = 4


# The whole CI part stays well under three minutes on a two-core machine.
CI = Durations()
# `python -m tests.reliability.report --long`: several minutes.
LONG = Durations(
    editing_seconds=30,
    load_seconds=60,
    kill_seconds=20,
    unreadable_seconds=5,
    disk_full_seconds=10,
    backup_seconds=20,
    login_seconds=15,
)
