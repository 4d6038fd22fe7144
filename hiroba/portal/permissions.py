"""Portal pages are public; pages for signed-in parents arrive with the family portal."""
