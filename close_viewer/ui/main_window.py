"""The main window: key and contact fields, the contact header, one tab per kind of row.

All network and keychain work happens elsewhere (Fetcher, KeychainWorker);
this module only wires their signals to widgets. It imports neither the HTTP
stack nor keyring, so the window can be on screen before either is loaded.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from close_viewer.core import errors
from close_viewer.core.text import one_line
from close_viewer.ui.contact_tabs import ContactTabs
from close_viewer.ui.header import ContactHeader
from close_viewer.ui.settings import AppSettings
from close_viewer.ui.startup import after_first_paint, after_next_paint

if TYPE_CHECKING:
    from datetime import datetime

    from close_viewer.core.history import Entry
    from close_viewer.core.model import Contact
    from close_viewer.core.names import Card, Me
    from close_viewer.core.search_model import LeadContacts, Match, SearchPage
    from close_viewer.ui.fetcher import Fetcher
    from close_viewer.ui.keychain_worker import KeychainWorker
    from close_viewer.ui.lookup import ActivityResult


WELCOME = (
    "Look up a contact: type a name, an email address or a phone number in the Contact field, "
    "or paste a contact or lead link from Close, and press Enter.\n\n"
    "No Close account at hand? Start the app with --demo to try it with sample contacts."
)
SUGGEST_PAUSE_MS = 200  # type-ahead waits this long after the last keystroke
PREVIOUS_AFTER_MS = 300  # a lookup slower than this marks the contact on screen as the previous one
SUGGEST_MIN_CHARS = 3
EARLY_WAIT_MS = 400  # the start-up lookup's head start before the rest of the window is built

RETRYABLE = (
    errors.NetworkError,
    errors.ServerError,
    errors.RateLimited,
    errors.BadResponse,
    errors.UnexpectedError,
)


class StartOptions(NamedTuple):
    """How the window starts: where the key comes from, what to open first."""

    base_url: str
    contact: str = ""
    fields: tuple[str, ...] = ()
    session_key: str | None = None  # from CLOSE_API_KEY or --demo: used, never saved
    session_key_source: str = ""
    use_keychain: bool = True
    extra_title: str = ""
    history_path: str = ""  # the recent contacts file; "" keeps no history


class MainWindow(QMainWindow):
    """The window. It is built in two steps: what the first frame shows (inputs, header,
    tab bar), then, right after the first paint, the tables, the menus' actions and the
    workers (`_build_rest`). With `close-viewer CONTACT` and a key at hand, the contact is
    asked for in between, and the rest is built once its answer is painted
    (`_start_early_lookup`). `ready` is emitted once the window is whole.

    Signals: ready(), contact_shown(Contact), error_shown(CloseViewerError),
    activity_shown(ActivityPage).
    """

    ready = Signal()
    closed = Signal()
    contact_shown = Signal(object)
    error_shown = Signal(object)
    activity_shown = Signal(object)  # an ActivityPage, once it is in the Activity tab

    def __init__(
        self,
        options: StartOptions,
        settings: AppSettings | None = None,
        keychain: KeychainWorker | None = None,
        fetcher: Fetcher | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.options = options
        self.settings = settings or AppSettings()
        self._given_keychain = keychain
        self._given_fetcher = fetcher
        self.is_ready = False
        self.field_proof_shortcuts: tuple[QKeySequence, ...] = ()  # set with the menus' actions
        self._pending_fetch = False
        self.contact: Contact | None = None
        self.loaded_at: datetime | None = None
        self._last_contact_id = ""
        self._saved_key: str | None = None
        self._keychain_ok = options.use_keychain
        self._fetch_started = 0.0
        self._startup_notices: list[tuple[str, str]] = []
        self._checked_key = ""
        self._early_id = ""  # the contact the early lookup asks for, while it runs
        self._closing = False

        # Qt appends the application's display name ("… — Close Contact Viewer").
        self.setWindowTitle(options.extra_title)
        self.setObjectName("mainWindow")
        self._build_inputs()
        self._build_frame()
        self.show_key.toggled.connect(self._toggle_key_visible)
        self.contact_edit.returnPressed.connect(self.fetch)
        self.key_edit.returnPressed.connect(self._key_entered)
        self.fetch_button.clicked.connect(self._fetch_button_clicked)
        self.resize(*self._first_size())
        if self.settings.geometry is not None:
            self.restoreGeometry(self.settings.geometry)
        self.contact_edit.setText(options.contact or self.settings.last_contact)
        after_first_paint(self, self._finish_building)

    @property
    def can_remember(self) -> bool:
        """Only a key the rep typed or the keychain gave may be saved; never a session key."""
        return self.options.use_keychain and not self.options.session_key

    def show_notice(self, title: str, message: str) -> None:
        """A notice banner now, or as soon as the window has one (start-up problems)."""
        if self.is_ready:
            self.notice_banner.show_message(title, message)
        else:
            self._startup_notices.append((title, message))

    def _first_size(self) -> tuple[int, int]:
        """1100x760, or less so that the window fits the screen it opens on (a 1024x640 laptop)."""
        from PySide6.QtGui import QGuiApplication

        screen = QGuiApplication.primaryScreen()
        if screen is None:
            return 1100, 760
        room = screen.availableGeometry()
        return min(1100, room.width() - 24), min(760, room.height() - 48)

    # --- building -------------------------------------------------------------------

    def _build_inputs(self) -> None:
        self.key_edit = QLineEdit()
        self.key_edit.setObjectName("apiKeyEdit")
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_edit.setPlaceholderText("Paste your Close API key (Settings → Developer → API Keys)")
        self.key_edit.setAccessibleName("API key")
        self.key_edit.setClearButtonEnabled(True)
        self.show_key = QToolButton()
        self.show_key.setObjectName("showKeyButton")
        self.show_key.setText("Show")
        self.show_key.setCheckable(True)
        self.show_key.setAccessibleName("Show API key")
        self.show_key.setToolTip("Show or hide the API key")
        self.remember = QCheckBox("Remember in system keychain")
        self.remember.setObjectName("rememberKeyCheck")
        self.remember.setAccessibleName("Remember API key in system keychain")
        self.remember.setChecked(self.settings.remember_key and self.can_remember)
        self.remember.setEnabled(self.can_remember)
        if self.options.session_key:
            # A key from CLOSE_API_KEY or demo mode is for this session only: never saved.
            why = f"The key comes from {self.options.session_key_source or 'this session'}: it is not saved."
            self.remember.setText(f"Not saved (key from {self.options.session_key_source or 'session'})")
            self.remember.setToolTip(why)
            self.remember.setAccessibleDescription(why)

        self.contact_edit = QLineEdit()
        self.contact_edit.setObjectName("contactEdit")
        self.contact_edit.setPlaceholderText(
            "Name, email, phone, or a Close contact or lead link (cont_… / lead_…), then Enter"
        )
        self.contact_edit.setAccessibleName("Contact: name, email, phone, id or link")
        self.contact_edit.setClearButtonEnabled(True)
        self.fetch_button = QPushButton("Fetch")
        self.fetch_button.setObjectName("fetchButton")
        self.fetch_button.setAccessibleName("Fetch contact")
        self.fetch_button.setDefault(True)
        self.fetch_button.setMinimumWidth(90)

        key_label = QLabel("&API key:")
        key_label.setBuddy(self.key_edit)
        contact_label = QLabel("&Contact:")
        contact_label.setBuddy(self.contact_edit)
        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        grid.addWidget(key_label, 0, 0)
        grid.addWidget(self.key_edit, 0, 1)
        grid.addWidget(self.show_key, 0, 2)
        grid.addWidget(self.remember, 0, 3)
        grid.addWidget(contact_label, 1, 0)
        grid.addWidget(self.contact_edit, 1, 1, 1, 2)
        grid.addWidget(self.fetch_button, 1, 3)
        grid.setColumnStretch(1, 1)
        self._inputs = grid

    def _build_frame(self) -> None:
        self.header = ContactHeader()
        self.tabs = ContactTabs()
        self.menus = [self.menuBar().addMenu(title) for title in ("&File", "&Edit", "&View", "&Help")]

        self.progress = QProgressBar()
        self.progress.setObjectName("busyIndicator")
        self.progress.setRange(0, 0)
        self.progress.setMaximumWidth(140)
        self.progress.setAccessibleName("Loading")
        self.progress.hide()
        self.statusBar().addPermanentWidget(self.progress)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(12, 10, 12, 6)
        layout.setSpacing(8)
        layout.addLayout(self._inputs)
        layout.addWidget(self.header)
        self._central_layout = layout
        layout.addWidget(self.tabs, 1)
        # Before any lookup: what to do, not empty tables counting "(0)".
        self.welcome = QLabel(WELCOME)
        self.welcome.setObjectName("welcome")
        self.welcome.setWordWrap(True)
        self.welcome.setMargin(24)
        layout.addWidget(self.welcome, 1)
        self.tabs.hide()
        self.setCentralWidget(central)
        QWidget.setTabOrder(self.key_edit, self.show_key)
        QWidget.setTabOrder(self.show_key, self.remember)
        QWidget.setTabOrder(self.remember, self.contact_edit)
        QWidget.setTabOrder(self.contact_edit, self.fetch_button)

    # --- start-up -------------------------------------------------------------------

    def _finish_building(self) -> None:
        """Second step, right after the first paint: the fetch thread, then either the
        start-up lookup (see _start_early_lookup) or at once the rest of the window.

        The first step touches no `Qt.` enum: loading that namespace costs tens of
        milliseconds, so it happens here, after the window is on screen."""
        if self._closing:
            return  # closed at its first paint (the start-up benchmark does): nothing to start
        from close_viewer.ui.fetcher import Fetcher

        self.fetcher = self._given_fetcher or Fetcher()
        self.fetcher.start_thread()
        self.header.make_plain()  # before any server text is shown
        if not self._start_early_lookup():
            self._build_rest()

    def _start_early_lookup(self) -> bool:
        """`close-viewer CONTACT` with a key at hand (CLOSE_API_KEY, --demo): ask Close for the
        contact before the rest of the window is built. Both need this thread's Python, so they
        cannot overlap: built first, the rest would hold the answer back by a quarter of a
        second. The answer shows in the header and the title at once; the rest of the window
        is built right after that is painted, or after EARLY_WAIT_MS if Close is slower, and
        the lookup then goes on as any other (cancellable, over the saved copy if there is one).
        False when there is no such lookup to start."""
        from close_viewer.core.credentials import ApiKey
        from close_viewer.core.refs import ContactRef, parse_ref
        from close_viewer.logs import register_secret

        key = (self.options.session_key or "").strip()
        if not key or not self.options.contact:
            return False
        try:
            ref = parse_ref(self.options.contact)
        except errors.InvalidContactInput:
            return False  # said once the window is built
        if not isinstance(ref, ContactRef):
            return False  # a search or a lead: the rest of the window is needed for its answer
        from PySide6.QtCore import QTimer

        register_secret(key)
        self.key_edit.setText(key)  # (checked with GET /me/ once the rest is built)
        self._early_id = self._last_contact_id = ref.contact_id
        self._fetch_started = time.perf_counter()
        self.fetcher.finished.connect(self._early_answer)
        self.fetcher.failed.connect(self._early_failed)
        self.fetcher.fetch(self.options.base_url, ref.contact_id, ApiKey(key), self.options.fields)
        QTimer.singleShot(EARLY_WAIT_MS, self, self._early_wait_over)
        return True

    def _end_early(self) -> str:
        """The early lookup's contact id, once: its answer, failure or wait ends it."""
        contact_id, self._early_id = self._early_id, ""
        if contact_id:
            self.fetcher.finished.disconnect(self._early_answer)
            self.fetcher.failed.disconnect(self._early_failed)
        return contact_id

    def _early_answer(self, contact: Contact) -> None:
        if not self._end_early():
            return
        self.header.set_contact(contact)
        self._set_title(contact)
        self.welcome.hide()
        self.tabs.show()  # its pages fill once the rest is built, right after this is painted
        after_next_paint(self, lambda: self._build_rest(start_lookup=False, answer=contact))

    def _early_failed(self, error: errors.CloseViewerError) -> None:
        contact_id = self._end_early()
        if contact_id:
            self._build_rest(start_lookup=False)
            self._show_saved_copy(contact_id)
            self._show_error(error)

    def _early_wait_over(self) -> None:
        """Close is slow: build the rest now; the lookup goes on, shown as any other."""
        contact_id = self._end_early()
        if contact_id:
            self._build_rest(start_lookup=False)
            self._set_busy(self.fetcher.busy)
            self.statusBar().showMessage(f"Looking up {contact_id}…")
            self._show_saved_copy(contact_id)

    def _build_rest(self, start_lookup: bool = True, answer: Contact | None = None) -> None:
        """The rest of the window: tables, actions, workers; then the start-up lookup if
        `start_lookup`, or the early lookup's `answer` in full. Not once the window is closed
        (the rep closed it just after the early answer showed)."""
        if self._closing:
            return
        from PySide6.QtCore import Qt, QTimer

        self.header.make_interactive()
        from close_viewer.ui.actions import add_actions
        from close_viewer.ui.banner import Banner
        from close_viewer.ui.fetcher import Fetcher
        from close_viewer.ui.keychain_worker import KeychainWorker
        from close_viewer.ui.lookup import LookupController, locale_region
        from close_viewer.ui.search_results import SearchResultsView, follow_search_pages
        from close_viewer.ui.summary import ContactSummary

        self.key_edit.setInputMethodHints(
            Qt.InputMethodHint.ImhSensitiveData | Qt.InputMethodHint.ImhNoPredictiveText
        )
        self.welcome.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        # Showing the busy bar must not change the status bar's height: that would
        # resize, and so repaint, the table on every lookup.
        policy = self.progress.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.progress.setSizePolicy(policy)
        self.error_banner = Banner("error")
        self.error_banner.setObjectName("errorBanner")
        self.notice_banner = Banner("notice")
        self.notice_banner.setObjectName("noticeBanner")
        self.error_banner.retry_requested.connect(self.refresh)
        self._central_layout.insertWidget(1, self.error_banner)
        self._central_layout.insertWidget(2, self.notice_banner)

        self.tabs.build_tables()
        # From the contact field, Tab reaches the table on top in two presses (field, Fetch, table).
        self.tabs.tabBar().setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Ctrl+1…7 switch tabs
        self.tabs.currentChanged.connect(self._table_after_fetch)
        self._table_after_fetch()

        self.keychain = self._given_keychain or KeychainWorker(parent=self)
        self.fetcher.setParent(self)
        self.suggester = Fetcher(self, client_options=self.fetcher.client_options)
        self.enricher = Fetcher(self, client_options=self.fetcher.client_options)
        self.account = Fetcher(self, client_options=self.fetcher.client_options)
        self.timeline = Fetcher(self, client_options=self.fetcher.client_options)
        self.lookups = LookupController(
            self.fetcher,
            self.suggester,
            self.enricher,
            self.account,
            self.timeline,
            self.options.base_url,
            self.options.fields,
            region=self.settings.phone_region or locale_region(),
            parent=self,
        )
        self.lookups.contact_ready.connect(self._show_contact)
        self.lookups.matches_ready.connect(self._show_matches)
        self.lookups.suggestions_ready.connect(self._show_suggestions)
        self.lookups.failed.connect(self._show_error)
        self.lookups.cancelled.connect(self._cancelled)
        self._previous_timer = QTimer(self)
        self._previous_timer.setSingleShot(True)
        self._previous_timer.setInterval(PREVIOUS_AFTER_MS)
        self._previous_timer.timeout.connect(self._mark_previous)
        self.lookups.busy_changed.connect(self._set_busy)
        self.lookups.card_ready.connect(self._show_card)
        self.lookups.signed_in.connect(self._signed_in)
        self.lookups.key_rejected.connect(self._show_error)
        activity = self.tabs.activity
        assert activity is not None  # built by build_tables above
        self.lookups.activity_ready.connect(self._show_activity)
        self.lookups.activity_failed.connect(self._activity_failed)
        self.lookups.activity_stopped.connect(activity.stopped)
        activity.load_more_requested.connect(self._load_activity)
        activity.retry_requested.connect(self._load_activity)
        self.header.open_requested.connect(self.open_link)
        self.tabs.open_requested.connect(self.open_link)
        self.tabs.copied.connect(lambda _: self.statusBar().showMessage("Copied", 3000))
        self.key_edit.editingFinished.connect(self._key_edited)
        self.signed_in_label = QLabel()
        self.signed_in_label.setObjectName("signedInLabel")
        self.signed_in_label.setTextFormat(Qt.TextFormat.PlainText)
        self.signed_in_label.setAccessibleName("Signed in as")
        self.statusBar().addPermanentWidget(self.signed_in_label)
        self.summary = ContactSummary()
        self.summary.open_requested.connect(self.open_link)
        self._central_layout.insertWidget(self._central_layout.indexOf(self.tabs), self.summary)
        self.results = SearchResultsView()
        self.results.chosen.connect(self._open_match)
        self.results.closed.connect(self.focus_contact)
        follow_search_pages(self.results, self.lookups, self.statusBar().showMessage)
        self._central_layout.insertWidget(1, self.results)
        self._build_recent()
        add_actions(self)
        self._suggest_timer = QTimer(self)
        self._suggest_timer.setSingleShot(True)
        self._suggest_timer.setInterval(SUGGEST_PAUSE_MS)
        self._suggest_timer.timeout.connect(self._suggest)
        self.contact_edit.textEdited.connect(self._typed)
        self.contact_edit.installEventFilter(self)
        self.key_edit.installEventFilter(self)
        self.keychain.loaded.connect(self._key_loaded)
        self.keychain.unavailable.connect(self._keychain_unavailable)
        self.keychain.saved.connect(
            lambda: self.statusBar().showMessage("API key saved in the system keychain.", 5000)
        )
        self.remember.toggled.connect(self._remember_toggled)
        self.is_ready = True
        for title, message in self._startup_notices:
            self.notice_banner.show_message(title, message)

        if self.options.session_key:
            self._set_key(self.options.session_key)
            if start_lookup:
                self._maybe_fetch_on_start()
        elif self.options.use_keychain and self.remember.isChecked():
            self.statusBar().showMessage("Reading the API key from the system keychain…")
            self.keychain.load()
        else:
            self._maybe_fetch_on_start()
        if not self.key_edit.text():
            self.key_edit.setFocus()
        else:
            self.focus_contact()
        if answer is not None:
            self._show_contact(answer)
        elif self._pending_fetch and not start_lookup:
            self.fetch()  # Enter pressed while the early lookup ran
        self.ready.emit()

    def _build_recent(self) -> None:
        """The recent contacts list (Ctrl+E) and, if the app keeps one, the history file."""
        from pathlib import Path

        from close_viewer.ui.recent import HistoryKeeper, RecentModel
        from close_viewer.ui.search_results import SearchResultsView

        self.keeper: HistoryKeeper | None = None
        if self.options.history_path:
            self.keeper = HistoryKeeper(
                Path(self.options.history_path),
                self.settings,
                self,
                remember_keys=self.options.session_key_source != "demo mode",
            )
            self.keeper.notice.connect(self.notice_banner.show_message)
            self.keeper.changed.connect(self._recent_changed)
            self.keeper.tell_problems()
        self.recent_view = SearchResultsView(
            model=RecentModel(), name="recentContacts", words="Recent contacts"
        )
        self.recent_view.chosen.connect(self._open_recent)
        self.recent_view.closed.connect(self.focus_contact)
        self._central_layout.insertWidget(1, self.recent_view)
        self._saved_copy_at: datetime | None = None  # set while a saved copy is shown

    def bring_forward(self, text: str) -> None:
        """Another `close-viewer [CONTACT]` was started: come to the front, look CONTACT up."""
        if self.isMinimized():
            self.showNormal()
        self.show()
        self.raise_()
        self.activateWindow()
        if text.strip():
            self.contact_edit.setText(text.strip())
            self.fetch()

    def _recent(self, text: str = "", limit: int | None = None) -> tuple[Entry, ...]:
        """This key's organization's recent contacts (none without a history file)."""
        return tuple(self.keeper.recent(text, limit)) if self.keeper is not None else ()

    def show_recent(self) -> None:
        """Ctrl+E: the recent contacts of this key's organization, most recent first."""
        self.results.hide()
        entries = self._recent()
        self.recent_view.show_matches(entries, take_focus=True)
        if not entries:
            self.statusBar().showMessage(
                "No recent contacts yet: they appear here once looked up."
                if self.keeper is None or self.keeper.history.enabled
                else "Recent contacts are off (see the notice).",
                8000,
            )

    def _recent_changed(self) -> None:
        if self.recent_view.isVisible():
            self.recent_view.show_matches(self._recent(), take_focus=False)

    def _open_recent(self, entry: object) -> None:
        self.recent_view.hide()
        contact_id = getattr(entry, "contact_id", "")
        if contact_id:
            self.contact_edit.setText(contact_id)
            self.fetch()

    def clear_history(self) -> None:
        if self.keeper is not None:
            self.keeper.clear()
        self.recent_view.hide()
        self.statusBar().showMessage("History cleared: no recent contacts or saved copies are kept.", 8000)

    def set_keep_copies(self, keep: bool) -> None:
        if self.keeper is not None:
            self.keeper.set_keep_copies(keep)

    def _show_saved_copy(self, contact_id: str) -> bool:
        """Show the saved copy of `contact_id` at once, marked, while Close is asked."""
        if self.keeper is None or (
            self.contact is not None and self.contact.id == contact_id and self._saved_copy_at is None
        ):
            return False  # no history, or a refresh of what is on screen
        copy = self.keeper.saved_copy(contact_id)
        if copy is None:
            return False
        from close_viewer.core.parser import parse_contact

        try:
            contact = parse_contact(copy.body)
        except Exception:  # a copy this version cannot read: the lookup will do
            return False
        if contact.id != contact_id:
            return False
        self._display(contact)
        self._saved_copy_at = copy.saved_at
        self.loaded_at = copy.saved_at
        entry = self.keeper.entry(contact_id)
        self.header.mark_saved(copy.saved_at, refreshing=True, company=entry.company if entry else "")
        if self.tabs.activity is not None:
            self.tabs.activity.start(contact.id, bool(contact.lead_id))
        self.statusBar().showMessage("Showing the saved copy while Close answers…")
        return True

    def _set_key(self, key: str) -> None:
        from close_viewer.logs import register_secret

        register_secret(key)
        self.key_edit.setText(key)
        self._check_key()

    def _key_entered(self) -> None:
        """Enter in the key field: look up what the contact field holds, or move on to it."""
        if self.contact_edit.text().strip():
            self.fetch()
        else:
            self.focus_contact()

    def _key_edited(self) -> None:
        if self.key_edit.text().strip() != self._checked_key:
            self._check_key()

    def _check_key(self) -> None:
        """Who the key belongs to ("Signed in as …"); a wrong key is said here, before a lookup."""
        from close_viewer.core.credentials import ApiKey
        from close_viewer.logs import register_secret

        key = self.key_edit.text().strip()
        self._checked_key = key
        self.signed_in_label.clear()
        if self.is_ready and self.keeper is not None:
            self.keeper.use_key(key)
        if key and self.is_ready:
            register_secret(key)
            self.lookups.check_key(ApiKey(key))

    def _signed_in(self, me: Me) -> None:
        self.signed_in_label.setText(one_line(me.signed_in_text(), 120))
        if self.keeper is not None:
            self.keeper.set_organization(me.organization_id)

    def _show_card(self, card: Card) -> None:
        self.header.set_card(card)
        if self.contact is not None and card.contact_id == self.contact.id:
            self.tabs.show_card(card)
            if self.tabs.activity is not None:
                self.tabs.activity.set_names(card.users)
            if self.keeper is not None and card.lead is not None:
                self.keeper.set_company(card.contact_id, card.lead.name)
            if card.problems:
                from close_viewer import logs

                logs.info("Some of the card could not be loaded: %s", "; ".join(card.problems))

    def _company(self) -> str:
        card = self.header.card
        return card.lead.name if card is not None and card.lead is not None else ""

    def copy_card(self) -> None:
        """The contact as plain text (name, title, company, emails, phones) on the clipboard."""
        from PySide6.QtGui import QGuiApplication

        from close_viewer.core.vcard import card_text

        if self.contact is None:
            return
        QGuiApplication.clipboard().setText(card_text(self.contact, self._company()))
        self.statusBar().showMessage("Contact card copied", 3000)

    def export_vcard(self) -> None:
        """Save the contact as a vCard 4.0 file (UTF-8), through a save dialog."""
        from pathlib import Path

        from PySide6.QtWidgets import QFileDialog

        from close_viewer.core.vcard import to_vcard

        if self.contact is None:
            return
        safe = (
            "".join(c for c in one_line(self.contact.shown_name, 60) if c.isalnum() or c in " -_.")
            or "contact"
        )
        path, _ = QFileDialog.getSaveFileName(self, "Export vCard", f"{safe.strip()}.vcf", "vCard (*.vcf)")
        if not path:
            return
        try:
            Path(path).write_bytes(to_vcard(self.contact, self._company()).encode("utf-8"))
        except OSError as exc:
            self.error_banner.show_message(
                "Could not save the vCard",
                f"The file could not be written ({exc.strerror}).",
                "Choose another folder.",
            )
            return
        self.statusBar().showMessage(f"Saved {Path(path).name}", 5000)

    def open_link(self, url: str) -> None:
        """Open a link in the browser (mail app, dialer); if nothing opens it, say so and copy it."""
        from PySide6.QtCore import QUrl
        from PySide6.QtGui import QDesktopServices, QGuiApplication

        if not QDesktopServices.openUrl(QUrl(url)):
            QGuiApplication.clipboard().setText(url)
            self.error_banner.show_message(
                "Could not open the link",
                "No app on this computer opened the link; it was copied instead.",
                "Paste it in your browser (Ctrl+V).",
            )

    def _key_loaded(self, key: object) -> None:
        self.statusBar().clearMessage()
        if isinstance(key, str) and key and not self.key_edit.text():
            self._saved_key = key
            self._set_key(key)
            self.focus_contact()
        self._maybe_fetch_on_start()

    def _maybe_fetch_on_start(self) -> None:
        if (self.options.contact or self._pending_fetch) and self.key_edit.text().strip():
            self.fetch()

    def _keychain_unavailable(self, message: str) -> None:
        self.statusBar().clearMessage()
        if self._keychain_ok:
            self._keychain_ok = False
            self.notice_banner.show_message("No system keychain", message)
        self.remember.setChecked(False)  # it cannot work: do not pretend it will
        self.remember.setEnabled(False)
        self.remember.setToolTip(message)
        self._maybe_fetch_on_start()

    # --- actions --------------------------------------------------------------------

    def focus_contact(self) -> None:
        from PySide6.QtCore import Qt

        self.contact_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.contact_edit.selectAll()

    def _table_after_fetch(self) -> None:
        view = self.tabs.current_view()
        if view is not None:
            QWidget.setTabOrder(self.fetch_button, view)

    def _cancelled(self) -> None:
        """Esc: the lookup is dropped and the field shows what is on screen again."""
        self.statusBar().showMessage("Lookup cancelled.", 5000)
        if self.contact is not None:
            self.contact_edit.setText(self.contact.id)
            self.contact_edit.selectAll()
        if self.contact is not None and self._saved_copy_at is not None:
            self.header.mark_saved(self._saved_copy_at, refreshing=False)  # no refresh is coming

    def escape(self) -> None:
        if not self.is_ready:
            return
        if self.results.isVisible() or self.recent_view.isVisible():
            self.results.hide()
            self.recent_view.hide()
            self.focus_contact()
        elif not self.lookups.cancel():
            self.error_banner.dismiss()

    def refresh(self) -> None:
        if self._last_contact_id and not self.contact_edit.text().strip():
            self.contact_edit.setText(self._last_contact_id)
        self.fetch()

    def _fetch_button_clicked(self) -> None:
        if self.is_ready and self.fetcher.busy:
            self.lookups.cancel()
        else:
            self.fetch()

    def fetch(self) -> None:
        """Look up what the contact field holds; supersedes a lookup already running."""
        if not self.is_ready:  # Enter pressed in the first split second: run it once ready
            self._pending_fetch = True
            return
        self._pending_fetch = False
        from close_viewer.core.credentials import ApiKey
        from close_viewer.core.refs import ContactRef, LeadRef
        from close_viewer.logs import register_secret

        key = self.key_edit.text().strip()
        try:
            ref = self.lookups.parse(self.contact_edit.text())
        except errors.InvalidContactInput as exc:
            self._show_error(exc)
            self.contact_edit.setFocus()
            return
        if not key:
            self._show_error(
                errors.MissingKey(
                    "There is no API key yet.",
                    "Paste your Close API key in the API key field (Close: Settings → Developer → API Keys).",
                )
            )
            self.key_edit.setFocus()
            return
        register_secret(key)
        self._suggest_timer.stop()
        if isinstance(ref, ContactRef):
            self._last_contact_id = ref.contact_id
            self.statusBar().showMessage(f"Looking up {ref.contact_id}…")
            self._show_saved_copy(ref.contact_id)
        else:
            self.statusBar().showMessage("Looking up the lead…" if isinstance(ref, LeadRef) else "Searching…")
        self._fetch_started = time.perf_counter()
        self.lookups.lookup(ref, ApiKey(key))

    def _open_match(self, match: Match) -> None:
        """A row of the results list was chosen: open that contact."""
        from close_viewer.core.credentials import ApiKey

        key = self.key_edit.text().strip()
        if not key:
            self.key_edit.setFocus()
            return
        self._last_contact_id = match.contact_id
        self._fetch_started = time.perf_counter()
        self.statusBar().showMessage(f"Looking up {one_line(match.name, 80) or match.contact_id}…")
        self._show_saved_copy(match.contact_id)
        self.lookups.open_contact(match.contact_id, ApiKey(key))

    # --- type-ahead -----------------------------------------------------------------

    def _typed(self, text: str) -> None:
        """Suggestions after a short pause in typing; each keystroke restarts the pause."""
        from close_viewer.core.refs import is_id_or_link

        self._suggest_timer.stop()
        self.lookups.suggester.cancel()
        if not text.strip():  # an empty field suggests the recent contacts
            self.results.hide()
            entries = self._recent()
            if entries:
                self.recent_view.show_matches(entries, take_focus=False)
            return
        self.recent_view.hide()
        recent = self._recent_matches(text)
        if recent:  # at once, before any network search
            self.results.show_matches(recent, take_focus=False)
        if (
            len(text.strip()) >= SUGGEST_MIN_CHARS
            and not is_id_or_link(text)
            and self.key_edit.text().strip()
        ):
            self._suggest_timer.start()
        elif self.results.isVisible() and not self.fetcher.busy and not recent:
            self.results.hide()

    def _recent_matches(self, text: str) -> tuple[Match, ...]:
        from close_viewer.ui.recent import as_match

        if len(text.strip()) < 2:
            return ()
        return tuple(as_match(e) for e in self._recent(text, limit=5))

    def _suggest(self) -> None:
        from close_viewer.core.credentials import ApiKey

        key = self.key_edit.text().strip()
        if key:
            self.lookups.suggest(self.contact_edit.text(), ApiKey(key))

    def _show_suggestions(self, text: str, page: SearchPage) -> None:
        if text != self.contact_edit.text() or self.fetcher.busy:
            return  # typed on since, or Enter was pressed: an older query's answer
        recent = self._recent_matches(text)  # recent matches stay first
        known = {m.contact_id for m in recent}
        matches = recent + tuple(m for m in page.matches if m.contact_id not in known)
        if matches:
            self.results.show_matches(matches, take_focus=False)
        else:
            self.results.hide()

    def _show_matches(self, found: SearchPage | LeadContacts) -> None:
        from close_viewer.core.search_model import LeadContacts

        self.error_banner.dismiss()
        if isinstance(found, LeadContacts):
            company = one_line(found.lead_name, 80) or found.lead_id
            words = f"{len(found.matches)} contacts on {company}: choose one."
        else:
            more = "+" if found.cursor else ""
            words = f"{len(found.matches)}{more} contacts match: choose one with the arrows and Enter."
        self.results.show_matches(found.matches, take_focus=True)
        self.statusBar().showMessage(words, 10_000)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """In the contact field, Down moves into the results list. In both fields the
        window's own shortcuts win: on X11 a line edit takes Ctrl+E (end of line) for itself."""
        if event.type() == QEvent.Type.ShortcutOverride and self.is_ready:
            pressed = QKeySequence(event.keyCombination())  # type: ignore[attr-defined]
            if pressed in self.field_proof_shortcuts:
                return True  # not accepted by the field: the window's action runs
        if watched is self.contact_edit and event.type() == QEvent.Type.KeyPress:
            from PySide6.QtCore import Qt

            key = event.key()  # type: ignore[attr-defined]
            if key == Qt.Key.Key_Down and self.results.isVisible():
                self.results.setFocus(Qt.FocusReason.TabFocusReason)
                return True
            if key == Qt.Key.Key_Down and self.recent_view.isVisible():
                self.recent_view.setFocus(Qt.FocusReason.TabFocusReason)
                return True
        return super().eventFilter(watched, event)

    # --- results --------------------------------------------------------------------

    def _mark_previous(self) -> None:
        """A slow lookup: say the contact on screen is the previous one (a saved copy of the
        one asked for keeps its own mark)."""
        if self._saved_copy_at is None:
            self.header.mark_previous(self.fetcher.busy)

    def _set_busy(self, busy: bool) -> None:
        if busy:
            self._previous_timer.start()  # a quick lookup never flashes the mark
        else:
            self._previous_timer.stop()
            self.header.mark_previous(False)
        self.progress.setVisible(busy)
        self.fetch_button.setText("Cancel" if busy else "Fetch")
        self.fetch_button.setAccessibleName("Cancel lookup" if busy else "Fetch contact")
        self.fetch_button.setToolTip("Cancel the lookup (Esc)" if busy else "Look up the contact (Enter)")

    def _display(self, contact: Contact) -> None:
        """Put `contact` on screen (fresh from Close, or a saved copy)."""
        self.contact = contact
        self.error_banner.dismiss()
        self.results.hide()
        self.recent_view.hide()
        self.welcome.hide()
        self.tabs.show()
        if self.contact_edit.hasFocus() or not self.contact_edit.text():
            self.contact_edit.selectAll()  # the next paste replaces what was looked up
        self.header.set_contact(contact)
        self._set_title(contact)
        self.tabs.show_contact(contact)
        self.summary.set_contact(contact)

    def _set_title(self, contact: Contact) -> None:
        name = one_line(contact.shown_name, 80)  # no line breaks or bidi overrides in the title
        self.setWindowTitle(" — ".join(filter(None, (name, self.options.extra_title))))

    def _show_contact(self, contact: Contact) -> None:
        from datetime import datetime, timezone

        from close_viewer import logs

        self._display(contact)
        self._saved_copy_at = None
        self.loaded_at = datetime.now(timezone.utc)
        name = one_line(contact.shown_name, 80)
        elapsed = time.perf_counter() - self._fetch_started
        self.statusBar().showMessage(f"Loaded {name} in {elapsed:.2f} s.", 8000)
        if self.options.session_key_source != "demo mode":  # the demo never leaks into a real session
            self.settings.last_contact = contact.id
        from close_viewer.ui.followups import after_contact_shown

        after_contact_shown(self, contact)  # history, card, timeline: each on its own
        logs.info("Loaded contact %s in %.3f s", contact.id, elapsed)
        self.contact_shown.emit(contact)

    # --- the activity tab ------------------------------------------------------------

    def _load_activity(self) -> None:
        """The next page (or the failed one again) of the shown contact's timeline."""
        from close_viewer.core.credentials import ApiKey

        panel = self.tabs.activity
        if self.contact is None or panel is None or panel.contact_id != self.contact.id:
            return
        key = ApiKey(self.key_edit.text().strip())
        panel.loading = self.lookups.load_activity(self.contact, key, panel.next_cursor)  # False: no lead

    def _show_activity(self, result: ActivityResult) -> None:
        panel = self.tabs.activity
        if panel is not None and result.contact_id == panel.contact_id:
            panel.add_page(result.page)
            self.activity_shown.emit(result.page)

    def _activity_failed(self, contact_id: str, error: errors.CloseViewerError) -> None:
        panel = self.tabs.activity
        if panel is not None and contact_id == panel.contact_id:
            panel.show_failure(error)
            from close_viewer import logs

            logs.info("Activity not loaded: %s: %s", type(error).__name__, error.message)

    def _show_error(self, error: errors.CloseViewerError) -> None:
        self.statusBar().clearMessage()
        retry = isinstance(error, RETRYABLE) and bool(self._last_contact_id)
        message, hint = error.message, error.hint
        if self.contact is not None and self._saved_copy_at is not None:
            # The refresh of a saved copy failed: the copy stays, marked, and the banner says why.
            self.header.mark_saved(self._saved_copy_at, refreshing=False)
            name = one_line(self.contact.shown_name, 80)
            hint = f"{hint} Showing the saved copy of {name}.".strip()
            panel = self.tabs.activity
            if panel is not None and panel.contact_id == self.contact.id and panel.loading:
                panel.show_failure(error)
        elif self.contact is not None and not isinstance(error, errors.InvalidContactInput):
            self.header.set_stale(self.loaded_at)
            name = one_line(self.contact.shown_name, 80)
            hint = f"{hint} Still showing {name} as loaded earlier.".strip()
        self.error_banner.show_message(error.title, message, hint, retry=retry)
        if isinstance(error, errors.AuthenticationFailed):
            self.key_edit.setFocus()
        from close_viewer import logs

        logs.info("Lookup failed: %s: %s", type(error).__name__, error.message)
        self.error_shown.emit(error)

    # --- key ------------------------------------------------------------------------

    def _toggle_key_visible(self, visible: bool) -> None:
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Normal if visible else QLineEdit.EchoMode.Password)
        self.show_key.setText("Hide" if visible else "Show")
        self.show_key.setAccessibleName("Hide API key" if visible else "Show API key")

    def _remember_toggled(self, checked: bool) -> None:
        if not self.can_remember:
            return
        self.settings.remember_key = checked
        if checked:
            self._remember_key_after_success()
        else:
            self._saved_key = None
            self.keychain.forget()
            self.statusBar().showMessage("API key removed from the system keychain.", 5000)

    def _remember_key_after_success(self) -> None:
        """Save the key only once Close has accepted it, and only when it changed."""
        key = self.key_edit.text().strip()
        if (
            self.can_remember
            and self._keychain_ok
            and self.remember.isChecked()
            and self.contact is not None
            and key
            and key != self._saved_key
        ):
            self._saved_key = key
            self.keychain.save(key)

    # --- closing --------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        self.settings.geometry = self.saveGeometry()
        self.settings.sync()
        self._closing = True
        self._end_early()
        if not self.is_ready and getattr(self, "fetcher", None) is not None:
            self.fetcher.shutdown()  # closed while the early lookup ran: nothing else was built
        if self.is_ready:
            self._suggest_timer.stop()
            for worker in (self.suggester, self.enricher, self.account, self.timeline, self.fetcher):
                worker.shutdown()
            if self.keeper is not None:
                self.keeper.close()
            self.keychain.close()
        super().closeEvent(event)
        self.closed.emit()
