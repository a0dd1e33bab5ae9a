"""Region statistics (marts.region_stats) rendered as a self-contained HTML page and a PDF."""
