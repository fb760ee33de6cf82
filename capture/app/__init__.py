"""The application: analyse one photo, run a batch, write JSON/CSV/report, review, publish,
corrections. Imports every layer below; only the CLI (and the dev tools) import it."""
