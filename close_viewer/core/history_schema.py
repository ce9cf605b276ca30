"""The history file's schema and its migrations (see core/history.py). No Qt.

Each migration takes the file from version N to N + 1; SCHEMA_V1 is the first schema as
it shipped, kept to test the upgrade from it.
"""

from __future__ import annotations

import sqlite3
import unicodedata
from collections.abc import Callable

SCHEMA_VERSION = 2

SCHEMA_V1 = """
CREATE TABLE entries (
    organization_id TEXT NOT NULL,
    contact_id TEXT NOT NULL,
    name TEXT NOT NULL,
    company TEXT NOT NULL DEFAULT '',
    opened_at REAL NOT NULL,
    PRIMARY KEY (organization_id, contact_id)
);
CREATE TABLE saved (
    organization_id TEXT NOT NULL,
    contact_id TEXT NOT NULL,
    saved_at REAL NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (organization_id, contact_id)
);
"""

SEARCH_INDEX = (
    "CREATE VIRTUAL TABLE entries_search USING fts5("
    "search, content='entries', content_rowid='rowid', tokenize='trigram')",
    "CREATE TRIGGER entries_added AFTER INSERT ON entries BEGIN "
    "INSERT INTO entries_search (rowid, search) VALUES (new.rowid, new.search); END",
    "CREATE TRIGGER entries_removed AFTER DELETE ON entries BEGIN "
    "INSERT INTO entries_search (entries_search, rowid, search) "
    "VALUES ('delete', old.rowid, old.search); END",
    "CREATE TRIGGER entries_changed AFTER UPDATE OF search ON entries BEGIN "
    "INSERT INTO entries_search (entries_search, rowid, search) "
    "VALUES ('delete', old.rowid, old.search); "
    "INSERT INTO entries_search (rowid, search) VALUES (new.rowid, new.search); END",
)


def fold(text: str) -> str:
    """Text as the recent list searches it: lower case, accents off ("María" -> "maria")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _to_v2(db: sqlite3.Connection) -> None:
    """Version 2: the contact's title, a folded search text, indexes by time."""
    db.execute("ALTER TABLE entries ADD COLUMN title TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE entries ADD COLUMN search TEXT NOT NULL DEFAULT ''")
    db.execute("CREATE INDEX entries_by_time ON entries (organization_id, opened_at DESC)")
    db.execute("CREATE INDEX saved_by_time ON saved (saved_at)")
    rows = db.execute("SELECT rowid, contact_id, name, company FROM entries").fetchall()
    db.executemany(
        "UPDATE entries SET search = ? WHERE rowid = ?",
        [(fold(f"{name} {company} {contact_id}"), rowid) for rowid, contact_id, name, company in rows],
    )
    db.execute("SAVEPOINT search_index")
    try:  # a substring index (SQLite 3.34+ with FTS5); without it, searches read every entry
        for statement in SEARCH_INDEX:
            db.execute(statement)
        db.execute("INSERT INTO entries_search (entries_search) VALUES ('rebuild')")
    except sqlite3.OperationalError:
        db.execute("ROLLBACK TO search_index")
    db.execute("RELEASE search_index")


# Each step takes the file from version N to N + 1.
MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {1: _to_v2}


def migrate(db: sqlite3.Connection) -> None:
    """Bring the file to SCHEMA_VERSION; a file from a newer version is refused as damaged."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise sqlite3.DatabaseError(f"history file is from a newer version ({version})")
    if version == SCHEMA_VERSION:
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        if version == 0:
            for statement in SCHEMA_V1.split(";"):
                if statement.strip():
                    db.execute(statement)
        for step in range(max(1, version), SCHEMA_VERSION):
            MIGRATIONS[step](db)
        db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
