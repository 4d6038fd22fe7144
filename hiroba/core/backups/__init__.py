"""Backups of the whole database and their restoration (decision 0018).

A backup is one file: a tar archive holding ``manifest.json`` and the database (an SQLite copy
made with the online backup API, or a ``pg_dump`` custom-format dump), optionally encrypted to
age recipients. The manifest records, for every table, its row count and a checksum of its rows
taken from the same snapshot as the copy, so a restore can prove that what it restored equals
what was backed up.
"""
