"""Once per intent: a form that creates something carries a one-time token, and a second post with
the same token (a double click, a resent form) creates nothing more."""
