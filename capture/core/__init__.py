"""The bottom layer: data model, geometry, configuration, errors, the workshop file, text and
fingerprint helpers. Imports nothing else of ours."""
