"""ipywidgets explorers: one module per explorer, each a plain, tested computation plus a thin widget."""
