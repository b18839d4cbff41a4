"""Learn: the article's mathematics evaluated on the network being trained, at the epoch on screen."""

import numpy as np
import streamlit as st

from mlp_core import explain
from ui.common.progress import progress
from ui.common.text import literal, say
from ui.learn import equations, regions, vanishing
from ui.session.runs import data_or_stop, prepare_run, stuck_notice
from ui.session.state import get_session, remembered, show_notices
from ui.settings import limits
from ui.settings.table import ACTIVATIONS

INTRO = (
    "The article trains its network in three steps: a forward pass, the logistic loss, and backpropagation of "
    "the loss's derivative p − y followed by a gradient-descent step. This page writes those steps out with the "
    "numbers of the network on the main page, at the epoch it shows: for one sample of your choice, for the whole "
    "training batch, and checked against finite differences. Below: why the hidden units are ReLU and not "
    "sigmoid, and where each ReLU unit is on."
)
SAMPLE_KINDS = {"row": "A training row", "point": "A point you choose"}
VANISHING_INTRO = (
    "The article keeps sigmoid for the output only: *“the main reason for not using sigmoid at each layer is the "
    "vanishing gradient problem”*. Backpropagation multiplies the gradient, at every hidden layer it crosses, by "
    "the activation's slope. The sigmoid's slope σ′(Z) = σ(Z)(1 − σ(Z)) is at most 1/4, so the gradient shrinks "
    "on its way back to the input, layer after layer; a ReLU unit that is on passes it back unchanged. Below, the "
    "same network is trained twice on the main page's data, from the same initial weights and with the same "
    "learning rate: once with ReLU hidden units, once with sigmoid."
)
VANISHING_EPOCHS = 2000
VANISHING_NETWORKS = {"deep": f"A deep network: {len(vanishing.DEEP)} hidden layers of {vanishing.DEEP[0]} units",
                      "main": "The main page's network"}
REGIONS_INTRO = (
    "A ReLU unit is either off (output 0) or on (output Z, a straight line), so for every on/off pattern of the "
    "hidden units the network is an ordinary linear function of its inputs, and the input space is cut into "
    "regions, one per pattern. The map shows them over one slice of the data, with the decision boundary "
    "p = 0.5 in black. A unit that is off for every training row is **dead**: its output is 0, so no gradient "
    "reaches its incoming weights and gradient descent can never turn it back on."
)


def model_in_view():
    """The session's run (started here with the main page's settings if none exists), the epoch to explain, the
    snapshot of that epoch and of the next one (None if not recorded), and how many epochs are recorded. Read
    under the session's lock, so that a click on another page cannot change the run halfway through."""
    session = get_session()
    with session.lock:
        exp = session.experiment
        data_or_stop(session)
        if session.data.n_classes > 2:  # the page writes out the article's one sigmoid output and logistic loss
            say("info", f"This page works the article's network through by hand: two classes, one sigmoid output. "
                        f"The Playground's network tells {session.data.n_classes} classes apart; choose one class "
                        "against the rest under Classes in the Playground's sidebar to follow it here.")
            st.stop()
        prepare_run(session, exp)
        if session.recording is None:
            st.stop()
        show_notices(session)
        pb, recording = session.playback, session.recording
        last = recording.n_epochs - 1
        if pb.playing:
            pb.pause_at(pb.current(last))
            say("info", f"Training was playing on the main page: it is paused at epoch {pb.epoch} so that this page "
                        "can explain one epoch. Press Train there to go on.")
        epoch = min(pb.epoch, last)
        after = recording.snapshot(epoch + 1) if epoch < last else None
        return session, epoch, recording.snapshot(epoch), after, recording.n_epochs


def _move_main_page() -> None:
    session = get_session()
    with session.lock:
        session.playback.pause_at(st.session_state["l_epoch"])


def epoch_controls(shown: int, n_epochs: int) -> int:
    """The epoch to explain: the main page's, and moving it here moves the main page too."""
    if n_epochs == 1:
        st.caption("Only epoch 0 is recorded so far: train on the main page, or Step there, to explain later epochs.")
        return 0
    st.session_state["l_epoch"] = shown
    st.slider("Epoch", 0, n_epochs - 1, key="l_epoch", on_change=_move_main_page,
              help="The epoch shown on the main page. Moving it here moves the main page to it as well.")
    return shown


