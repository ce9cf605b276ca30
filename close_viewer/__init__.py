"""Close Contact Viewer: look up one Close CRM contact in a desktop window.

Name, version and app id are defined here once; packaging, the .desktop file
and the metainfo read them from here.
"""

from __future__ import annotations

APP_NAME = "Close Contact Viewer"
APP_SLUG = "close-viewer"
APP_ID = "io.github.closecontactviewer.CloseContactViewer"
ORG_NAME = "close-viewer"
__version__ = "0.1.0"
USER_AGENT = f"{APP_SLUG}/{__version__}"


def main(argv: list[str] | None = None) -> int:
    """Start the app; returns the exit code once the last window closes."""
    from close_viewer.app import main as _main

    return _main(argv)
