"""Core layer: tenancy (municipality → ward → hub → venue, districts), the audit log and the
infrastructure every app shares (request context, htmx helpers, navigation, demo registry,
municipal rule profiles). Core never imports accounts or a domain app."""
