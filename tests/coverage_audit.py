"""Which tests the coverage tracer may skip: writes tests/untraced.txt (`make coverage-audit`, ~6 minutes).

On Python 3.11 the tracer slows every line of Python in a traced process 2-3x, library code included. A test
whose lines are all run by other tests as well adds nothing to the coverage figure but its tracing time. This
runs the SQLite suite with every test traced (``GUIDE_TRACE_ALL=1``; Chromium tests stay untraced, see
tests/conftest.py), one coverage context per test, then takes the tests from the slowest down: a test of at
least ``--min-seconds`` is listed if no line it runs is left unrun by the tests still traced (the processes a
test starts are measured under its name, and untraced with it). ``make test`` runs the listed tests untraced.

The list is only a cost choice: a test in it still runs and asserts everything; a new line run only by it
shows as uncovered until the next audit (so the figure can only err low).
"""

from __future__ import annotations

import argparse
import collections
import datetime
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from coverage import CoverageData

ROOT = Path(__file__).resolve().parent.parent
LIST = Path(__file__).with_name("untraced.txt")
HEADER = """\
# Tests run without the coverage tracer by `make test` (tests/conftest.py): every line each of them runs
# is run by the tests still traced too. Written by `make coverage-audit` (tests/coverage_audit.py) on {date}:
# {summary}
"""
PYTEST = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
DURATION = re.compile(r"\s*([\d.]+)s (?:call|setup|teardown)\s+(\S+)")


def test_name(nodeid: str) -> str:
    """A node id without its parameters: the list names a test function, all of its cases."""
    return nodeid.split("[", 1)[0]


def run_traced(data_file: Path, workers: str) -> dict[str, float]:
    """Run the suite with every test traced, one context per test; its seconds per test function."""
    command = [*PYTEST, "-n", workers, "--dist", "worksteal", "--cov", "--cov-context=test", "--cov-report=",
               "--cov-fail-under=0", "--durations=0"]  # fmt: skip
    env = {**os.environ, "GUIDE_TRACE_ALL": "1", "COVERAGE_FILE": str(data_file)}
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.exit(f"the suite failed, nothing written:\n{result.stdout[-3000:]}{result.stderr[-2000:]}")
    seconds: collections.Counter[str] = collections.Counter()
    for line in result.stdout.splitlines():
        if match := DURATION.match(line):
            seconds[test_name(match.group(2))] += float(match.group(1))
    return seconds


def lines_per_test(data_file: Path) -> dict[str, set[tuple[str, int]]]:
    """The lines each test function ran (its setup and the processes it started included); "" for what ran
    outside any test (collection, session fixtures)."""
    data = CoverageData(str(data_file))
    data.read()
    lines: dict[str, set[tuple[str, int]]] = collections.defaultdict(set)
    for path in data.measured_files():
        name = os.path.relpath(path, ROOT)
        for number, contexts in data.contexts_by_lineno(path).items():
            for context in contexts:
                lines[test_name(context.split("|", 1)[0]) if context else ""].add((name, number))
    return lines


def browser_tests() -> set[str]:
    """The Chromium tests: untraced anyway (tests/conftest.py), so not listed."""
    command = [*PYTEST, "--collect-only", "-m", "browser"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    return {test_name(line) for line in result.stdout.splitlines() if "::" in line}


def choose(
    seconds: dict[str, float], lines: dict[str, set[tuple[str, int]]], min_seconds: float, skip: set[str]
) -> list[str]:
    """The slowest tests first: untrace each one whose every line stays run by the tests still traced."""
    runs = collections.Counter(line for ran in lines.values() for line in ran)
    chosen = []
    for test, spent in sorted(seconds.items(), key=lambda item: -item[1]):
        if spent < min_seconds or test in skip:
            continue
        ran = lines.get(test, set())
        if all(runs[line] > 1 for line in ran):
            chosen.append(test)
            runs.subtract(ran)
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-seconds", type=float, default=1.0, help="only tests at least this slow traced")
    parser.add_argument("--workers", default=os.environ.get("WORKERS", "2"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        data_file = Path(folder) / ".coverage"
        seconds = run_traced(data_file, args.workers)
        lines = lines_per_test(data_file)
    chosen = choose(seconds, lines, args.min_seconds, browser_tests())
    spent = sum(seconds[test] for test in chosen)
    summary = (
        f"{len(chosen)} test functions of {len(seconds)}, {spent:.0f} s of the {sum(seconds.values()):.0f} s "
        f"the traced run spent in tests"
    )
    LIST.write_text(
        HEADER.format(date=datetime.date.today().isoformat(), summary=summary)
        + "".join(f"{test}\n" for test in sorted(chosen))
    )
    print(f"{LIST.relative_to(ROOT)}: {summary}")


if __name__ == "__main__":
    main()
