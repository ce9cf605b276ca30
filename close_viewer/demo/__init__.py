"""A local Close-compatible API server: the app's demo mode and the tests' peer."""

from close_viewer.demo.server import DEMO_API_KEY, DEMO_CONTACT_ID, DEMO_OAUTH_TOKEN, DemoServer

__all__ = ["DEMO_API_KEY", "DEMO_CONTACT_ID", "DEMO_OAUTH_TOKEN", "DemoServer"]
