# The student view's two decisions that need code, not JSON: where the course's own JupyterLab
# extension is (labextensions/ next to this file: the path must not depend on the directory `jupyter lab`
# is started from, and classroom/install.py copies this whole folder onto the hub, extension included),
# and whether nbgrader's Assignments panel is offered (only where an exchange exists).
import os
import sys
from pathlib import Path

from jupyter_core.paths import jupyter_config_path
from traitlets.config import Application

c = get_config()  # noqa: F821
c.LabApp.extra_labextensions_path.append(str(Path(__file__).resolve().parent / "labextensions"))

# Without an exchange (self-study: `make lab` on a laptop) the Assignments panel can only show
# "Error fetching courses!" and "The exchange directory does not exist" blocks, so its menu, its panel
# and its server extension are left out. The Validate button stays: it needs no exchange.
ASSIGNMENT_PLUGINS = ("@jupyter/nbgrader:menu", "@jupyter/nbgrader:assignment-list")
ASSIGNMENT_SERVER_EXTENSION = "nbgrader.server_extensions.assignment_list"
DEFAULT_EXCHANGE_ROOT = "/srv/nbgrader/exchange"  # nbgrader's own default (Exchange.root)


class NbgraderConfig(Application):
    """Reads nbgrader_config.py/.json where nbgrader's Assignments panel reads them: the folder the
    server starts in first, then every folder of JUPYTER_CONFIG_PATH and Jupyter's own."""

    name = "nbgrader"


def missing_exchange() -> str | None:
    """The exchange folder nbgrader would use, when it does not exist; None when there is one (or an
    exchange that is not a folder, such as ngshare, is configured)."""
    reader = NbgraderConfig(raise_config_file_errors=True)  # one line below, not a traceback
    reader.load_config_file("nbgrader_config", path=[os.getcwd(), *jupyter_config_path()])
    if "exchange" in reader.config.ExchangeFactory:  # another exchange class: nothing to check here
        return None
    root = reader.config.Exchange.get("root", DEFAULT_EXCHANGE_ROOT)
    return None if Path(root).is_dir() else root


def hide_assignment_plugins(handler, page_config):
    """page_config_hook: JupyterLab's page gets the two plugins in its disabled list."""
    page_config["disabledExtensions"] = [*page_config.get("disabledExtensions", []), *ASSIGNMENT_PLUGINS]
    return page_config


try:
    missing = missing_exchange()
except Exception as error:  # a broken nbgrader_config file: nbgrader's own panel will say what is wrong
    print(f"[student view] nbgrader's configuration could not be read ({error}); "
          "the Assignments panel stays on", file=sys.stderr)
    missing = None
if missing is not None:
    print(f"[student view] no nbgrader exchange at {missing}: the Nbgrader Assignments panel is off "
          "(self-study; on a class's hub it is there)", file=sys.stderr)
    c.ServerApp.jpserver_extensions.update({ASSIGNMENT_SERVER_EXTENSION: False})
    c.ServerApp.tornado_settings.update({"page_config_hook": hide_assignment_plugins})
