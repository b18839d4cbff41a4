"""The loss landscape's logic: the session's run and a race of optimizers on it, their figures (the Landscape page)
and the map the Playground's live view is sent (``live``)."""
