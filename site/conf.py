"""Sphinx configuration of the course website (built by `make site`; see docs/site.md).

Sphinx with myst-nb and sphinx-book-theme builds with no network: the theme ships inside its pip
package, and the notebooks are rendered from the outputs of the test run (nothing executes here).
"""

project = "Keras 3 Layers: an interactive course"
author = "The course authors"
extensions = ["myst_nb"]
nb_execution_mode = "off"  # pages show the outputs the test run produced
nb_output_stderr = "remove"
myst_enable_extensions = ["dollarmath"]
suppress_warnings = ["myst.header", "mystnb.unknown_mime_type"]
exclude_patterns = ["_build", "**.ipynb_checkpoints", "downloads"]  # offered as files, not pages
html_theme = "sphinx_book_theme"
templates_path = ["_templates"]  # search-button-field.html: the theme's search button, accessible
html_title = "Keras 3 Layers course"
html_theme_options = {
    "show_toc_level": 2,
    "use_download_button": False,  # our own "Download .ipynb" link serves the clean notebook
    "use_fullscreen_button": False,
    "home_page_in_toc": True,
}
html_last_updated_fmt = None
