"""Entry point of the frozen app (PyInstaller runs this script)."""

import sys

from close_viewer import main

sys.exit(main())
