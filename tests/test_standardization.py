"""The inputs are standardized with the training split's mean and scale, at every place that splits data: the
teaching datasets and a CSV on the Playground, and a CSV trained by the Classify page or the command line.

One check for all of them: the training inputs the network sees have mean 0 and standard deviation 1 in every
column, and the mean and scale used are the training split's, measured here with NumPy, not the whole file's
(which differ on these data, or the check would prove nothing).
"""

import os

import numpy as np
import pytest
import sklearn

from mlp_core.csv_inputs import load_csv
from mlp_core.datasets import make_dataset, stratified_split
from mlp_core.scoring import train_on_table
from ui.session.data import from_csv, synthetic
from ui.settings.experiment import DataSettings

BREAST_CANCER = os.path.join(os.path.dirname(sklearn.__file__), "datasets", "data", "breast_cancer.csv")


def assert_fitted_on_the_training_split(mean, scale, X_train, X_whole, Z_train):
    np.testing.assert_allclose(Z_train.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(Z_train.std(axis=0), 1, rtol=1e-12)
    np.testing.assert_allclose(mean, X_train.mean(axis=0), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(scale, X_train.std(axis=0), rtol=1e-12)
    whole_mean, whole_std = X_whole.mean(axis=0), X_whole.std(axis=0)
    assert np.max(np.abs(whole_mean - mean) / whole_std) > 1e-3  # the whole file's would be another standardization
    assert np.max(np.abs(whole_std / scale - 1)) > 1e-3


@pytest.mark.parametrize("dataset", ["spheres", "moons"])
def test_teaching_data(dataset):
    config = DataSettings(source="dataset", dataset=dataset, n=400, noise=0.1, seed=3, test_size=0.25)
    data = synthetic(config)
    whole = make_dataset(dataset, n=400, noise=0.1, seed=3)
    X, y = whole.X, whole.y
    X_train = stratified_split(X, y, test_size=0.25, seed=3)[0]
    np.testing.assert_array_equal(data.X_train, X_train)
    assert_fitted_on_the_training_split(data.mean, data.scale, X_train, X, data.Z_train)


def test_a_csv_on_the_playground():
    loaded = load_csv(BREAST_CANCER)
    data = from_csv(loaded, test_size=0.3, seed=5, title="breast_cancer.csv")
    X_train = stratified_split(loaded.X, loaded.y, test_size=0.3, seed=5)[0]
    np.testing.assert_array_equal(data.X_train, X_train)
    assert_fitted_on_the_training_split(data.mean, data.scale, X_train, loaded.X, data.Z_train)
    np.testing.assert_array_equal(data.preprocessing.mean, data.mean)  # the downloaded model scales new files so


def test_a_csv_trained_by_the_classify_page_and_the_command_line():
    with open(BREAST_CANCER, "rb") as handle:
        trained = train_on_table(handle.read(), epochs=5, seed=2, test_size=0.25)
    loaded = load_csv(BREAST_CANCER)
    X_train = stratified_split(loaded.X, loaded.y, test_size=0.25, seed=2)[0]
    pre = trained.preprocessing
    assert_fitted_on_the_training_split(pre.mean, pre.scale, X_train, loaded.X, pre.standardize(X_train))
