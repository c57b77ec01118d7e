"""Which files jing checks to the end when it is given a whole corpus at once.

jing stops at the first file it cannot finish (a failed XInclude is fatal to
it) and silently checks none of the files after it, so a timing of jing on a
corpus that holds such a file covers only part of the corpus. Benchmarks
leave those files out on both sides, so that both tools check the same files.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

_FATAL = re.compile(r"^(?P<file>.*?):\d+:\d+: fatal: ")


def finished_by_jing(jing: list[str], schema: Path, files: list[Path]) -> tuple[list[Path], list[Path]]:
    """(the files jing checks to the end, those it cannot finish), each in the order given."""
    kept, left_out = list(files), []
    while kept:
        done = subprocess.run([*jing, str(schema), *map(str, kept)], capture_output=True, text=True)
        fatal = next((match for line in done.stdout.splitlines() if (match := _FATAL.match(line))), None)
        if fatal is None:
            break
        stopped_at = os.path.realpath(fatal["file"])
        culprit = next((f for f in kept if os.path.realpath(f) == stopped_at), None)
        if culprit is None:  # a fatal error in the schema, not in a file: nothing to leave out
            break
        kept.remove(culprit)
        left_out.append(culprit)
    return kept, left_out
