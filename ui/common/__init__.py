"""Helpers every page uses: user text as plain text, plotly figures, progress of long work."""
