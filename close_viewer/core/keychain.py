"""The API key in the system keychain (keyring), with an honest fallback when there is none.

keyring is imported on first use, never at start-up: resolving its backend can
take a second or more. Every call here may block (D-Bus, a locked keychain), so
the UI calls it from a worker thread only.
"""

from __future__ import annotations

SERVICE = "close-viewer"
ACCOUNT = "api-key"


class KeychainUnavailable(Exception):
    """No working keychain: the key can be kept for this session only."""


def _keyring():  # type: ignore[no-untyped-def]
    import keyring

    return keyring


def _unavailable(exc: Exception) -> KeychainUnavailable:
    # Only the exception's type is kept: backends may echo what they were given.
    return KeychainUnavailable(
        f"The system keychain is not available ({type(exc).__name__}). "
        "Your API key is kept only until you close the app."
    )


class KeyStore:
    """Reads, saves and forgets the API key under service `close-viewer`."""

    def __init__(self, service: str = SERVICE, account: str = ACCOUNT) -> None:
        self.service = service
        self.account = account

    def backend_name(self) -> str:
        backend = _keyring().get_keyring()
        priority = getattr(backend, "priority", "?")
        return f"{type(backend).__module__}.{type(backend).__name__} (priority {priority})"

    def load(self) -> str | None:
        try:
            return _keyring().get_password(self.service, self.account)
        except Exception as exc:  # keyring raises many kinds (NoKeyringError, dbus, libsecret)
            raise _unavailable(exc) from None

    def save(self, secret: str) -> None:
        try:
            _keyring().set_password(self.service, self.account, secret)
        except Exception as exc:
            raise _unavailable(exc) from None

    def forget(self) -> None:
        keyring = _keyring()
        try:
            keyring.delete_password(self.service, self.account)
        except keyring.errors.PasswordDeleteError:
            pass  # nothing stored: already forgotten
        except Exception as exc:
            raise _unavailable(exc) from None
