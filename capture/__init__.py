"""wall capture: phone photos of workshop walls in, votes, notes and action placements out."""

__version__ = "0.1.0"
