"""The test suite. Imported before tests/conftest.py and anything it imports."""

import os
import tempfile
from pathlib import Path

# deform's Chameleon templates compiled once to disk and reused by every test process (xdist workers, the
# processes tests start, later runs; Chameleon keys each file by its template's source and its own version),
# set before anything imports chameleon: otherwise the first form each process renders compiles them all
# again (about 2 s)
os.environ.setdefault("CHAMELEON_CACHE", str(Path(tempfile.gettempdir()) / f"guide-chameleon-{os.getuid()}"))
Path(os.environ["CHAMELEON_CACHE"]).mkdir(parents=True, exist_ok=True)
