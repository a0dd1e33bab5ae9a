"""``python -m simulation.national --help``."""

from simulation.national.cli import main

raise SystemExit(main())
