"""Data files shipped with the package (colour references linked from calibration/)."""