def sample_controls(data, run_id: int) -> tuple[np.ndarray, float, str]:
    """The sample to follow through the network: a training row or a point typed in, in the file's units."""
    kind = st.radio("Sample", list(SAMPLE_KINDS), format_func=SAMPLE_KINDS.get, horizontal=True, key="l_kind")
    negative, positive = data.class_names
    if kind == "row":
        row = st.number_input(f"Training row (1 to {len(data.X_train)})", 1, len(data.X_train), 1, key="l_row")
        i = int(row) - 1
        label = float(data.y_train[i])
        return data.X_train[i], label, f"training row {i + 1} (its class: {literal(positive if label else negative)})"
    cols = st.columns(min(4, len(data.feature_names) + 1))
    values = []
    for j, name in enumerate(data.feature_names):
        values.append(cols[j % len(cols)].number_input(
            literal(name), value=float(np.round(data.mean[j], 3)), format="%.3f", key=f"l_x{j}_{run_id}",
        ))
    target = cols[len(data.feature_names) % len(cols)].selectbox("Its class", [negative, positive], index=1,
                                                                  key=f"l_y_{run_id}")
    label = float(target == positive)
    return np.array(values, dtype=float), label, f"the point you chose (its class: {literal(target)})"


def rows_text(rows: int, total: int) -> str:
    return "the training set" if rows == total else f"the first {rows:,} of {total:,} training rows"


def parameters_text(check: explain.GradientCheck) -> str:
    if check.total == len(check.names):
        return "every weight and bias"
    return f"{len(check.names):,} of the {check.total:,} weights and biases, spread over every layer"


def checked_gradients(text, coefs, intercepts, X, y, activation, alpha, count) -> explain.GradientCheck:
    """A gradient check of about ``count`` parameters, with a progress bar (where it stops if the visitor
    leaves)."""
    with progress(text) as report:
        return explain.gradient_check(coefs, intercepts, X, y, activation, alpha, count=count, progress=report)


def show_latex(lines: list[str]) -> None:
    for line in lines:
        st.latex(line)


def vanishing_section(data, exp, run_id: int) -> None:
    """ReLU against sigmoid hidden units, same data, same initial weights, same learning rate."""
    st.markdown(VANISHING_INTRO)
    left, right = st.columns([3, 1])
    which = left.radio("Network for this experiment", list(VANISHING_NETWORKS), format_func=VANISHING_NETWORKS.get,
                       horizontal=True, key="l_vnet",
                       help="The deeper the network, the more layers the gradient has to cross.")
    hidden = vanishing.DEEP if which == "deep" else exp.network.hidden
    rows = min(len(data.Z_train), limits.CHECKED_ROWS)
    most = min(VANISHING_EPOCHS, limits.page_epochs(limits.parameter_count(len(data.feature_names), hidden), rows,
                                                      None, runs=2))
    if st.session_state.get("l_vepochs", 0) > most:  # a smaller limit for this network than for the last one
        st.session_state["l_vepochs"] = most
    epochs = right.number_input("Epochs", min(10, most), most, min(500, most), step=100, key="l_vepochs",
                                help=f"At most {most:,} for this network and data, to keep the server responsive "
                                     "for everyone.")
    if not hidden:
        say("info", "The main page's network has no hidden layer, so there is nothing for the gradient to cross. "
                    "Choose the deep network.")
        return

    def both():
        with progress("Training both networks…") as report:
            return vanishing.vanishing_experiment(data.Z_train[:rows], data.y_train[:rows], hidden,
                                                  exp.train.learning_rate, int(epochs), exp.train.seed, report)

    runs = remembered("learn_memo", ("vanishing", run_id, hidden, int(epochs)), both)
    st.plotly_chart(vanishing.vanishing_figure(runs), key="l_vfig")
    st.plotly_chart(vanishing.vanishing_loss_figure(runs), key="l_vloss")
    st.markdown(vanishing.explanation(runs))
    which_rows = "the" if rows == len(data.Z_train) else "the first"
    st.caption(f"Full-batch gradient descent, learning rate {exp.train.learning_rate:g}, weights seed "
               f"{exp.train.seed} (both from the main page), on {which_rows} {rows:,} training rows. Each layer's "
               "gradient norm covers its weights and biases.")


