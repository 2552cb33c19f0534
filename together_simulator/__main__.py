"""``python -m together_simulator``: serve the simulator (see ``--help``)."""

import sys

from together_simulator.cli import main

sys.exit(main())
