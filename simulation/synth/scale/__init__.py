"""Scale mode: a benchmark-sized deployment streamed to disk, chunk by chunk.

A county of about 500,000 residents (``county``) or a province of 88 counties and about
38 million residents (``province``). People are generated in chunks of ``CHUNK`` residents,
each from its own seeded random stream, so chunks can be made in parallel worker processes
and the output is the same whatever the number of workers. Each chunk's lines are encoded
(and, for the hukou full, gzip-compressed as one gzip member) in the worker; the parent only
appends bytes in chunk order. Nothing holds more than a few chunks in memory.

Feeds written: hukou full (GBK, gzip), medical (UTF-8 with BOM), renshe (UTF-8) and
disability (GBK) for every month; the registry XLSX of the last month at county scale only
(XlsxWriter's constant-memory mode; at province scale XLSX would dominate the run). No planted
cases, no deltas, no API records: this mode measures and loads volume, not rules.

``chunk`` runs in the workers, ``run`` and ``files`` in the parent.
"""

from simulation.synth.scale.chunk import ChunkTask, make_chunk
from simulation.synth.scale.run import (
    CHUNK,
    COUNTY_RESIDENTS,
    PROVINCE_RESIDENTS,
    FeedTally,
    ScaleReport,
    generate_scale,
)

__all__ = [
    "CHUNK",
    "COUNTY_RESIDENTS",
    "PROVINCE_RESIDENTS",
    "ChunkTask",
    "FeedTally",
    "ScaleReport",
    "generate_scale",
    "make_chunk",
]
