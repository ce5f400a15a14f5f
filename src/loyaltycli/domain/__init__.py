"""The pure core: programme rules, points, tiers and expiry.

Nothing here touches storage, the CLI or the clock: callers pass "today" and
every value in.  See docs.md for how data flows through it.
"""
