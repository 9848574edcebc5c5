"""Background runs over many subscribers (filled in below)."""
