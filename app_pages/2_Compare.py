"""Compare with scikit-learn: the main page's network trained by ours and by MLPClassifier, side by side."""

import hashlib

import pandas as pd
import streamlit as st

from ui.common import figures
from ui.common.progress import progress
from ui.common.text import say
from ui.compare import comparison
from ui.session.data import Prepared, synthetic
from ui.session.state import get_session, remembered, show_notices
from ui.settings.experiment import Experiment

INTRO = (
    "The network and training settings of the main page, trained twice from the same initial weights: by this "
    "project's NumPy core and by scikit-learn's `MLPClassifier`. With the same settings the two take the same "
    "path, and this page proves it: after every epoch it reads both networks' weights and reports the largest "
    "difference between them. The second mode lets scikit-learn use its own defaults instead, to show what the "
    "optimizer changes."
)
WHY_NO_DIFFERENCE = (
    "**No weight difference to plot in this mode.** Both networks start from the same weights, but "
    "scikit-learn's default optimizer (Adam, step 0.001, shuffled batches of up to 200 rows, L2 penalty 1e-4) "
    "takes other steps than the settings of the main page, so the two paths part from the first epoch on, "
    "by design. Compare where they end up instead: the loss curves, the metrics, the share of test points they "
    "classify alike and the decision boundaries."
)


def session_inputs() -> tuple[Prepared, Experiment]:
    """The main page's data and settings; its defaults when it has no data yet (this page opened first)."""
    session = get_session()
    if session.data is not None:
        return session.data, session.experiment
    exp = session.experiment
    if exp.data.source == "csv":
        say("info", "No CSV file is loaded on the main page yet, so this comparison uses the teaching dataset.")
    return synthetic(exp.data), exp


def compare_controls(exp: Experiment, data: Prepared) -> tuple[str, int]:
    """What to compare against, and for how many epochs."""
    left, right = st.columns([3, 1])
    mode = left.radio("Compare against", list(comparison.MODES), format_func=comparison.MODES.get, horizontal=True,
                      key="c_mode")
    limit = comparison.epoch_limit(len(data.feature_names), exp.network, len(data.Z_train), exp.train.batch_size)
    epochs = right.number_input(
        "Epochs", 1, limit, value=min(exp.train.max_epochs, limit), step=100,
        help=f"Both networks train this many epochs; at most {limit:,} for this network and data, to keep the "
             "server responsive for everyone.",
    )
    return mode, int(epochs)


def run_comparison(Z_train, y_train, Z_test, y_test, network, train, mode, epochs,
                   n_classes: int = 2) -> comparison.Comparison:
    """The comparison, remembered in this session only (results hold the user's data: never in a
    cache shared between visitors), so switching modes back and forth is instant."""
    key = (hashlib.sha256(b"".join(a.tobytes() for a in (Z_train, y_train, Z_test, y_test))).hexdigest(),
           network, train, mode, epochs, n_classes)
    def both():
        with progress("Training both networks…") as report:
            return comparison.compare(Z_train, y_train, Z_test, y_test, network, train, mode, epochs, report,
                                      n_classes)

    return remembered("compare_results", key, both, size=4)


def headline(result: comparison.Comparison) -> None:
    """The numbers that answer the question: equal or not, and how fast."""
    cols = st.columns(5)
    if result.mode == "matched":
        cols[0].metric("Largest weight difference", f"{result.largest_difference:.1e}",
                       help=f"The largest |ours − scikit-learn| over all weights and biases, after any of the "
                            f"epochs 0 to {result.epochs}.")
    else:
        cols[0].metric("Epochs run, ours / scikit-learn", f"{len(result.loss_ours)} / {len(result.loss_sklearn)}")
    cols[1].metric("Test predictions that agree", f"{result.agreement:.1%}")
    cols[2].metric("Initial weights", "identical" if result.initial_difference == 0
                   else f"differ by {result.initial_difference:.1e}",
                   help="Ours drawn by the core, scikit-learn's read from MLPClassifier itself, for the same seed.")
    cols[3].metric("Wall time, ours", f"{result.seconds_ours:.3f} s")
    cols[4].metric("Wall time, scikit-learn", f"{result.seconds_sklearn:.3f} s")
    if result.mode == "matched":
        if result.largest_difference < comparison.TOLERANCE and result.loss_difference < comparison.TOLERANCE:
            say("success",
                f"After every one of the {result.epochs} epochs, no weight or bias of the two networks differs "
                f"by more than {result.largest_difference:.1e} and no epoch's loss by more than "
                f"{result.loss_difference:.1e}; the tests allow {comparison.TOLERANCE:.0e}. A plain MLPClassifier.fit "
                "for the same epochs ends on " + ("exactly the same weights." if result.fit_difference == 0
                                     else f"the same weights within {result.fit_difference:.1e}."), lead="Equal.")
        else:
            say("warning",
                f"The weights differ by up to {result.largest_difference:.1e} and the losses by up to "
                f"{result.loss_difference:.1e}.", lead=f"Not equal within {comparison.TOLERANCE:.0e}.")
        st.caption(f"Wall time of the {result.epochs} training epochs on this machine; scikit-learn's is a plain "
                   "`fit` for those epochs. The weights after each epoch come from a separate run of `partial_fit` "
                   "calls, one per epoch, which keeps the optimizer's state between calls.")
    else:
        st.caption(f"Ours: {result.stop_ours}  \nscikit-learn: {result.stop_sklearn}")


