"""What the app tells a user after an action (stored, decided, refused), shown until a run has shown it whole.

Streamlit stops a run part-way when a newer one is asked for (a click, an edit) and starts again; any access
to ``st.session_state`` may be where it stops. A message popped from the session state when shown, or set
there after the action, could so be lost while the action itself was done: seen with ten sessions on two
servers, a checker's approval stored and never confirmed. So a notice goes into a list taken from the session
state *before* the action (appending to it is no access to the session state, so nothing can stop between
the action and its notice), is shown by every run until one of them finishes (:func:`run_finished`, at the
end of the script), and only then dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

NOTICES = "notices"  # session-state key


@dataclass
class Notice:
    place: str  # where the page shows it: the section that made it
    ok: bool  # a success, else an error
    text: str  # Thai and English
    about: object = None  # what it is about (a submission's id), for a page that shows it beside that
    shown: bool = False  # by a run (which may still be stopped before it finishes)


def inbox() -> list[Notice]:
    """This session's notices; take it before the action whose outcome it will hold."""
    return st.session_state.setdefault(NOTICES, [])


def post(box: list[Notice], place: str, text: str, *, ok: bool = True, about: object = None) -> None:
    """Add a notice to ``box`` (from :func:`inbox`, taken before the action) for the section ``place``."""
    box.append(Notice(place, ok, text, about))


def show(place: str, which: Callable[[Notice], bool] = lambda notice: True) -> None:
    """Show the notices of the section ``place`` (those of them ``which`` picks): successes in green, refusals
    in red."""
    for notice in inbox():
        if notice.place == place and which(notice):
            (st.success if notice.ok else st.error)(notice.text)
            notice.shown = True


def run_finished() -> None:
    """Drop the notices this run has shown: it reached its end, so the browser shows them (call last)."""
    box = inbox()
    box[:] = [n for n in box if not n.shown]
