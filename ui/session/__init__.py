"""One visitor's session: its state, its data, its recorded run, and the memory given back when it ends."""
