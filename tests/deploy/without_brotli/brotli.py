"""Put first on PYTHONPATH of the deployment tests' ``collectstatic``: whitenoise then finds no
brotli and writes only the .gz copies. Brotli at its highest quality is about 15 of
collectstatic's 17 CPU seconds, and no test reads a .br file (gzip is what they check)."""

raise ImportError("brotli is left out of the deployment tests' collectstatic")
