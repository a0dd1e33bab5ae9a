"""`make bench`: run every benchmark under bench/ in turn (each prints its own figures);
`python -m bench exchange landing`: only those."""

import runpy
import sys
from pathlib import Path

only = set(sys.argv[1:])
for script in sorted(Path(__file__).parent.glob("bench_*.py")):
    if only and script.stem.removeprefix("bench_") not in only:
        continue
    print(f"== {script.name}", flush=True)
    sys.argv = [str(script)]
    try:
        runpy.run_path(str(script), run_name="__main__")
    except SystemExit as done:
        if done.code:
            raise
