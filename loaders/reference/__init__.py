"""The reference snapshot the parsers check values against, and the force-name matcher."""
