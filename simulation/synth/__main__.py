import sys

from simulation.synth.cli import main

sys.exit(main())
