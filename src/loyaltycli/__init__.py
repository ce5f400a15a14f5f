"""loyaltycli: a command-line manager for a shop's customer loyalty programme."""

__version__ = "0.1.0"
