"""python -m export: see export/__init__.py."""

import sys

from export import main

sys.exit(main())
