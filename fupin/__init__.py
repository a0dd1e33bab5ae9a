"""fupin: the poverty-data governance platform."""
