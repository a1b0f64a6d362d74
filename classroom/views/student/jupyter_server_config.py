# The course's own JupyterLab extension (labextensions/ next to this file) for the student view. A
# Python file because the path must not depend on the directory `jupyter lab` is started from, and
# classroom/install.py copies this whole folder onto the hub, extension included.
from pathlib import Path

c = get_config()  # noqa: F821
c.LabApp.extra_labextensions_path.append(str(Path(__file__).resolve().parent / "labextensions"))
