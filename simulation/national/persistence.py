"""The simulated national system's state on disk: a JSON snapshot plus a journal of batches.

Rewriting the whole state after every batch costs more the bigger the state is (100k records:
tens of MB per batch). So each accepted batch is appended to ``<state file>.journal`` (one JSON
line: the batch, its sequence and the records it changed), flushed before the answer is sent,
and the snapshot is rewritten only on start, stop and tampering. A process killed at any moment
keeps every batch it answered; a torn last journal line (killed mid-write) was never answered
and is ignored.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import IO, Any


def empty_state() -> dict[str, Any]:
    return {"records": {}, "sequences": {}, "batches": {}}


def journal_path(path: Path) -> Path:
    return path.with_name(path.name + ".journal")


def apply_entry(state: dict[str, Any], entry: dict[str, Any]) -> None:
    """Replay one journal entry onto a state (idempotent: replaying twice changes nothing)."""
    batch = entry["batch"]
    state["batches"][entry["batch_id"]] = batch
    state["sequences"][f"{batch['sender']}/{batch['entity']}"] = batch["sequence"]
    state["records"].setdefault(batch["entity"], {}).update(entry["records"])


def read_state(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The snapshot with the journal replayed on top."""
    path = Path(path)
    state = json.loads(path.read_text(encoding="utf-8")) if path.exists() else empty_state()
    for name, value in empty_state().items():
        state.setdefault(name, value)
    journal = journal_path(path)
    if journal.exists():
        with journal.open(encoding="utf-8") as lines:
            for line in lines:
                try:
                    entry = json.loads(line)
                except json.JSONDecodeError:
                    break  # torn last line: that batch was never answered
                apply_entry(state, entry)
    return state


class StateFile:
    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._journal: IO[str] | None = None

    def write_snapshot(self, snapshot: dict[str, Any]) -> None:
        """Write the whole state and start an empty journal."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(self.path.name + ".tmp")
        temporary.write_text(json.dumps(snapshot, ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, self.path)
        self.close()
        journal_path(self.path).unlink(missing_ok=True)

    def append(self, entry: dict[str, Any]) -> None:
        if self._journal is None:
            self._journal = journal_path(self.path).open("a", encoding="utf-8")
        self._journal.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self._journal.flush()  # in the OS before the answer: survives the process being killed

    def close(self) -> None:
        if self._journal is not None:
            self._journal.close()
            self._journal = None
