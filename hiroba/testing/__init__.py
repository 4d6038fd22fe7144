"""Shared test helpers: a pytest plugin with worlds of hubs and one persona per role."""
