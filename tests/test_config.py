from __future__ import annotations

import pytest

from close_viewer.core.config import DEFAULT_BASE_URL, resolve_base_url, validate_base_url
from close_viewer.core.errors import InvalidBaseUrl


def test_default_and_overrides() -> None:
    assert resolve_base_url(None, {}) == DEFAULT_BASE_URL
    assert resolve_base_url(None, {"CLOSE_API_BASE_URL": "https://eu.example.com/api/v1/"}) == (
        "https://eu.example.com/api/v1"
    )
    assert resolve_base_url("http://127.0.0.1:8080/api/v1", {"CLOSE_API_BASE_URL": "https://x"}) == (
        "http://127.0.0.1:8080/api/v1"
    )


@pytest.mark.parametrize(
    "url",
    [
        "http://api.close.com/api/v1",
        "http://10.0.0.1/api",
        "ftp://x",
        "api.close.com",
        "https://user:pw@x.com",
    ],
)
def test_refused(url: str) -> None:
    with pytest.raises(InvalidBaseUrl):
        validate_base_url(url)


@pytest.mark.parametrize(
    "url", ["http://127.0.0.2:1/api/v1", "http://localhost/api", "https://api.close.com/api/v1"]
)
def test_allowed(url: str) -> None:
    assert validate_base_url(url) == url


def test_saved_base_url_comes_after_flag_and_environment() -> None:
    saved = "https://saved.example.com/api/v1"
    assert resolve_base_url(None, {}, saved=saved) == saved
    assert resolve_base_url(None, {"CLOSE_API_BASE_URL": "https://env.example.com"}, saved=saved) == (
        "https://env.example.com"
    )
    assert resolve_base_url("https://flag.example.com", {}, saved=saved) == "https://flag.example.com"
