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


def _unavailable(exc: BaseException) -> KeychainUnavailable:
    # Nothing of the exception is kept: backends may echo what they were given, and
    # its class name means nothing to a rep.
    del exc
    return unavailable_error()


def unavailable_error() -> KeychainUnavailable:
    return KeychainUnavailable(
        "The system keychain could not be used, so your API key is kept only until you close "
        "the app. Paste it again next time, or ask IT to set up a keychain (GNOME Keyring or KWallet)."
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
            value = _keyring().get_password(self.service, self.account)
            return value if isinstance(value, str) else None
        except BaseException as exc:  # keyring raises many kinds, SystemExit from some backends too
            raise _unavailable(exc) from None

    def save(self, secret: str) -> None:
        try:
            _keyring().set_password(self.service, self.account, secret)
        except BaseException as exc:
            raise _unavailable(exc) from None

    def forget(self) -> None:
        try:
            keyring = _keyring()
        except BaseException as exc:
            raise _unavailable(exc) from None
        try:
            keyring.delete_password(self.service, self.account)
        except keyring.errors.PasswordDeleteError:
            return  # nothing stored: already forgotten
        except BaseException as exc:
            raise _unavailable(exc) from None
