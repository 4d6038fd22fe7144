"""Portal actions (sign-up, pre-registration) will call the owning domain app's services."""
