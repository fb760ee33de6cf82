"""What a run tells whoever watches it, as typed events: the CLI draws them (rich progress bar,
coloured notices), a test or a bench may record them or pass nothing. The batch never sees a
console."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class RunEvent:
    """One step of a run.

    notice: a sentence for the facilitator (French, plain text, no markup) with an optional
      short `label` the CLI highlights ("--lang", "OCR");
    start: `total` photos are about to be analysed (resumed and duplicate ones not counted);
    photo: one more photo analysed (`done` of `total`, `file` its name);
    end: the analysis of photos is over (finished, stopped or interrupted).
    """

    kind: Literal["notice", "start", "photo", "end"]
    text: str = ""
    label: str = ""
    done: int = 0
    total: int = 0
    file: str = ""


ProgressCallback = Callable[[RunEvent], None]


def silent(event: RunEvent) -> None:
    """The progress callback of a run nobody watches."""


def notice(progress: ProgressCallback, text: str, label: str = "") -> None:
    progress(RunEvent("notice", text=text, label=label))
