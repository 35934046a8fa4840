"""Benchmark: start-up of `disarm --version` and `disarm --help` against `python -c pass`.

Each command runs `--runs` times as a fresh process, interleaved with the floor (`python -c
pass`) so that both see the same machine load; the script prints the median wall time, the
largest maximum RSS (`ru_maxrss` of each child, from `os.wait4`) and the ratio to the floor,
beside the load average. The targets of issue 16.5 are 0.25 s and 60 MiB.

    python benchmarks/bench_startup.py [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "disarm --version": [sys.executable, "-m", "disarm", "--version"],
    "disarm --help": [sys.executable, "-m", "disarm", "--help"],
    "disarm stats mua constants": [sys.executable, "-m", "disarm", "stats", "mua", "constants"],
}


def run_once(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and max RSS (MiB) of one fresh process."""
    t0 = time.perf_counter()
    pid = os.posix_spawn(cmd[0], cmd, os.environ, file_actions=_devnull())
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(cmd)} failed")
    return wall, usage.ru_maxrss / 1024


def _devnull() -> list[tuple[int, int, str, int, int]]:
    return [(os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="Runs of each command.")
    args = parser.parse_args()
    subprocess.run(COMMANDS["disarm --version"], check=True, capture_output=True)  # warm caches
    walls: dict[str, list[float]] = {name: [] for name in COMMANDS}
    rss: dict[str, float] = dict.fromkeys(COMMANDS, 0.0)
    for _ in range(args.runs):
        for name, cmd in COMMANDS.items():
            wall, mib = run_once(cmd)
            walls[name].append(wall)
            rss[name] = max(rss[name], mib)
    floor = statistics.median(walls["python -c pass"])
    print(f"load average {os.getloadavg()[0]:.2f}, {args.runs} runs each, median wall")
    for name in COMMANDS:
        wall = statistics.median(walls[name])
        print(
            f"{name:28s} {wall * 1e3:7.1f} ms  max RSS {rss[name]:6.1f} MiB  "
            f"ratio to python -c pass {wall / floor:5.2f}x"
        )


if __name__ == "__main__":
    main()
