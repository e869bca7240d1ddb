"""Database models and sessions shared by the crawler, the matcher and the reports."""
