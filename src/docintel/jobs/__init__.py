"""docintel.jobs package."""
