"""One root for every error collab-metrics raises, so a caller can catch them all at once.

`except CollabError` catches anything this package raises on purpose. The few subclasses
say what the `collab` command does with an error (its exit status and what it adds):

- `InputError`: bad input the user can fix (framework, arguments, an actor's file); exit 2.
- `RunError`: a run that failed or could not start (a report, a lock); exit 1.
- `DataError`: a source or the store could not deliver; exit 1, the store is untouched.

The existing classes keep their names, their modules and their built-in bases (a
`PeriodError` is still a `ValueError`); they only gained this common root. Classes that
derive from `CollabError` directly are handled where they are raised, or reach the CLI's
last line of defence as before.

Examples
--------
>>> from collab_metrics.errors import CollabError, InputError
>>> from collab_metrics.model.periods import PeriodError
>>> issubclass(PeriodError, CollabError) and issubclass(PeriodError, ValueError)
True
>>> InputError.exit_code, CollabError.exit_code
(2, 1)
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence


class CollabError(Exception):
    """Anything collab-metrics raises on purpose; `exit_code` is the CLI's exit status."""

    exit_code: int = 1


class InputError(CollabError):
    """Bad input the user can fix: the CLI prints the message and exits 2."""

    exit_code = 2


class RunError(CollabError):
    """A run failed or could not start; what was there before is untouched (exit 1)."""


class DataError(CollabError):
    """A source or the store could not deliver; nothing was written (exit 1)."""


class UnknownId(CollabError, LookupError):
    """A lookup by id that found nothing: "no goal 'x'; did you mean 'y'?".

    Examples
    --------
    >>> str(UnknownId("goal", "halve-youth", ["halve-youth-unemployment", "neet"]))
    "no goal 'halve-youth'; did you mean 'halve-youth-unemployment'?"
    """

    def __init__(self, kind: str, wanted: str, known: Sequence[str]) -> None:
        self.kind, self.wanted, self.known = kind, wanted, tuple(known)
        close = difflib.get_close_matches(wanted, self.known, n=1, cutoff=0.5)
        if close:
            hint = f"; did you mean '{close[0]}'?"
        else:
            hint = f"; known: {', '.join(self.known) or '(none)'}"
        super().__init__(f"no {kind} '{wanted}'{hint}")
