"""Services: plain functions that run one command's transaction and return result values.

They take a `Database` (or a `Location` for `init`) and the current instant;
the CLI parses, calls one service and renders what it returns.
"""
