"""The Qt-free core: HTTP client, contact model and parser, input parsing."""
