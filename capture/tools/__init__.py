"""Wrappers of the external engines the pipeline calls: one module per tool."""
