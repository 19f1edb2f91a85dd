"""Helpers for tests that run ``digest`` in a child process."""

from __future__ import annotations

import signal


def interruptible() -> None:
    """Give a child process the default SIGINT action (``Popen(preexec_fn=...)``).

    A shell ignores SIGINT in the commands it starts in the background, and a
    child inherits that: Python then installs no KeyboardInterrupt handler, and
    the test's Ctrl-C (SIGINT) would never stop ``digest serve``.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)
