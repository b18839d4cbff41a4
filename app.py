"""MLP Playground — main page.

Run with ``streamlit run app.py``. The live training dashboard arrives with its own issue;
for now this page introduces the article's network.
"""

import streamlit as st


def playground() -> None:
    st.title("MLP Playground")
    st.write(
        "Watch a small neural network learn, check it against scikit-learn, and point it at your own CSV. "
        "The network is the one from the article *Building a Multi layer Perceptron model*: "
        "three inputs, a hidden layer of three ReLU units, a hidden layer of two ReLU units, "
        "and one sigmoid output, trained with logistic loss by gradient descent."
    )

    st.subheader("The article's network")
    st.graphviz_chart(
        """
        digraph mlp {
          rankdir=LR; splines=line; nodesep=0.35; ordering=out;
          node [shape=circle, style=filled, fontname="Helvetica", fontsize=11, width=0.55, fixedsize=true];
          subgraph cluster_in  { label="inputs"; color=white; x1; x2; x3; }
          subgraph cluster_h1  { label="hidden 1 (ReLU)"; color=white; h11; h12; h13; }
          subgraph cluster_h2  { label="hidden 2 (ReLU)"; color=white; h21; h22; }
          subgraph cluster_out { label="output (sigmoid)"; color=white; p; }
          x1 [label="x₁", fillcolor="#e8eef7"]; x2 [label="x₂", fillcolor="#e8eef7"];
          x3 [label="x₃", fillcolor="#e8eef7"];
          h11 [label="", fillcolor="#f4e3c1"]; h12 [label="", fillcolor="#f4e3c1"];
          h13 [label="", fillcolor="#f4e3c1"];
          h21 [label="", fillcolor="#f4e3c1"]; h22 [label="", fillcolor="#f4e3c1"];
          p [label="p", fillcolor="#d7ecd9"];
          x1 -> {h11 h12 h13} [color="#8a8a8a", arrowsize=0.5];
          x2 -> {h11 h12 h13} [color="#8a8a8a", arrowsize=0.5];
          x3 -> {h11 h12 h13} [color="#8a8a8a", arrowsize=0.5];
          {h11 h12 h13} -> {h21 h22} [color="#8a8a8a", arrowsize=0.5];
          {h21 h22} -> p [color="#8a8a8a", arrowsize=0.5];
        }
        """
    )
    st.caption(
        "Forward pass: Z = Wᵀx + b in each layer, ReLU in the hidden layers, sigmoid at the output. "
        "The loss is the logistic loss; its derivative at the output is p − y, "
        "carried back through the layers."
    )


st.set_page_config(page_title="MLP Playground", page_icon="🧠", layout="wide")
st.navigation(
    [
        st.Page(playground, title="Playground", icon=":material/hub:", default=True),
        st.Page("pages/1_About.py", title="About", icon=":material/menu_book:"),
    ]
).run()
