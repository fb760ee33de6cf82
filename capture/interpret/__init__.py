"""Interpretation of measurements: coverage, the flag catalogue, errors of empty photos, the
session merge. Imports the layers below (vision and down), never app."""
