"""Small rules about text shown to people."""
