"""A run's journal: what the kit created, written so that it survives a kill of the run.

Each certification run has an id (:func:`new_run_id`). Its journal is an append-only file of JSON
lines, ``<root>/<run-id>/journal.jsonl`` (``root`` defaults to ``.dctck/runs``), each line written
in one ``write`` and synced to disk before the kit goes on:

- ``{"event": "run", ...}`` first: the run id and how to reach the driver again (the driver's
  ``MODULE:ATTR``, the non-secret ``DCTCK_*`` environment it read, where its credentials came
  from; never a credential itself);
- ``{"event": "create", "seq": n, "name": ...}`` just *before* a ``create_instance`` is sent;
- ``{"event": "created", "seq": n, "id": ...}`` once it returned an instance (``seq`` is ``null``
  for an instance the kit found it made some other way, e.g. a create that should have failed);
- ``{"event": "answered", "seq": n}`` once it answered without an instance (refused it);
- ``{"event": "gone", "id": ...}`` once the kit saw the instance gone.

A ``create`` without its ``created`` is a create whose answer was lost: ``dctck sweep`` finds such
instances by the run's id (their name, or the driver's run tag: SPEC 8 ``run_tag``).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "JOURNAL_FILE",
    "RUNS_DIR",
    "Journal",
    "JournalState",
    "instance_name",
    "new_run_id",
    "read_journal",
    "reachable_environment",
    "run_directories",
]

RUNS_DIR = Path(".dctck") / "runs"
JOURNAL_FILE = "journal.jsonl"
#: Environment variables that may hold secrets are never written, whatever their prefix.
_SECRET_WORDS = ("CREDENTIAL", "PASSWORD", "SECRET", "TOKEN", "KEY")
_SYNCED = frozenset({"run", "create", "created"})
_RUN_ID = re.compile(r"^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{6}$")


def new_run_id() -> str:
    """A fresh run id: UTC time and 6 random hex digits, e.g. ``20261204T191500Z-ab12cd``."""
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()) + "-" + secrets.token_hex(3)


def is_run_id(text: str) -> bool:
    return bool(_RUN_ID.match(text))


def instance_name(run_id: str, number: int | str) -> str:
    """The name the kit gives the ``number``-th instance of a run (SPEC 8 ``user_name``)."""
    return f"{name_prefix(run_id)}{number}"


def name_prefix(run_id: str) -> str:
    """What every instance name of the run starts with."""
    return f"dctck-{run_id.lower()}-"


def reachable_environment(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The ``DCTCK_*`` variables a driver factory may read to reach its provider, without any
    whose name suggests a secret (credentials, passwords, keys, tokens)."""
    environ = os.environ if environ is None else environ
    return {
        name: value
        for name, value in sorted(environ.items())
        if name.startswith("DCTCK_") and not any(word in name for word in _SECRET_WORDS)
    }


