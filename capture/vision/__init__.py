"""Detectors: arrays in, typed measurements out (boards, rectification, colour, stickers,
notes, text reading). Imports core, io, tools and kit."""