def regions_section(data, exp, coefs, intercepts) -> None:
    """The ReLU regions over one slice, each unit's own on/off map, and the dead units."""
    st.markdown(REGIONS_INTRO)
    activation, names = exp.network.activation, list(data.feature_names)
    if not exp.network.hidden:
        say("info", "The main page's network has no hidden layer: it is one linear region, the whole input space.")
        return
    if activation != "relu":
        say("info", f"The main page's network uses {ACTIVATIONS[activation]} hidden units, which have no off state; "
                    "the maps show where each unit's Z > 0 instead, and no unit can die.")
    if len(names) < 2:
        say("info", "The data has one input only, so there is no two-input slice to map.")
    else:
        slice_map(data, exp, coefs, intercepts, names)
    table = regions.dead_unit_table(coefs, intercepts, activation, data.Z_train)
    dead = [row["name"] for row in table if row["dead"]]
    if dead:
        rest = "These units never turn on again; the others still learn." if len(dead) < len(table) else ""
        say("warning", f"Dead on the training data: {', '.join(dead)}. {rest}")
    elif activation == "relu":
        say("success", "No dead unit: every hidden unit is on for some training rows.")
    st.dataframe(table, hide_index=True, column_order=["name", "layer", "share_on", "dead"], column_config={
        "layer": "hidden layer", "name": "unit",
        "share_on": st.column_config.ProgressColumn("on for this share of training rows", format="percent",
                                                     min_value=0.0, max_value=1.0),
        "dead": st.column_config.CheckboxColumn("dead"),
    })


def slice_map(data, exp, coefs, intercepts, names) -> None:
    """The regions map over two chosen inputs, the first other input held where the user puts it."""
    cols = st.columns(3)
    x_input = cols[0].selectbox("Horizontal input", range(len(names)), format_func=names.__getitem__,
                                index=min(exp.view.x_input, len(names) - 1), key="l_rx")
    y_input = cols[1].selectbox("Vertical input", range(len(names)), format_func=names.__getitem__,
                                index=min(exp.view.y_input, len(names) - 1), key="l_ry")
    if x_input == y_input:
        say("warning", "Choose two different inputs for the slice.")
        return
    others = [i for i in range(len(names)) if i not in (x_input, y_input)]
    held = None
    if others:
        column = data.X_train[:, others[0]]
        low, high = float(column.min()), float(column.max())
        if high > low:
            held = cols[2].slider(f"{literal(names[others[0]])} held at", low, high, float(column.mean()),
                                  key=f"l_rheld_{others[0]}",
                                  help="The slice cuts across this input here"
                                       + ("; every other input is held at its training mean." if len(others) > 1
                                          else "."))
    grid = regions.regions_grid(coefs, intercepts, exp.network.activation, data, x_input, y_input, held)
    st.plotly_chart(regions.regions_figure(grid, data, x_input, y_input), key="l_rfig")


st.title("Learn: the mathematics, live")
st.markdown(INTRO)
session, shown, snap, after, n_epochs = model_in_view()
data, exp = session.data, session.experiment
epoch = epoch_controls(shown, n_epochs)
activation, alpha = exp.network.activation, exp.train.alpha
coefs, intercepts = [np.array(W) for W in snap.coefs], [np.array(b) for b in snap.intercepts]
sizes = " → ".join(map(str, [len(data.feature_names), *exp.network.hidden, 1]))
st.markdown(f"**Network** {sizes}, hidden activation {ACTIVATIONS[activation]}, output sigmoid · **epoch {epoch}** · "
            f"training loss {snap.loss:.4f}")
stuck_notice(session, epoch, link_to_learn=False)

st.header("1 · Forward pass")
raw, label, described = sample_controls(data, session.run_id)
x = (raw - data.mean) / data.scale
st.dataframe(equations.input_table(raw, x, data.mean, data.scale, data.feature_names), hide_index=True)
one = explain.trace(coefs, intercepts, x, [label], activation)
st.markdown(f"Following {described}. Each layer computes $Z = W^\\top X + b$ (the article writes the bias as "
            f"$W_0$) and applies its activation; the output unit applies the sigmoid $\\sigma$.")
show_latex(equations.forward_equations(one, activation, coefs, intercepts))
predicted = data.class_names[int(one.p[0] > 0.5)]
st.markdown(f"The network gives this sample a probability of **{one.p[0]:.4f}** for the class "
            f"“{literal(data.class_names[1])}”, so it predicts **{literal(predicted)}**.")

st.header("2 · Loss and backward pass for this sample")
st.markdown(
    "The logistic loss measures how wrong p is. Its derivative with respect to the output unit's $Z$ is simply "
    "$p - y$ (the sigmoid's derivative cancels against the loss's): that is the article's derivative, and "
    "backpropagation carries it back, layer by layer, multiplying by the weights and by the activation's slope, "
    f"${equations.DERIVATIVE_TEX[activation]}$."
)
show_latex(equations.backward_equations(one, activation, coefs))

