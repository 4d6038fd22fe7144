"""No choice sets of its own yet."""
