"""MLP Playground — watch a small neural network learn. Run with ``streamlit run app.py``.

The entry point of every page: the page setup, the server's janitor, the navigation between the pages of
``app_pages/``, and the URL, which always shows the session's settings (a link reproduces an experiment on
whichever page it opens).
"""

import streamlit as st

from ui.session import janitor
from ui.session.state import get_session
from ui.settings.link import to_query

st.set_page_config(page_title="MLP Playground", page_icon="🧠", layout="wide")
janitor.start()  # once per server: memory back after visitors leave
page = st.navigation(
    [
        st.Page("app_pages/0_Playground.py", title="Playground", icon=":material/hub:", default=True),
        st.Page("app_pages/1_About.py", title="About", icon=":material/menu_book:"),
        st.Page("app_pages/2_Compare.py", title="Compare with scikit-learn", icon=":material/compare_arrows:"),
        st.Page("app_pages/3_Classify.py", title="Classify a CSV", icon=":material/table_view:"),
        st.Page("app_pages/4_Learn.py", title="Learn: the mathematics", icon=":material/function:"),
        st.Page("app_pages/5_Landscape.py", title="The loss landscape", icon=":material/landscape:"),
    ]
)
# The URL always shows the session's settings, on every page (the main page writes them again after its sidebar).
st.query_params.from_dict(to_query(get_session().experiment))
page.run()