st.header("3 · The whole batch, and one gradient-descent step")
n_train = len(data.Z_train)
rows = min(n_train, limits.CHECKED_ROWS)
batch = remembered("learn_memo", ("trace", session.run_id, epoch, rows), lambda: explain.trace(
    coefs, intercepts, data.Z_train[:rows], data.y_train[:rows], activation, alpha))
st.markdown(f"Training averages every sample's gradient over the batch, here {rows_text(rows, n_train)}"
            + (", and adds the L2 penalty's gradient." if alpha else "."))
show_latex(equations.batch_equations(batch, alpha, exp.train.learning_rate, coefs))
plain_descent = exp.train.solver == "sgd" and exp.train.momentum == 0 and exp.train.batch_size is None
if plain_descent and after is not None:
    full = batch if rows == n_train else explain.trace(coefs, intercepts, data.Z_train, data.y_train, activation,
                                                       alpha)
    stepped = equations.gradient_step(coefs, intercepts, full, exp.train.learning_rate)
    gap = max(float(np.abs(a - b).max()) for a, b in zip(stepped[0] + stepped[1], after.coefs + after.intercepts,
                                                          strict=True))
    st.markdown(f"Taking that step from epoch {epoch} gives the weights the main page shows at epoch {epoch + 1}: "
                f"the largest difference is {gap:.1e} (rounding).")
elif not plain_descent:
    st.caption("The main page trains with momentum, Adam or mini-batches, so its next epoch is not this single step.")

st.header("4 · Checking the gradients")
st.markdown(
    "Backpropagation is easy to get subtly wrong, so the usual test is to compare it with the definition of a "
    "derivative: nudge one parameter by $h$ both ways and measure the change in the loss. The relative error "
    "$|a - n| / \\max(|a|, |n|)$ should be far below $10^{-6}$."
)
st.latex(r"\frac{\partial L}{\partial \theta} \approx \frac{L(\theta + h) - L(\theta - h)}{2h}, \qquad h = "
         + equations.number(explain.FD_STEP))
parameters, weights = sum(W.size + b.size for W, b in zip(coefs, intercepts, strict=True)), sum(W.size for W in coefs)
check_rows, checked = limits.gradient_check_plan(parameters, weights, len(coefs), n_train)
sample_count = limits.checked_parameters(parameters, weights, len(coefs), 1)
sample_check = remembered("learn_memo", ("check", session.run_id, epoch, tuple(x), label), lambda: checked_gradients(
    "Checking this sample's gradients…", coefs, intercepts, x, [label], activation, 0.0, sample_count))
batch_check = remembered("learn_memo", ("check", session.run_id, epoch, check_rows), lambda: checked_gradients(
    "Checking the batch's gradients…", coefs, intercepts, data.Z_train[:check_rows], data.y_train[:check_rows],
    activation, alpha, checked))
cols = st.columns(2)
cols[0].metric("Largest relative error, this sample", f"{sample_check.relative_errors.max():.1e}",
               help=f"Over {parameters_text(sample_check)}; the loss of this one sample, without the L2 term.")
cols[1].metric("Largest relative error, the batch", f"{batch_check.relative_errors.max():.1e}",
               help=f"Over {parameters_text(batch_check)}; the mean loss over {rows_text(check_rows, n_train)}"
                    + (" with the L2 term." if alpha else "."))
if batch_check.total > len(batch_check.names) or sample_check.total > len(sample_check.names):
    st.caption(f"This network has {parameters:,} parameters: finite differences for all of them would keep the "
               f"server busy for minutes, so {len(batch_check.names):,} of them (for this sample "
               f"{len(sample_check.names):,}), spread over every layer's weights and biases, are checked on "
               f"{rows_text(check_rows, n_train)}. One gradient check costs at most about a second of the server.")
which = st.radio("Table for", ["This sample", "The batch"], horizontal=True, key="l_check")
check = sample_check if which == "This sample" else batch_check
st.dataframe(equations.gradient_table(check), hide_index=True, column_config={
    "backpropagation": st.column_config.NumberColumn(format="%.6e"),
    "finite difference": st.column_config.NumberColumn(format="%.6e"),
    "relative error": st.column_config.NumberColumn(format="%.1e"),
})
st.caption("The finite differences are computed in extended precision (80-bit floats). A weight whose gradient is "
           "exactly 0 on both sides belongs to a unit that is off for this input.")

st.header("5 · Why ReLU: vanishing gradients")
vanishing_section(data, exp, session.run_id)

st.header("6 · ReLU regions and dead units")
regions_section(data, exp, coefs, intercepts)
