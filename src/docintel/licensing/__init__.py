"""docintel.licensing package."""
