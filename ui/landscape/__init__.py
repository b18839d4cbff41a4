"""The Landscape page's logic: the session's run and a race of optimizers on the loss landscape, and their figures."""
