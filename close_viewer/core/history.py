"""Recent contacts and their saved copies, in SQLite (the standard library's sqlite3). No Qt.

Every entry belongs to the organization of the key that fetched it, and every read
names the organization: another organization's contacts are neither listed nor shown.
The API key is never stored (nothing here takes it).

The file is in WAL mode with `synchronous=NORMAL` (a crash loses at most the last
entry, never the file), carries a schema version (`PRAGMA user_version`) with
migrations, and is readable by its owner only (0600). It never stops the app:

- a damaged or unreadable file is moved aside (kept for support) and a new one is
  made; `reset_reason` says so once;
- a full disk or a read-only folder turns history off; `disabled_reason` says why,
  and every call is then a no-op that returns nothing.

Each call is one short statement on an indexed table (measured in tests.perf on a
10,000-entry history); the saved copy of a contact larger than SAVED_COPY_MAX_ROWS
rows is not kept (its entry is), so no call writes megabytes.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from close_viewer.core import history_files
from close_viewer.core.history_copy import copy_text, read_copy, without_secrets
from close_viewer.core.history_files import UnsafePlace
from close_viewer.core.history_schema import SCHEMA_V1, SCHEMA_VERSION, fold, migrate

__all__ = ["SCHEMA_V1", "SCHEMA_VERSION", "Entry", "History", "SavedCopy", "fold"]

RECENT_LIMIT = 50
KEEP_DAYS = 30
SAVED_COPY_MAX_ROWS = 2_000  # emails + phones + calls + subscriptions
CHECKPOINT_EVERY = 50  # contacts recorded between two background checkpoints…
CHECKPOINT_BYTES = 1_000_000  # …or this much saved-copy text, whichever comes first
WAL_LIMIT = 2_000_000  # bytes the write-ahead log is cut back to once checkpointed
WARM_READS = (  # every page of what the recent list and a search read (see checkpoint_soon)
    "SELECT sum(length(search)), sum(length(name)) FROM entries",
    "SELECT count(*) FROM entries INDEXED BY entries_by_time WHERE organization_id > ''",
    "SELECT sum(length(block)) FROM entries_search_data",
    "SELECT count(*) FROM entries_search_idx",
    "SELECT sum(length(sz)) FROM entries_search_docsize",
)


@dataclass(frozen=True)
class Entry:
    contact_id: str
    name: str
    title: str
    company: str
    opened_at: datetime


@dataclass(frozen=True)
class SavedCopy:
    body: dict[str, Any]
    saved_at: datetime


def _moment(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, timezone.utc)


class History:
    """The history file at `path`. Safe to call in any state: after a failure, calls do nothing."""

    def __init__(
        self,
        path: Path,
        keep_copies: bool = True,
        keep_days: int = KEEP_DAYS,
        log: Callable[[str], None] | None = None,
    ) -> None:
        """`log` hears of what was not kept (never its content)."""
        self.path = path
        self.keep_copies = keep_copies
        self.keep_days = keep_days
        self.log: Callable[[str], None] = log or (lambda _message: None)
        # Every form of every secret the app holds: removed from all text before it is stored.
        self.secrets: Callable[[], Iterable[str]] = lambda: ()
        self.reset_reason = ""  # set once when a damaged file was moved aside
        self.disabled_reason = ""  # set when history cannot be written at all
        self._db: sqlite3.Connection | None = None
        self._indexed = False  # whether entries_search (the substring index) exists
        self._writes = 0
        self._copy_bytes = 0  # saved-copy text written since the last checkpoint
        self._checkpointer: threading.Thread | None = None
        self._open()
        self.checkpoint_soon(warm=True)

    # --- opening -------------------------------------------------------------------

    def _open(self) -> None:
        try:
            self._db = self._connect()
        except sqlite3.OperationalError as exc:
            if _is_damage(exc):
                self._replace_damaged(exc)
            else:
                self._disable(exc)
        except sqlite3.DatabaseError as exc:  # "file is not a database", "malformed"
            self._replace_damaged(exc)
        except UnsafePlace as exc:
            self._refuse(exc)
        except OSError as exc:
            self._disable(exc)

    def _connect(self) -> sqlite3.Connection:
        # Never through a link, never in a folder others can change (UnsafePlace).
        history_files.prepare(self.path, self.log)
        db = sqlite3.connect(self.path, timeout=2.0, isolation_level=None, check_same_thread=False)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            # No checkpoint inside a call the window waits for: they run in a thread (below);
            # once one has run, the log is cut back to WAL_LIMIT bytes (it reached 26 MB).
            db.execute("PRAGMA wal_autocheckpoint=0")
            db.execute(f"PRAGMA journal_size_limit={WAL_LIMIT}")
            db.execute("PRAGMA foreign_keys=ON")
            migrate(db)
            db.execute("SELECT count(*) FROM entries").fetchone()  # a damaged file says so here
            self._indexed = bool(
                db.execute("SELECT 1 FROM sqlite_master WHERE name = 'entries_search'").fetchone()
            )
        except BaseException:
            db.close()
            raise
        history_files.make_side_files_private(self.path)  # WAL's side files hold the same data
        return db

    def _replace_damaged(self, exc: BaseException) -> None:
        """Move the damaged file (and its WAL) aside, keep it for support, start afresh."""
        self.close()
        stamp = time.strftime("%Y%m%d-%H%M%S")
        aside = self.path.with_name(f"{self.path.name}.damaged-{stamp}")
        try:
            for suffix in ("", "-wal", "-shm"):
                source = Path(f"{self.path}{suffix}")
                if source.exists():
                    source.replace(Path(f"{aside}{suffix}"))
            self._db = self._connect()
        except (OSError, sqlite3.Error) as again:
            self._disable(again)
            return
        self.reset_reason = (
            f"The history file could not be read ({_words(exc)}), so a new one was started. "
            f"The old file was kept as {aside.name} for support."
        )

    def _disable(self, exc: BaseException) -> None:
        self.close()
        self.disabled_reason = (
            f"Recent contacts are off for this session: the history file in {self.path.parent} "
            f"cannot be written ({_words(exc)}). Lookups work as usual."
        )

    def _refuse(self, exc: UnsafePlace) -> None:
        """A link or a folder others can change: nothing is written there (see history_files)."""
        self.close()
        self.disabled_reason = f"Recent contacts are off: {exc}. Lookups work as usual."

    def checkpoint_soon(self, warm: bool = False) -> None:
        """Fold the write-ahead log into the file, in a thread with its own connection
        (SQLite lets it run beside this one), so that no call of the window's pays for it.

        With `warm` (at open), it first reads what the recent list and a search read: the
        entries and their substring index, about 4 MB for 10,000 entries, not the saved
        copies. From a cold disk cache the first search otherwise waited 11-14 ms on the disk
        (measured); the rep's first letters come later than this takes."""
        if self._db is None:
            return
        path = self.path
        reads: tuple[str, ...] = WARM_READS if warm else ()
        if not self._indexed:  # (a SQLite without FTS5: no substring index to read)
            reads = tuple(r for r in reads if "entries_search" not in r)

        def work() -> None:
            with contextlib.suppress(sqlite3.Error, OSError):
                db = sqlite3.connect(path, timeout=5.0)
                try:
                    for read in reads:
                        db.execute(read).fetchall()
                    db.execute("PRAGMA wal_checkpoint(PASSIVE)")
                finally:
                    db.close()

        self._copy_bytes = 0
        self._checkpointer = threading.Thread(target=work, name="history-checkpoint", daemon=True)
        self._checkpointer.start()

    def settle(self, timeout: float = 5.0) -> None:
        """Wait for the background read and checkpoint (for tests and the benchmark)."""
        if self._checkpointer is not None:
            self._checkpointer.join(timeout)

    @property
    def enabled(self) -> bool:
        return self._db is not None

    def close(self) -> None:
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.execute("PRAGMA wal_checkpoint(PASSIVE)")  # on the way out: the file is whole
                self._db.close()
            self._db = None

    # --- every call goes through here ----------------------------------------------

    def _run(self, sql: str, args: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        if self._db is None:
            return []
        try:
            return self._db.execute(sql, args).fetchall()
        except sqlite3.OperationalError as exc:
            if _is_damage(exc):
                self._replace_damaged(exc)
            else:  # full disk, read-only, locked for too long
                self._disable(exc)
        except sqlite3.DatabaseError as exc:
            self._replace_damaged(exc)
        return []

    # --- what the window asks ------------------------------------------------------

    def record(
        self,
        organization_id: str,
        contact_id: str,
        name: str,
        title: str = "",
        company: str = "",
        body: dict[str, Any] | None = None,
        rows: int = 0,
    ) -> None:
        """A contact was opened: it goes to the top of the list; its saved copy is replaced
        (if copies are kept and it has at most SAVED_COPY_MAX_ROWS rows, and it can be
        written: see history_copy). Never raises, whatever the body holds."""
        if not organization_id or not contact_id:
            return
        secrets = list(self.secrets())
        name, title, company = (without_secrets(str(t), secrets) for t in (name, title, company))
        if not company:  # the company comes with the card: keep the one known until then
            known = self.entry(organization_id, contact_id)
            company = known.company if known is not None else ""
        now = time.time()
        search = fold(f"{name} {title} {company} {contact_id}")
        self._run(
            "INSERT INTO entries (organization_id, contact_id, name, title, company, opened_at, search) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (organization_id, contact_id) DO UPDATE SET "
            "name = excluded.name, title = excluded.title, "
            "company = excluded.company, "
            "opened_at = excluded.opened_at, search = excluded.search",
            (
                organization_id,
                contact_id,
                name,
                title,
                company,
                now,
                search,
            ),
        )
        text: str | None = None
        if self.keep_copies and body is not None and rows <= SAVED_COPY_MAX_ROWS:
            text, why = copy_text(body, secrets)
            if text is None:
                self.log(f"The saved copy of {contact_id} was not kept: {why}")
        if text is not None:
            self._copy_bytes += len(text)
            self._run(
                "INSERT OR REPLACE INTO saved (organization_id, contact_id, saved_at, body) "
                "VALUES (?, ?, ?, ?)",
                (organization_id, contact_id, now, text),
            )
        elif body is not None:  # too large or unsavable now, or copies off: no stale copy stays
            self._run(
                "DELETE FROM saved WHERE organization_id = ? AND contact_id = ?",
                (organization_id, contact_id),
            )
        self._writes += 1  # after the writes, so the checkpoint can take all of them
        if self._writes % CHECKPOINT_EVERY == 0 or self._copy_bytes >= CHECKPOINT_BYTES:
            self.checkpoint_soon()

    def set_company(self, organization_id: str, contact_id: str, company: str) -> None:
        """The company arrives after the contact (with its card)."""
        company = without_secrets(company, self.secrets())
        if company:
            self._run(
                "UPDATE entries SET company = ?, search = search || ' ' || ? "
                "WHERE organization_id = ? AND contact_id = ? AND company != ?",
                (company, fold(company), organization_id, contact_id, company),
            )

    def recent(self, organization_id: str, text: str = "", limit: int = RECENT_LIMIT) -> list[Entry]:
        """This organization's most recent contacts, newest first; with `text`, those whose
        name, title, company or id contains it (any case)."""
        if not organization_id:
            return []
        columns = "e.contact_id, e.name, e.title, e.company, e.opened_at"
        sql = f"SELECT {columns} FROM entries e WHERE e.organization_id = ?"
        args: tuple[Any, ...] = (organization_id,)
        needle = fold(text.strip())
        if len(needle) >= 3 and self._indexed:  # the trigram index finds any part of a word
            # The matches first (a few rows from the index), then their entries by rowid.
            sql = (
                f"SELECT {columns} FROM (SELECT rowid AS found FROM entries_search "
                "WHERE entries_search MATCH ?) CROSS JOIN entries e ON e.rowid = found "
                "WHERE e.organization_id = ?"
            )
            args = ('"' + needle.replace('"', '""') + '"', organization_id)
        elif needle:
            pattern = "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            sql += " AND e.search LIKE ? ESCAPE '\\'"
            args += (pattern,)
        sql += " ORDER BY e.opened_at DESC LIMIT ?"
        rows = self._run(sql, (*args, limit))
        return [Entry(r[0], r[1], r[2], r[3], _moment(r[4])) for r in rows]

    def entry(self, organization_id: str, contact_id: str) -> Entry | None:
        rows = self._run(
            "SELECT contact_id, name, title, company, opened_at FROM entries "
            "WHERE organization_id = ? AND contact_id = ?",
            (organization_id, contact_id),
        )
        return Entry(rows[0][0], rows[0][1], rows[0][2], rows[0][3], _moment(rows[0][4])) if rows else None

    def saved_copy(self, organization_id: str, contact_id: str) -> SavedCopy | None:
        """The contact as it was last opened by this organization, or None."""
        if not organization_id or not self.keep_copies:
            return None
        rows = self._run(
            "SELECT body, saved_at FROM saved WHERE organization_id = ? AND contact_id = ?",
            (organization_id, contact_id),
        )
        body = read_copy(rows[0][0]) if rows else None  # (None for one too deep to show)
        return SavedCopy(body, _moment(rows[0][1])) if body is not None else None

    def prune(self, now: float | None = None) -> None:
        """Delete saved copies older than `keep_days` (entries stay: ids and names only)."""
        cutoff = (now or time.time()) - self.keep_days * 86_400
        self._run("DELETE FROM saved WHERE saved_at < ?", (cutoff,))

    def drop_copies(self) -> None:
        """Saved copies turned off: keep only ids and names."""
        self._run("DELETE FROM saved")

    def clear(self) -> None:
        """Every entry and saved copy, of every organization, emptied in the file itself, so
        that every window with the file open (--new-window) sees it at once and none goes on
        writing to a file that is gone: the file is then rebuilt empty (VACUUM, so nothing
        cleared stays in its free pages) and the write-ahead log emptied. A file that cannot be
        cleared so (damaged) is deleted and made anew."""
        if self._db is None:
            return
        if self._checkpointer is not None:
            self._checkpointer.join(timeout=5)
        db = self._db
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                db.execute("DELETE FROM saved")
                db.execute("DELETE FROM entries")
                if self._indexed:  # the substring index's old segments go too
                    db.execute("INSERT INTO entries_search (entries_search) VALUES ('rebuild')")
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        except sqlite3.Error:
            self._remake()
            return
        with contextlib.suppress(sqlite3.Error):  # (busy: the next checkpoints finish the job)
            db.execute("VACUUM")
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()

    def _remake(self) -> None:
        self.close()
        try:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        except OSError as exc:
            self._disable(exc)
            return
        self._open()


def _is_damage(exc: sqlite3.Error) -> bool:
    text = str(exc).lower()
    return "malformed" in text or "not a database" in text or "newer version" in text


def _words(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text[:200]
