"""Pausing Python's cycle collector around work that makes many lasting objects.

Loading a RELAX NG grammar, deriving patterns and laying out a PDF book each
create tens or hundreds of thousands of objects that live until the work is
done or die by reference counting. The collections they set off walk them
again and again and find little to free: without them a grammar loads in
10-30 % less time, and a 300-page book is laid out in 15 % less, for 5 % more
memory.
"""

from __future__ import annotations

import contextlib
import gc
from typing import Iterator


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """No cycle collection inside the ``with`` block; afterwards it runs again if it ran before."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
