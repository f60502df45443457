"""Named crash points for the reliability tests.

With ``CCHC_FAILPOINT=<name>[:<n>]`` set, the n-th time (default 1st) the code passes the
named point, the whole process group is killed with SIGKILL: exactly what an operator's
`kill -9` or a machine losing power does to a run, at a moment a test can choose. Unset
(always, in production), a failpoint is a dictionary lookup.
"""

from __future__ import annotations

import os
import signal
from collections import Counter

_passes: Counter[str] = Counter()


def failpoint(name: str) -> None:
    wanted = os.environ.get("CCHC_FAILPOINT")
    if not wanted:
        return
    point, _, nth = wanted.partition(":")
    if point != name:
        return
    _passes[name] += 1
    if _passes[name] == int(nth or 1):
        os.killpg(os.getpgrp(), signal.SIGKILL)
