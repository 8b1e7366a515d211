"""docintel.ocr package."""
