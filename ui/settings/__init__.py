"""What a visitor chooses: the table of settings, the experiment they make, the link, the work limits, the sidebar."""
