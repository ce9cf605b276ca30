import sys

from close_viewer import main

sys.exit(main())
