"""Stand-in for `google.colab.output`: records that the custom widget manager was switched on."""

import os


def enable_custom_widget_manager():
    marker = os.environ.get("COLAB_STUB_MARKER")
    if marker:
        with open(marker, "a", encoding="utf-8") as f:
            f.write("enable_custom_widget_manager\n")
