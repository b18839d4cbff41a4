"""The dashboard's own package, grouped as the app is:

- ``settings``: what a visitor chooses — the table of settings, the experiment they make, the link, the work
  limits, the sidebar's widgets;
- ``session``: one visitor's session — its state, its prepared data, its recorded run, the model at an epoch, and
  the janitor that gives memory back when sessions end;
- ``live``: the main page's live views — the payload computed in Python and the component that draws it;
- ``compare``, ``classify``, ``learn``: the logic of the other pages, one package each;
- ``common``: what every page uses — user text as plain text, plotly figures, the boundary plane, progress.

Modules that draw with streamlit say so; the others are plain Python, unit-tested as such.
"""
