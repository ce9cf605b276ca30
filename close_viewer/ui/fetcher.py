"""Jobs against the Close API off the GUI thread, with supersede and cancel.

FetchWorker lives in its own QThread and owns one CloseClient (one
kept-alive connection, reused across jobs). A job is any function of the client and
a CancelToken (fetch a contact, search, read a lead and then its contact).
Fetcher is the worker's GUI-side handle: each job gets an id and a CancelToken;
starting a new job cancels the previous one (the worker is free at once) and
only the latest job's result is ever emitted. The worker reports every outcome,
whatever the job raised.

The HTTP stack is imported in the worker thread on first use, never on the start path.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from close_viewer.core.errors import CloseViewerError, UnexpectedError

if TYPE_CHECKING:
    from close_viewer.core.api import CloseClient
    from close_viewer.core.cancel import CancelToken
    from close_viewer.core.credentials import Credential


Work = Callable[["CloseClient", "CancelToken"], object]


@dataclass(frozen=True)
class FetchJob:
    job_id: int
    base_url: str
    work: Work
    doing: str  # "looking up the contact": for the words of an unexpected error
    token: CancelToken


def unexpected_error(exc: BaseException, doing: str) -> UnexpectedError:
    """Log an exception nobody expected (traceback scrubbed of secrets) and word it for the rep."""
    from close_viewer import logs

    logs.error(f"Unexpected error while {doing}", exc)
    where = logs.log_path()
    return UnexpectedError(
        f"Something unexpected went wrong while {doing}.",
        (f"Details are in the log: {where}. " if where else "")
        + "Try again; if it keeps happening, please report it.",
    )


class FetchWorker(QObject):
    """Runs in the fetch thread.

    Signals: succeeded(job_id, Contact), failed(job_id, CloseViewerError).
    """

    succeeded = Signal(int, object)
    failed = Signal(int, object)

    def __init__(self, client_options: dict[str, Any] | None = None) -> None:
        super().__init__()
        self._client: CloseClient | None = None
        self._client_options = client_options or {}

    @Slot()
    def warm_up(self) -> None:
        """Import the HTTP stack now, in this thread, so the first lookup does not pay for it."""
        import close_viewer.core.api  # noqa: F401

    @Slot(object)
    def fetch(self, job: FetchJob) -> None:
        if job.token.cancelled:
            return
        try:
            client = self._client_for(job.base_url)
            result = job.work(client, job.token)
        except CloseViewerError as exc:  # FetchCancelled too: the Fetcher drops it
            self.failed.emit(job.job_id, exc)
        except BaseException as exc:  # whatever it was, the window must hear of it
            self.failed.emit(job.job_id, unexpected_error(exc, job.doing))
        else:
            self.succeeded.emit(job.job_id, result)

    @Slot()
    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def _client_for(self, base_url: str) -> CloseClient:
        from close_viewer.core.api import CloseClient

        if self._client is None or self._client.base_url != base_url.rstrip("/"):
            if self._client is not None:
                self._client.close()
            self._client = CloseClient(base_url, **self._client_options)
        return self._client


class Fetcher(QObject):
    """GUI-side handle on the fetch thread.

    Signals: started(label), finished(result: Contact, SearchPage or LeadContacts),
    failed(CloseViewerError), cancelled(), busy_changed(bool).
    """

    started = Signal(str)
    finished = Signal(object)
    failed = Signal(object)
    cancelled = Signal()
    busy_changed = Signal(bool)

    _submit = Signal(object)
    _warm_up = Signal()
    _close = Signal()

    def __init__(self, parent: QObject | None = None, client_options: dict[str, Any] | None = None) -> None:
        """`client_options` go to CloseClient (e.g. timeout), for tests and tuning."""
        super().__init__(parent)
        self.client_options = client_options
        self._thread = QThread()
        self._thread.setObjectName("fetch-thread")
        self._worker = FetchWorker(client_options)
        self._worker.moveToThread(self._thread)
        self._thread.finished.connect(self._worker.deleteLater)
        self._submit.connect(self._worker.fetch)
        self._warm_up.connect(self._worker.warm_up)
        self._close.connect(self._worker.close)
        self._worker.succeeded.connect(self._on_succeeded)
        self._worker.failed.connect(self._on_failed)
        self._next_id = 0
        self._current: FetchJob | None = None
        self._running = False
        self._shut_down = False

    @property
    def busy(self) -> bool:
        return self._current is not None

    def start_thread(self) -> None:
        if not self._running and not self._shut_down:
            self._thread.start()
            self._running = True
            self._warm_up.emit()

    def fetch(
        self, base_url: str, contact_id: str, credential: Credential, fields: tuple[str, ...] = ()
    ) -> int:
        """Look up one contact, superseding any running job; returns its job id."""

        def work(client: CloseClient, token: CancelToken) -> object:
            return client.fetch_contact(contact_id, credential, list(fields), token)

        return self.run(base_url, work, contact_id, "looking up the contact")

    def run(self, base_url: str, work: Work, label: str, doing: str) -> int:
        """Run `work(client, token)` in the fetch thread, superseding any running job.
        After `shutdown` nothing runs (and -1 is returned): the app is quitting."""
        from close_viewer.core.cancel import CancelToken

        if self._shut_down:
            return -1
        self.start_thread()
        was_busy = self.busy
        if self._current is not None:
            self._current.token.cancel()
        self._next_id += 1
        job = FetchJob(self._next_id, base_url, work, doing, CancelToken())
        self._current = job
        self.started.emit(label)
        if not was_busy:
            self.busy_changed.emit(True)
        self._submit.emit(job)
        return job.job_id

    def cancel(self) -> bool:
        """Abandon the running lookup; False if there was none."""
        if self._current is None:
            return False
        self._current.token.cancel()
        self._current = None
        self.busy_changed.emit(False)
        self.cancelled.emit()
        return True

    def shutdown(self) -> None:
        """Stop accepting work, cancel, stop the thread and wait for it: call before the app quits."""
        self._shut_down = True
        if self._current is not None:
            self._current.token.cancel()
            self._current = None
        if self._running:
            self._close.emit()
            self._thread.quit()
            self._thread.wait()
            self._running = False

    def _take(self, job_id: int) -> bool:
        """True if this result belongs to the lookup the user is waiting for."""
        if self._current is None or self._current.job_id != job_id:
            return False  # superseded or cancelled: drop it
        self._current = None
        return True

    @Slot(int, object)
    def _on_succeeded(self, job_id: int, contact: object) -> None:
        if self._take(job_id):
            self.finished.emit(contact)
            self.busy_changed.emit(False)

    @Slot(int, object)
    def _on_failed(self, job_id: int, error: object) -> None:
        if self._take(job_id):
            self.failed.emit(error)
            self.busy_changed.emit(False)
