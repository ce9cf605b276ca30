"""Shared fixtures. Qt runs offscreen: set here, before any test imports Qt."""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"

from collections.abc import Iterator

import pytest

from close_viewer.core.credentials import ApiKey
from close_viewer.demo import DEMO_API_KEY, DemoServer


@pytest.fixture
def demo_server() -> Iterator[DemoServer]:
    """A fresh Close-compatible server on 127.0.0.1 (fault counters start at zero)."""
    with DemoServer() as server:
        yield server


@pytest.fixture
def demo_key() -> ApiKey:
    return ApiKey(DEMO_API_KEY)
