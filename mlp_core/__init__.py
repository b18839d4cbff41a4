"""mlp_core: the NumPy multilayer perceptron behind MLP Playground.

NumPy, numba (for the fused training kernel), the standard library and scikit-learn's estimator
base classes only — never streamlit or plotly (``tests/test_layout.py`` enforces it).
"""

from .config import TrainingConfig
from .training import Snapshot, train

__all__ = ["MLPBinaryClassifier", "MLPPlaygroundClassifier", "Snapshot", "TrainingConfig", "train"]
__version__ = "0.1.0"


def __getattr__(name):
    # The estimator pulls in scikit-learn (over a second to import); the dashboard does not need it.
    if name in ("MLPPlaygroundClassifier", "MLPBinaryClassifier"):  # the second is the first's former name
        from . import estimator

        return getattr(estimator, name)
    raise AttributeError(f"module 'mlp_core' has no attribute {name!r}")
