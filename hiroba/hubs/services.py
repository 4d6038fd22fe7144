"""Hub administration writes nothing itself: hub, venue and district changes go through
``hiroba.core.services``, staff changes through ``hiroba.accounts.services``."""
