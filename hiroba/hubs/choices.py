"""Hub administration uses the choice sets of ``hiroba.core.choices`` (hub and venue kinds)."""
