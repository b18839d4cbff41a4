"""Learn: the article's mathematics evaluated on the network being trained, at the epoch on screen."""

import numpy as np
import streamlit as st

from mlp_core import explain
from ui import learn, regions, state, vanishing
from ui.runs import prepare_data, prepare_run, stuck_notice
from ui.state import get_session
from ui.text import literal

INTRO = (
    "The article trains its network in three steps: a forward pass, the logistic loss, and backpropagation of "
    "the loss's derivative p − y followed by a gradient-descent step. This page writes those steps out with the "
    "numbers of the network on the main page, at the epoch it shows: for one sample of your choice, for the whole "
    "training batch, and checked against finite differences. Below: why the hidden units are ReLU and not "
    "sigmoid, and where each ReLU unit is on."
)
CHECKED_ROWS = 5000  # the batch whose gradient is written out and checked: the training set, or its first rows
SAMPLE_KINDS = {"row": "A training row", "point": "A point you choose"}
VANISHING_INTRO = (
    "The article keeps sigmoid for the output only: *“the main reason for not using sigmoid at each layer is the "
    "vanishing gradient problem”*. Backpropagation multiplies the gradient, at every hidden layer it crosses, by "
    "the activation's slope. The sigmoid's slope σ′(Z) = σ(Z)(1 − σ(Z)) is at most 1/4, so the gradient shrinks "
    "on its way back to the input, layer after layer; a ReLU unit that is on passes it back unchanged. Below, the "
    "same network is trained twice on the main page's data, from the same initial weights and with the same "
    "learning rate: once with ReLU hidden units, once with sigmoid."
)
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
    """The session's run (started here with the main page's settings if none exists) and the epoch to explain."""
    session = get_session()
    exp = session.experiment
    prepare_data(session, exp, session.csv_choices)
    if session.data is None:
        st.info("Upload a CSV file on the Playground page, or choose a teaching dataset there.", icon=":material/info:")
        st.stop()
    prepare_run(session, exp)
    if session.recording is None:
        st.stop()
    for notice in session.notices:
        st.info(notice, icon=":material/info:")
    session.notices.clear()
    pb, last = session.playback, session.recording.n_epochs - 1
    if pb.playing:
        pb.pause_at(pb.current(last))
        st.info(f"Training was playing on the main page: it is paused at epoch {pb.epoch} so that this page can "
                "explain one epoch. Press Train there to go on.", icon=":material/pause:")
    return session, min(pb.epoch, last)


