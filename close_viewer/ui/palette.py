"""Force a light or dark look (CLOSE_VIEWER_COLOR_SCHEME), for desktops that do not say.

By default the app follows the system colour scheme: Qt picks the palette and
the badge delegate reads it at paint time. This override asks Qt for the
scheme and, since not every platform theme honours that, also sets a Fusion
palette of that scheme.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

_DARK = {
    QPalette.ColorRole.Window: "#2b2b30",
    QPalette.ColorRole.WindowText: "#e8e8ec",
    QPalette.ColorRole.Base: "#1f1f23",
    QPalette.ColorRole.AlternateBase: "#28282d",
    QPalette.ColorRole.Text: "#e8e8ec",
    QPalette.ColorRole.Button: "#35353b",
    QPalette.ColorRole.ButtonText: "#e8e8ec",
    QPalette.ColorRole.Highlight: "#3d6fd1",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.ToolTipBase: "#35353b",
    QPalette.ColorRole.ToolTipText: "#e8e8ec",
    QPalette.ColorRole.PlaceholderText: "#9a9aa4",
    QPalette.ColorRole.Link: "#8ab4ff",
    QPalette.ColorRole.Mid: "#4a4a52",
    QPalette.ColorRole.Dark: "#18181b",
    QPalette.ColorRole.Light: "#4a4a52",
}


def force_color_scheme(app: QApplication, scheme: str) -> None:
    dark = scheme == "dark"
    QGuiApplication.styleHints().setColorScheme(Qt.ColorScheme.Dark if dark else Qt.ColorScheme.Light)
    app.setStyle("Fusion")
    if not dark:
        app.setPalette(app.style().standardPalette())
        return
    palette = QPalette()
    for role, colour in _DARK.items():
        palette.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7a7a84"))
    app.setPalette(palette)
