"""The open data API of networks and alliances: profile, growth fields and member counts."""
