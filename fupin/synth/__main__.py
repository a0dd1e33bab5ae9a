import sys

from fupin.synth.cli import main

sys.exit(main())
