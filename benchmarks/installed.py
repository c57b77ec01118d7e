"""The environment for timed tei-tool processes: bytecode cached, as after ``pip install``.

``pip install`` compiles the modules, so a user's first run reads cached
bytecode; a shell with PYTHONDONTWRITEBYTECODE set would instead make every
timed run compile tei-tool afresh. The cache lives in a temporary directory
for the benchmark's lifetime, so the checkout is left as it was.
"""

from __future__ import annotations

import os
import tempfile

_PYCACHE = tempfile.TemporaryDirectory(prefix="tei-tool-bench-")


def environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = _PYCACHE.name
    return env
