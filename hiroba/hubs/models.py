"""Hub administration has no models of its own: it edits core's tenancy models (hub, venues,
districts) through ``hiroba.core.services`` and reads the audit log through core's queries."""
