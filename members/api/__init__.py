"""The open data API of the member directory: published organisations, no personal data."""
