"""What the app remembers between runs (QSettings): never the API key."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings


class AppSettings:
    """Window geometry, last contact, base URL and whether to use the keychain."""

    def __init__(self, store: QSettings | None = None) -> None:
        self.store = store if store is not None else QSettings()

    @property
    def path(self) -> str:
        return self.store.fileName()

    def _get_str(self, key: str) -> str:
        value = self.store.value(key, "")
        return value if isinstance(value, str) else ""

    @property
    def geometry(self) -> QByteArray | None:
        value = self.store.value("window/geometry")
        return value if isinstance(value, QByteArray) else None

    @geometry.setter
    def geometry(self, value: QByteArray) -> None:
        self.store.setValue("window/geometry", value)

    @property
    def last_contact(self) -> str:
        return self._get_str("lookup/last_contact")

    @last_contact.setter
    def last_contact(self, value: str) -> None:
        self.store.setValue("lookup/last_contact", value)

    @property
    def base_url(self) -> str:
        return self._get_str("api/base_url")

    @base_url.setter
    def base_url(self, value: str) -> None:
        self.store.setValue("api/base_url", value)

    @property
    def remember_key(self) -> bool:
        value = self.store.value("api/remember_key_in_keychain", True)
        return value not in (False, "false", "0", 0)

    @remember_key.setter
    def remember_key(self, value: bool) -> None:
        self.store.setValue("api/remember_key_in_keychain", bool(value))

    @property
    def phone_region(self) -> str:
        """ISO country code for phone numbers typed without one ("" = from the locale)."""
        value = self._get_str("search/phone_region").strip().upper()
        return value if len(value) == 2 and value.isalpha() else ""

    @phone_region.setter
    def phone_region(self, value: str) -> None:
        self.store.setValue("search/phone_region", value)

    @property
    def keep_saved_copies(self) -> bool:
        """Keep a copy of each opened contact for offline use (else ids and names only)."""
        value = self.store.value("history/keep_saved_copies", True)
        return value not in (False, "false", "0", 0)

    @keep_saved_copies.setter
    def keep_saved_copies(self, value: bool) -> None:
        self.store.setValue("history/keep_saved_copies", bool(value))

    @property
    def history_days(self) -> int:
        """Saved copies older than this many days are deleted at start."""
        try:
            days = int(self.store.value("history/keep_days", 30))
        except (TypeError, ValueError):
            return 30
        return days if days > 0 else 30

    @property
    def history_salt(self) -> str:
        return self._get_str("history/salt")

    @history_salt.setter
    def history_salt(self, value: str) -> None:
        self.store.setValue("history/salt", value)

    def organization_for(self, key_tag: str) -> str:
        """The organization a key (by its salted hash, never the key) belonged to last time."""
        return self._get_str(f"history/organization_of_{key_tag}")

    def set_organization_for(self, key_tag: str, organization_id: str) -> None:
        self.store.setValue(f"history/organization_of_{key_tag}", organization_id)

    def sync(self) -> None:
        self.store.sync()
