"""The app's stylesheet (resources/style.qss), applied to the few widgets it styles.

Set per widget, not on the whole application: an application-wide stylesheet
makes every widget go through the style-sheet engine, which slows the first
frame for no visible gain.
"""

from __future__ import annotations

from functools import cache


@cache
def widget_style() -> str:
    from close_viewer.resources import resource_path

    return resource_path("style.qss").read_text(encoding="utf-8")
