"""The Classify page's logic: a file scored with a model, its columns matched, its results."""
