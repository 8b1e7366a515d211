"""docintel.metering package."""