class Journal:
    """The journal of one run, appended to and synced line by line (safe across processes:
    pytest-xdist workers of one run append to the same file)."""

    def __init__(self, path: Path, run_id: str) -> None:
        self.path = path
        self.run_id = run_id
        self._lock = threading.Lock()
        self._seq = 0
        self._prefix = f"{os.getpid()}-"

    @classmethod
    def open(cls, root: Path, run_id: str, target: Mapping[str, Any] | None = None) -> Journal:
        """The journal of ``run_id`` under ``root``, created (with its ``run`` line, describing
        ``target``) if it does not exist yet."""
        directory = Path(root) / run_id
        directory.mkdir(parents=True, exist_ok=True)
        journal = cls(directory / JOURNAL_FILE, run_id)
        if not journal.path.exists() or journal.path.stat().st_size == 0:
            journal._append({"event": "run", "run_id": run_id, **dict(target or {})})
        return journal

    def intent(self, name: str | None, account: str) -> str:
        """Record a ``create_instance`` about to be sent with the credentials labelled
        ``account`` ("valid credentials", "other account"); returns its sequence key."""
        with self._lock:
            self._seq += 1
            seq = f"{self._prefix}{self._seq}"
        self._append({"event": "create", "seq": seq, "name": name, "account": account})
        return seq

    def created(self, seq: str | None, instance_id: str, account: str | None = None) -> None:
        """Record the id a create returned (``seq`` ``None``: an instance found otherwise, of
        ``account``)."""
        record = {"event": "created", "seq": seq, "id": instance_id}
        self._append(record if account is None else {**record, "account": account})

    def gone(self, instance_id: str) -> None:
        """Record that the kit saw the instance gone."""
        self._append({"event": "gone", "id": instance_id})

    def note(self, event: str, **fields: Any) -> None:
        """Any other event (``interrupted``, ``finished``, ``sweep``)."""
        self._append({"event": event, **fields})

    def _append(self, record: Mapping[str, Any]) -> None:
        """One line in one ``write`` (whole even when the process is killed right after);
        synced to disk for what a sweep needs (the run, creates and their ids): a lost
        ``gone`` or ``answered`` line costs a sweep one more look, never a leak."""
        line = json.dumps({"time": round(time.time(), 3), **record}, sort_keys=True) + "\n"
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line.encode("utf-8"))
            if record.get("event") in _SYNCED:
                os.fsync(fd)
        finally:
            os.close(fd)


@dataclass
class JournalState:
    """What a journal says: the run, the instances that may still be alive, the lost answers."""

    run_id: str
    target: dict[str, Any]
    #: Every instance id the run created, with the account label it belongs to.
    instances: dict[str, str] = field(default_factory=dict)
    #: The ids the kit saw gone.
    gone: set[str] = field(default_factory=set)
    #: Creates sent whose answer never came: (the name given, if any; the account label).
    lost: list[tuple[str | None, str]] = field(default_factory=list)
    swept: bool = False

    @property
    def accounts(self) -> list[str]:
        """The account labels the run created instances with (or tried to)."""
        labels = [*self.instances.values(), *(account for _, account in self.lost)]
        return list(dict.fromkeys(labels))


def read_journal(path: Path) -> JournalState:
    """Read a journal file; ``ValueError`` if it has no ``run`` line. A torn last line (a kill
    mid-write) is ignored."""
    records = list(_records(path))
    head = next((r for r in records if r.get("event") == "run"), None)
    if head is None:
        raise ValueError(f"{path} is not a dctck journal (no run line)")
    target = {k: v for k, v in head.items() if k not in ("event", "time", "run_id")}
    state = JournalState(str(head.get("run_id", path.parent.name)), target)
    intents: dict[str, tuple[str | None, str]] = {}
    answered: set[str] = set()
    for record in records:
        event = record.get("event")
        if event == "create":
            account = str(record.get("account") or "valid credentials")
            intents[str(record.get("seq"))] = (record.get("name"), account)
        elif event == "created" and isinstance(record.get("id"), str):
            seq = record.get("seq")
            if seq is not None:
                answered.add(str(seq))
            account = record.get("account") or intents.get(str(seq), (None, ""))[1]
            state.instances[record["id"]] = str(account or "valid credentials")
        elif event == "answered":
            answered.add(str(record.get("seq")))
        elif event == "gone" and isinstance(record.get("id"), str):
            state.gone.add(record["id"])
        elif event == "swept":
            state.swept = True
    state.lost = [intent for seq, intent in intents.items() if seq not in answered]
    return state


def _records(path: Path) -> Iterator[dict[str, Any]]:
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict):
            yield record


def run_directories(root: Path) -> list[Path]:
    """The run directories under ``root`` that hold a journal, oldest first."""
    if not Path(root).is_dir():
        return []
    return sorted(p for p in Path(root).iterdir() if p.is_dir() and (p / JOURNAL_FILE).is_file())
