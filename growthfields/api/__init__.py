"""The open data API of growth fields: each with its key-figure series and their sources."""
