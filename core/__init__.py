"""The shared library every app builds on: text, dates, cache, CSV/XLSX writing and formula
escaping, formats, charts, pagination, German numbers, normalisers, widgets, temp storage,
abstract models and admin building blocks. It imports no app of the portal."""