def settings_section(result: comparison.Comparison) -> None:
    st.subheader("What was matched" if result.mode == "matched" else "The settings side by side")
    table = pd.DataFrame(result.settings, columns=["setting", "ours", "scikit-learn", "same"])
    table["same"] = table["same"].map({True: "yes", False: "no"})
    st.table(table, hide_index=True)
    st.markdown("**What could not be mapped, or differs on purpose**\n\n" + "\n".join(f"- {n}" for n in result.notes))


def curves_section(result: comparison.Comparison) -> None:
    left, right = st.columns(2)
    with left:
        st.subheader("Training loss")
        st.plotly_chart(figures.loss_figure(result.loss_ours, result.loss_sklearn))
        st.caption("The mean of the batch losses of each epoch, as `loss_curve_` records it. Ours solid, "
                   "scikit-learn dashed on top: where they agree, one line runs inside the other.")
    with right:
        if result.mode == "matched":
            st.subheader("Largest weight difference per epoch")
            st.plotly_chart(figures.weight_difference_figure(result.weight_difference, comparison.TOLERANCE))
            st.caption(f"Log scale. An exact 0 (as at epoch 0, where both start from the same weights) has no "
                       f"logarithm: it is drawn at {figures.ZERO_FLOOR:.0e} and circled. The dotted line is the "
                       "tolerance the equivalence tests allow.")
        else:
            st.subheader("Largest weight difference per epoch")
            st.markdown(WHY_NO_DIFFERENCE)


def metrics_section(result: comparison.Comparison) -> None:
    st.subheader("Final metrics")
    table = pd.DataFrame(result.metrics)
    st.dataframe(table, hide_index=True, column_config={
        name: st.column_config.NumberColumn(name, format="%.4f") for name in ("accuracy", "log loss", "ROC AUC")
    })


def boundary_section(result: comparison.Comparison, data: Prepared, exp: Experiment) -> None:
    st.subheader("Decision boundary")
    cut = comparison.boundary_slice(result, data, exp.view.x_input, exp.view.y_input)
    if data.n_classes > 2:
        if cut.y is None:
            st.caption("The data has one input and more than two classes: no map to draw; the metrics above "
                       "compare the two models.")
            return
        panels = ((figures.OURS_NAME, cut.p_ours), (figures.SKLEARN_NAME, cut.p_sklearn))
        st.plotly_chart(figures.class_boundary_figure(cut.x, cut.y, panels, cut.points, cut.x_name, cut.y_name,
                                                      data.class_names, cut.held))
        st.caption(f"The class each model predicts over the two inputs chosen for the main page's slices, every "
                   f"other input held at its training mean, each of the {data.n_classes} classes in its colour. "
                   "Markers are the training points within half a standard deviation of the slice, by class.")
        return
    if cut.y is None:
        st.plotly_chart(figures.probability_figure(cut.x, cut.p_ours, cut.p_sklearn, cut.points, cut.x_name,
                                                   data.class_names))
        st.caption("The data has one input: the probability of the positive class over it, both models, "
                   "and the training points at p = 0 or 1 by class.")
        return
    st.plotly_chart(figures.boundary_figure(cut.x, cut.y, cut.p_ours, cut.p_sklearn, cut.points, cut.x_name,
                                            cut.y_name, data.class_names, cut.held))
    st.caption("The probability of the positive class over the two inputs chosen for the main page's slices, "
               "every other input held at its training mean: orange 0, white 0.5, purple 1; the black line is "
               "p = 0.5. Markers are the training points within half a standard deviation of the slice, by class.")


st.title("Compare with scikit-learn")
st.markdown(INTRO)
show_notices(get_session())
data, exp = session_inputs()
st.text(f"Data: {data.title}: {len(data.Z_train)} training and {len(data.Z_test)} test points, "
        f"{data.Z_train.shape[1]} inputs.")
mode, epochs = compare_controls(exp, data)
try:
    result = run_comparison(data.Z_train, data.y_train, data.Z_test, data.y_test, exp.network, exp.train, mode,
                            epochs, data.n_classes)
except ValueError as exc:
    say("error", f"The comparison could not run: {exc}")
    st.stop()
headline(result)
curves_section(result)
metrics_section(result)
boundary_section(result, data, exp)
settings_section(result)
