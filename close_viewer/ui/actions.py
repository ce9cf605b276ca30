"""The main window's menus and keyboard shortcuts (platform standard keys where Qt has them)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMessageBox

from close_viewer import APP_NAME, __version__

if TYPE_CHECKING:
    from close_viewer.ui.main_window import MainWindow


def _action(
    window: MainWindow, menu: QMenu, text: str, shortcuts: list[QKeySequence], slot: object
) -> QAction:
    action = QAction(text, window)
    action.setShortcuts(shortcuts)
    action.triggered.connect(slot)
    menu.addAction(action)
    return action


def _confirm_clear(window: MainWindow) -> None:
    answer = QMessageBox.question(
        window,
        "Clear history",
        "Remove every recent contact and saved copy from this computer?",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel,
    )
    if answer == QMessageBox.StandardButton.Yes:
        window.clear_history()


def add_actions(window: MainWindow) -> None:
    """Fill the File, Edit, View and Help menus the window created empty."""
    file_menu, edit_menu, view_menu, help_menu = window.menus
    key = QKeySequence
    _action(window, file_menu, "&Refresh", [key(key.StandardKey.Refresh), key("Ctrl+R")], window.refresh)
    _action(window, file_menu, "&Cancel lookup", [key(Qt.Key.Key_Escape)], window.escape)
    _action(window, file_menu, "&Export vCard…", [key("Ctrl+Shift+S")], window.export_vcard)
    file_menu.addSeparator()
    _action(window, file_menu, "Clear &history…", [], lambda: _confirm_clear(window))
    keep = _action(window, file_menu, "&Keep saved copies for offline use", [], window.set_keep_copies)
    keep.setCheckable(True)
    keep.setChecked(window.settings.keep_saved_copies)
    keep.setEnabled(window.keeper is not None)
    keep.setObjectName("keepSavedCopiesAction")
    file_menu.addSeparator()
    quit_action = _action(window, file_menu, "&Quit", [key(key.StandardKey.Quit)], window.close)
    quit_action.setMenuRole(QAction.MenuRole.QuitRole)

    _action(window, edit_menu, "Go to &contact field", [key("Ctrl+L")], window.focus_contact)
    recent = _action(window, edit_menu, "&Recent contacts", [key("Ctrl+E")], window.show_recent)
    window.field_proof_shortcuts = tuple(recent.shortcuts())  # they win over a text field's own keys
    _action(window, edit_menu, "Copy contact &id", [key("Ctrl+Shift+C")], window.header.copy_id)
    _action(window, edit_menu, "Copy contact c&ard", [key("Ctrl+Shift+K")], window.copy_card)

    for number, name in enumerate(window.tabs.titles, start=1):
        _action(
            window,
            view_menu,
            name,
            [key(f"Ctrl+{number}")],
            lambda _=False, n=number - 1: window.tabs.setCurrentIndex(n),
        )

    def about() -> None:
        QMessageBox.about(
            window, f"About {APP_NAME}", f"<b>{APP_NAME}</b> {__version__}<br>Look up one Close CRM contact."
        )

    about_action = _action(window, help_menu, f"&About {APP_NAME}", [], about)
    about_action.setMenuRole(QAction.MenuRole.AboutRole)
