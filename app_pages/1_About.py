"""About: where MLP Playground comes from and how to check its numbers."""

import streamlit as st

from ui.session.state import get_session, show_notices

st.title("About MLP Playground")
show_notices(get_session())
st.write(
    "MLP Playground grew out of an article that builds a multilayer perceptron by hand: "
    "3 inputs → 3 ReLU units → 2 ReLU units → 1 sigmoid output, a binary classifier trained "
    "with the logistic loss. Backpropagation starts from the output derivative p − y, and "
    "gradient descent repeats until the weights stop changing."
)
st.markdown(
    """
**Training, step by step (the article's three steps)**

1. *Forward pass* — each layer computes $Z = W^\\top x + b$ and its activation; the output is
   $p = \\sigma(Z_3)$.
2. *Loss* — the logistic loss $L = -\\,[\\,y \\log p + (1-y)\\log(1-p)\\,]$, averaged over the samples.
3. *Backpropagation and update* — the derivative at the output is $p - y$; it is carried back
   through the layers to give every weight's gradient, and gradient descent moves each weight
   against its gradient.
"""
)
st.info(
    "Every number the playground shows is computed by a small NumPy network (`mlp_core`) that is "
    "tested to match scikit-learn's `MLPClassifier` step for step."
)
