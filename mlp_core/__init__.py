"""mlp_core: the NumPy multilayer perceptron behind MLP Playground.

NumPy, numba (for the fused training kernel), the standard library and scikit-learn's estimator
base classes only — never streamlit or plotly (``tests/test_layout.py`` enforces it).
"""

from .estimator import MLPBinaryClassifier
from .training import Snapshot, TrainingConfig, train

__all__ = ["MLPBinaryClassifier", "Snapshot", "TrainingConfig", "train"]
__version__ = "0.1.0"
