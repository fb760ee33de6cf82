"""The printable wall kit: board geometry, rendering, PDF and the kit.json contract."""
