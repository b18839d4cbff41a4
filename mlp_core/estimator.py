"""``MLPPlaygroundClassifier``: the article's network as a scikit-learn estimator, for two classes or more.

Parameters carry ``MLPClassifier``'s names and meanings where the concept is shared; the defaults
are the article's (3-2 ReLU, plain full-batch gradient descent). ``fit`` validates the inputs and
drains ``training.train``. ``MLPBinaryClassifier`` is its former name, kept for the code that uses it.
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from . import network
from .config import MAX_CLASSES, TrainingConfig
from .training import train


class MLPPlaygroundClassifier(ClassifierMixin, BaseEstimator):
    """A multilayer perceptron: hidden layers, then for two classes one sigmoid output and the logistic loss (the
    article's), for k > 2 classes a softmax output of k units and the cross-entropy (as ``MLPClassifier``).

    Fitted attributes, as scikit-learn's: ``coefs_``, ``intercepts_``, ``loss_curve_``, ``n_iter_``,
    ``classes_`` (sorted; with two, ``classes_[1]`` is the positive class), ``n_features_in_``; plus
    ``stop_reason_`` (why training stopped) and ``stop_rule_`` ('max_iter', 'tol' or 'weight_tol').
    ``tol=None`` or ``weight_tol=None`` turns that stopping rule off; ``batch_size=None`` is full batch.
    """

    def __init__(
        self,
        hidden_layer_sizes=(3, 2),
        activation="relu",
        *,
        solver="sgd",
        alpha=0.0,
        batch_size=None,
        learning_rate_init=0.1,
        max_iter=1000,
        tol=1e-4,
        n_iter_no_change=10,
        weight_tol=1e-6,
        momentum=0.0,
        nesterovs_momentum=False,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        shuffle=True,
        random_state=None,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate_init = learning_rate_init
        self.max_iter = max_iter
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.weight_tol = weight_tol
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.shuffle = shuffle
        self.random_state = random_state

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # The article's 3-2 ReLU network dies (every unit of a layer off for every sample) for some
        # seeds, random_state=0 among them, exactly as MLPClassifier does with the same settings;
        # tests/test_estimator.py shows both, and that other seeds learn the check's data.
        tags.classifier_tags.poor_score = True
        return tags

    def training_config(self) -> TrainingConfig:
        """The validated ``TrainingConfig`` these parameters describe (raises ``ValueError``)."""
        names = [f.name for f in TrainingConfig.__dataclass_fields__.values()]
        return TrainingConfig(**{name: getattr(self, name) for name in names}).validate()

    def encode_target(self, y) -> np.ndarray:
        """Check that ``y`` holds 2 to ``MAX_CLASSES`` classes; set ``classes_``; return y as class indices
        (float: 0.0/1.0 for two classes, 1.0 the positive class ``classes_[1]``)."""
        check_classification_targets(y)  # validate_data has already refused a y of more than one column
        self.classes_, index = np.unique(y, return_inverse=True)
        if len(self.classes_) < 2:
            raise ValueError(
                f"{type(self).__name__} needs samples of at least two classes; got one class: {self.classes_[0]!r}."
            )
        if len(self.classes_) > MAX_CLASSES:
            raise ValueError(
                f"{type(self).__name__} handles at most {MAX_CLASSES} classes; got {len(self.classes_)}. "
                "Group the rare classes into one, or predict a coarser label."
            )
        return index.astype(float)

    def fit(self, X, y, progress=None):
        """Train on ``X`` (n, d) and ``y`` (n,) with 2 to ``MAX_CLASSES`` distinct labels. Returns self.

        ``progress``: optional callable ``progress(epoch, max_iter)``, called after every epoch.
        """
        config = self.training_config()
        X, y = validate_data(self, X, y, dtype=np.float64, y_numeric=False)
        y_index = self.encode_target(y)
        losses = []
        for snap in train(X, y_index, config, evaluate_every=0, n_classes=len(self.classes_)):
            if snap.epoch > 0 and snap.stop_rule != "diverged":
                losses.append(snap.loss)
            if progress is not None:
                progress(snap.epoch, config.max_iter)
        if snap.stop_rule == "diverged":
            raise ValueError(snap.stop_reason)
        self.coefs_ = [np.array(W) for W in snap.coefs]
        self.intercepts_ = [np.array(b) for b in snap.intercepts]
        self.n_iter_ = snap.epoch
        self.stop_rule_ = snap.stop_rule
        self.stop_reason_ = snap.stop_reason
        self.loss_curve_ = losses
        if snap.stop_rule == "max_iter":
            warnings.warn(
                f"Stochastic Optimizer: Maximum iterations ({config.max_iter}) reached and the "
                "optimization hasn't converged yet.",
                ConvergenceWarning,
                stacklevel=2,
            )
        return self

    def _validated(self, X):
        check_is_fitted(self)
        return validate_data(self, X, dtype=np.float64, reset=False)

    def decision_function(self, X) -> np.ndarray:
        """The output layer's Z: for two classes the log-odds of ``classes_[1]``, shape (n,); else one column per
        class, shape (n, k), largest for the predicted class."""
        X = self._validated(X)
        with np.errstate(over="ignore"):  # extreme inputs give ±inf log-odds, which is their meaning
            return network.output_logit(self.coefs_, self.intercepts_, X, self.activation)

    def predict_proba(self, X) -> np.ndarray:
        """The probability of each class of ``classes_``, shape (n, k) (k = 2 for two classes)."""
        X = self._validated(X)
        with np.errstate(over="ignore"):  # the sigmoid saturates to 0 or 1, as it should
            p = network.predict_proba(self.coefs_, self.intercepts_, X, self.activation)
        return np.vstack([1 - p, p]).T if p.ndim == 1 else p

    def predict(self, X) -> np.ndarray:
        """The likeliest class: for two, the one with probability above 0.5 (ties go to ``classes_[0]``, as in
        scikit-learn); for more, the first of the likeliest."""
        p = self.predict_proba(X)
        if len(self.classes_) == 2:
            return self.classes_[(p[:, 1] > 0.5).astype(int)]
        return self.classes_[np.argmax(p, axis=1)]


MLPBinaryClassifier = MLPPlaygroundClassifier
