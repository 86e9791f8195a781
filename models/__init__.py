"""The domain: report format, document, checker and file I/O. Pure Python, no Qt."""
