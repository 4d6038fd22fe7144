"""Core declares no permissions: roles and the permission registry live in ``accounts``, one
layer up, and core's tenancy data is edited through the ``hubs`` app's views."""
