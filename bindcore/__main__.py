"""`python -m bindcore` runs the command line."""

import sys

from bindcore.cli import main

sys.exit(main())
