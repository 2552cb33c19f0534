"""The released journal: remediations this working directory's state holds or has held.

Adoption takes only the leftover of an interrupted apply: a remediation that never reached state.
So every id the provider sees in state (a refresh, a plan or an update of an existing object, an
import) and every id a destroy forgets is written to
``${TF_DATA_DIR:-.terraform}/together-remediation/released.json`` (relative to the provider's
working directory, which is Terraform's), and a create never adopts an id listed there: a
destroy and re-apply, a ``-replace`` or a tainted object's replacement runs a new attempt.
Because the plan launch and the apply launch read the same file, the apply's own re-plan of a
create (Terraform plans it again, without private state) decides as the plan did.

Written atomically (a temporary file renamed over it), and only when an id is new: at once for a
destroy, at the launch's end (Shutdown, before the next launch starts) for what refreshes and
plans saw in state. A missing or unreadable file reads as empty, so the journal can only make a
create run a new attempt.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from pathlib import Path

from together_api.ids import canonical_remediation_id

log = logging.getLogger("provider_shim.released")

FILE_NAME = "released.json"
# Ids older than this are dropped: by then a leftover is far older than any timeouts.create.
KEEP_SECONDS = 30 * 24 * 3600
MAX_ENTRIES = 20_000


def journal_path() -> Path:
    return Path(os.environ.get("TF_DATA_DIR") or ".terraform") / "together-remediation" / FILE_NAME


class ReleasedJournal:
    """Read once per launch. A destroy's release is written at once; what refreshes and plans
    hold is written once, when the launch ends (``flush``): a first refresh of N objects writes
    the file once, not N times."""

    def __init__(self, path: Path | None = None):
        self.path = path or journal_path()
        self._lock = threading.Lock()
        self._ids: dict[str, float] | None = None
        self._unwritten = False

    def ids(self) -> frozenset[str]:
        with self._lock:
            return frozenset(self._loaded())

    def release(self, remediation_ids: list[str], *, durable: bool = True) -> None:
        """Record ``remediation_ids`` as released; written now if ``durable``, else by ``flush``.

        Either way this launch's own creates see them at once (they ask ``ids``)."""
        ids = [canonical_remediation_id(r) for r in remediation_ids if isinstance(r, str) and r]
        with self._lock:
            known = self._loaded()
            new = [rid for rid in ids if rid not in known]
            if new:
                now = time.time()
                known.update((rid, now) for rid in new)
                self._unwritten = True
            if durable and self._unwritten:
                self._write_merged()

    def flush(self) -> None:
        """Write what this launch released and has not written yet (at the launch's end)."""
        with self._lock:
            if self._unwritten:
                self._write_merged()

    def _write_merged(self) -> None:
        # Other launches may have written since this one read: keep theirs too (newest time wins).
        entries = self._read()
        for rid, seen in self._loaded().items():
            entries[rid] = max(seen, entries.get(rid, 0.0))
        now = time.time()
        kept = sorted(((t, rid) for rid, t in entries.items() if now - t < KEEP_SECONDS), reverse=True)[:MAX_ENTRIES]
        self._ids = {rid: t for t, rid in kept}
        self._unwritten = False
        try:
            self._write(self._ids)
        except OSError as exc:
            log.warning("could not write the released journal %s: %s", self.path, exc)

    def _loaded(self) -> dict[str, float]:
        if self._ids is None:
            self._ids = self._read()
        return self._ids

    def _read(self) -> dict[str, float]:
        try:
            document = json.loads(self.path.read_text())
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            log.warning("ignoring the unreadable released journal %s: %s", self.path, exc)
            return {}
        released = document.get("released") if isinstance(document, dict) else None
        if not isinstance(released, dict):
            return {}
        return {k: float(v) for k, v in released.items() if isinstance(k, str) and isinstance(v, (int, float))}

    def _write(self, entries: dict[str, float]) -> None:
        import tempfile  # only launches that saw new ids write: a steady refresh never pays for it

        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".released-", suffix=".json")
        try:
            with os.fdopen(handle, "w") as out:
                json.dump({"released": entries}, out, sort_keys=True)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
