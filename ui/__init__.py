"""The dashboard's own package: settings, data preparation, the recorded run, view specs, live views.

Only ``state`` and ``live`` import streamlit; the rest is plain Python and unit-tested as such.
"""
