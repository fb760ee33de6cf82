from capture.cli import run_entry

run_entry()