def epoch_controls(session, shown: int) -> int:
    """The epoch to explain: the main page's, and moving it here moves the main page too."""
    last = session.recording.n_epochs - 1
    if last == 0:
        st.caption("Only epoch 0 is recorded so far: train on the main page, or Step there, to explain later epochs.")
        return 0
    st.session_state["l_epoch"] = shown
    st.slider("Epoch", 0, last, key="l_epoch", on_change=lambda: session.playback.pause_at(st.session_state["l_epoch"]),
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


def remembered(key, compute):
    return state.remembered("learn_memo", key, compute)


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
    epochs = right.number_input("Epochs", 10, 2000, 500, step=100, key="l_vepochs")
    hidden = vanishing.DEEP if which == "deep" else exp.network.hidden
    if not hidden:
        st.info("The main page's network has no hidden layer, so there is nothing for the gradient to cross. "
                "Choose the deep network.")
        return
    rows = min(len(data.Z_train), CHECKED_ROWS)
    runs = remembered(("vanishing", run_id, hidden, int(epochs)), lambda: vanishing.vanishing_experiment(
        data.Z_train[:rows], data.y_train[:rows], hidden, exp.train.learning_rate, int(epochs), exp.train.seed))
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
        st.info("The main page's network has no hidden layer: it is one linear region, the whole input space.")
        return
    if activation != "relu":
        st.info(f"The main page's network uses {activation} hidden units, which have no off state; the maps show "
                "where each unit's Z > 0 instead, and no unit can die.", icon=":material/info:")
    if len(names) < 2:
        st.info("The data has one input only, so there is no two-input slice to map.")
    else:
        slice_map(data, exp, coefs, intercepts, names)
    table = regions.dead_unit_table(coefs, intercepts, activation, data.Z_train)
    dead = [row["name"] for row in table if row["dead"]]
    if dead:
        rest = "These units never turn on again; the others still learn." if len(dead) < len(table) else ""
        st.warning(f"Dead on the training data: {', '.join(dead)}. {rest}", icon=":material/heart_broken:")
    elif activation == "relu":
        st.success("No dead unit: every hidden unit is on for some training rows.", icon=":material/check:")
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
        st.warning("Choose two different inputs for the slice.")
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
session, shown = model_in_view()
data, exp, recording = session.data, session.experiment, session.recording
epoch = epoch_controls(session, shown)
snap = recording.snapshots[epoch]
activation, alpha = exp.network.activation, exp.train.alpha
coefs, intercepts = [np.array(W) for W in snap.coefs], [np.array(b) for b in snap.intercepts]
sizes = " → ".join(map(str, [len(data.feature_names), *exp.network.hidden, 1]))
st.markdown(f"**Network** {sizes}, hidden activation {activation}, output sigmoid · **epoch {epoch}** · training "
            f"loss {snap.loss:.4f}")
stuck_notice(session, epoch, link_to_learn=False)

st.header("1 · Forward pass")
raw, label, described = sample_controls(data, session.run_id)
x = (raw - data.mean) / data.scale
st.dataframe(learn.input_table(raw, x, data.mean, data.scale, data.feature_names), hide_index=True)
one = explain.trace(coefs, intercepts, x, [label], activation)
st.markdown(f"Following {described}. Each layer computes $Z = W^\\top X + b$ (the article writes the bias as "
            f"$W_0$) and applies its activation; the output unit applies the sigmoid $\\sigma$.")
show_latex(learn.forward_equations(one, activation, coefs, intercepts))
predicted = data.class_names[int(one.p[0] > 0.5)]
st.markdown(f"The network gives this sample a probability of **{one.p[0]:.4f}** for the class "
            f"“{literal(data.class_names[1])}”, so it predicts **{literal(predicted)}**.")

st.header("2 · Loss and backward pass for this sample")
st.markdown(
    "The logistic loss measures how wrong p is. Its derivative with respect to the output unit's $Z$ is simply "
    "$p - y$ (the sigmoid's derivative cancels against the loss's): that is the article's derivative, and "
    "backpropagation carries it back, layer by layer, multiplying by the weights and by the activation's slope, "
    f"${learn.DERIVATIVE_TEX[activation]}$."
)
show_latex(learn.backward_equations(one, activation, coefs))

st.header("3 · The whole batch, and one gradient-descent step")
rows = min(len(data.Z_train), CHECKED_ROWS)
n_train = len(data.Z_train)
scope = "the training set" if rows == n_train else f"the first {rows:,} of {n_train:,} training rows"
batch = remembered(("trace", session.run_id, epoch, rows), lambda: explain.trace(
    coefs, intercepts, data.Z_train[:rows], data.y_train[:rows], activation, alpha))
st.markdown(f"Training averages every sample's gradient over the batch, here {scope}"
            + (", and adds the L2 penalty's gradient." if alpha else "."))
show_latex(learn.batch_equations(batch, alpha, exp.train.learning_rate, coefs))
plain_descent = exp.train.solver == "sgd" and exp.train.momentum == 0 and exp.train.batch_size is None
if plain_descent and epoch + 1 < recording.n_epochs and recording.snapshots[epoch + 1].epoch == epoch + 1:
    full = batch if rows == len(data.Z_train) else explain.trace(coefs, intercepts, data.Z_train, data.y_train,
                                                                activation, alpha)
    stepped = learn.gradient_step(coefs, intercepts, full, exp.train.learning_rate)
    after = recording.snapshots[epoch + 1]
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
         + learn.number(explain.FD_STEP))
sample_check = remembered(("check", session.run_id, epoch, tuple(x), label),
                          lambda: explain.gradient_check(coefs, intercepts, x, [label], activation))
batch_check = remembered(("check", session.run_id, epoch, rows),
                         lambda: explain.gradient_check(coefs, intercepts, data.Z_train[:rows], data.y_train[:rows],
                                                        activation, alpha))
cols = st.columns(2)
cols[0].metric("Largest relative error, this sample", f"{sample_check.relative_errors.max():.1e}",
               help="Over every weight and bias; the loss of this one sample, without the L2 term.")
cols[1].metric("Largest relative error, the batch", f"{batch_check.relative_errors.max():.1e}",
               help=f"Over every weight and bias; the mean loss over {scope}"
                    + (" with the L2 term." if alpha else "."))
which = st.radio("Table for", ["This sample", "The batch"], horizontal=True, key="l_check")
check = sample_check if which == "This sample" else batch_check
st.dataframe(learn.gradient_table(check), hide_index=True, column_config={
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
