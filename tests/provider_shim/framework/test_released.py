"""The released journal (``framework/released.py``): what a refresh holds is written once, at the
launch's end; a destroy's release at once; launches merge their writes."""

from __future__ import annotations

import json

from provider_shim.framework.released import ReleasedJournal


def _journal(tmp_path):
    return tmp_path / "together-remediation" / "released.json"


def _written(path) -> set[str]:
    return set(json.loads(path.read_text())["released"]) if path.exists() else set()


def test_a_refresh_holds_ids_in_memory_and_writes_them_once_at_the_end(tmp_path, monkeypatch):
    path = _journal(tmp_path)
    journal = ReleasedJournal(path)
    writes = []
    original = journal._write
    monkeypatch.setattr(journal, "_write", lambda entries: (writes.append(len(entries)), original(entries)))
    for n in range(300):
        journal.release([f"id-{n}"], durable=False)
    assert len(journal.ids()) == 300  # this launch's creates see them at once
    assert not path.exists() and writes == []
    journal.flush()
    assert writes == [300] and len(_written(path)) == 300
    journal.flush()  # nothing new: nothing written
    journal.release(["id-7"], durable=False)
    journal.flush()
    assert writes == [300]


def test_a_destroy_writes_at_once_with_what_the_launch_held_before(tmp_path):
    path = _journal(tmp_path)
    journal = ReleasedJournal(path)
    journal.release(["held"], durable=False)
    journal.release(["destroyed"], durable=True)
    assert _written(path) == {"held", "destroyed"}


def test_launches_merge_their_writes(tmp_path):
    path = _journal(tmp_path)
    first, second = ReleasedJournal(path), ReleasedJournal(path)
    assert first.ids() == second.ids() == frozenset()  # both read the empty file
    first.release(["from-first"], durable=False)
    second.release(["from-second"], durable=True)
    first.flush()
    assert _written(path) == {"from-first", "from-second"}
    assert ReleasedJournal(path).ids() == {"from-first", "from-second"}
