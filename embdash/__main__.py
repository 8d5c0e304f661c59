import sys

from embdash.cli import main

sys.exit(main())
