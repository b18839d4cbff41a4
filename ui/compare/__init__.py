"""The Compare page's logic: the main page's network trained by mlp_core and by scikit-learn, compared."""
