"""Data shipped with the editor: format templates, the sample report, fonts (a package so wheels carry it)."""
