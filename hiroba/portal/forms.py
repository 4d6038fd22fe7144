"""No forms yet: the language switcher posts to Django's ``set_language`` view."""
